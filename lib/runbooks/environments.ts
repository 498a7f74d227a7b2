import { substitute, type ParamValue } from "./template.ts";
import type { Runbook } from "./schema.ts";

// A runbook's environments: where it may run and the parameter values each fixes. Pure.

export type RunbookEnvironment = { name: string; production: boolean; params: Record<string, ParamValue> };

export function runbookEnvironments(rb: Pick<Runbook, "environments">): RunbookEnvironment[] {
  const declared = rb.environments;
  if (!declared || !Object.keys(declared).length) return [{ name: "production", production: true, params: {} }];
  return Object.entries(declared).map(([name, e]) => ({ name, production: e.production ?? name === "production", params: e.params }));
}

export function findEnvironment(rb: Pick<Runbook, "environments">, name: string): RunbookEnvironment | null {
  return runbookEnvironments(rb).find((e) => e.name === name) ?? null;
}

export type FixedParams = { ok: true; values: Record<string, ParamValue> } | { ok: false; errors: { param: string; message: string }[] };

/** The environment's fixed values with {{ env.NAME }} resolved now (the request stores them). */
export function fixedParams(env: RunbookEnvironment, serverEnv: Record<string, string | undefined>): FixedParams {
  const values: Record<string, ParamValue> = {};
  const errors: { param: string; message: string }[] = [];
  for (const [name, raw] of Object.entries(env.params)) {
    const r = substitute(raw, { params: {}, env: serverEnv });
    if (r.errors.length) errors.push({ param: name, message: `cannot be set for ${env.name}: ${r.errors.map((e) => e.message).join("; ")}` });
    else values[name] = r.value as ParamValue;
  }
  return errors.length ? { ok: false, errors } : { ok: true, values };
}
