import { z } from "zod";
import { checkParamValue, type ParameterDef } from "../runbooks/params.ts";
import { singleLine } from "../validation/text.ts";

// The one schema of Service.runbooks (a JSON column): the runbooks that roll a service back, in
// order of preference, each with default parameter values per environment. Parsed only here.

export const RUNBOOK_NAME = /^[a-z0-9][a-z0-9-]*$/;
export const ENVIRONMENT_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

const ZParamValue = z.union([singleLine().max(4096), z.number(), z.boolean()]);

export const ZServiceRunbook = z.strictObject({
  runbook: singleLine().regex(RUNBOOK_NAME, "Runbook names use lower-case letters, digits and -."),
  /** { production: { version: "v1" }, staging: { ... } } */
  defaults: z
    .record(
      singleLine().regex(ENVIRONMENT_NAME, "Environment names use lower-case letters, digits, _ and -."),
      z.record(singleLine().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "Parameter names use letters, digits and _."), ZParamValue),
    )
    .default({}),
});
export type ServiceRunbook = z.infer<typeof ZServiceRunbook>;

export const ZServiceRunbooks = z.array(ZServiceRunbook).max(20, "At most 20 runbooks per service.");

/** Reads the stored column; a row written before this schema (or by hand) reads as no runbooks. */
export function readServiceRunbooks(json: unknown): ServiceRunbook[] {
  const parsed = ZServiceRunbooks.safeParse(json);
  return parsed.success ? parsed.data : [];
}

/** The runbook offered first when this service is rolled back, if any. */
export function preferredRunbook(json: unknown): string | null {
  return readServiceRunbooks(json)[0]?.runbook ?? null;
}

type RunbookInfo = { name: string; parameters: readonly ParameterDef[] };
export type RunbookProblem = { path: string; message: string };

/**
 * A service's runbooks checked against the runbooks that are loaded: each exists, is named once,
 * and its defaults are for the service's environments and are valid values of declared parameters.
 */
export function checkServiceRunbooks(entries: readonly ServiceRunbook[], environments: readonly string[], loaded: readonly RunbookInfo[]): RunbookProblem[] {
  const problems: RunbookProblem[] = [];
  const byName = new Map(loaded.map((r) => [r.name, r]));
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const at = `runbooks.${i}`;
    if (seen.has(entry.runbook)) problems.push({ path: at, message: `runbook ${entry.runbook} is listed twice` });
    seen.add(entry.runbook);
    const rb = byName.get(entry.runbook);
    if (!rb) {
      problems.push({ path: at, message: `no runbook named ${entry.runbook} is loaded` });
      return;
    }
    const params = new Map(rb.parameters.map((p) => [p.name, p]));
    for (const [env, values] of Object.entries(entry.defaults)) {
      if (!environments.includes(env)) problems.push({ path: `${at}.defaults.${env}`, message: `${env} is not one of this service's environments (${environments.join(", ")})` });
      for (const [name, value] of Object.entries(values)) {
        const def = params.get(name);
        if (!def) {
          problems.push({ path: `${at}.defaults.${env}.${name}`, message: `${name} is not a parameter of runbook ${rb.name}` });
          continue;
        }
        const checked = checkParamValue(def.type, value);
        if (!checked.ok) problems.push({ path: `${at}.defaults.${env}.${name}`, message: `${name} ${checked.message}` });
      }
    }
  });
  return problems;
}
