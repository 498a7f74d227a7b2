import type { ExecutorKind } from "../executors/kinds.ts";
import { SECRET_KEY } from "../executors/redact.ts";
import { getExecutor, validate } from "../executors/registry.ts";
import { resolveParams } from "./params.ts";
import { SECTIONS, type Runbook, type Section, type Step } from "./schema.ts";
import { substitute, type ParamValue } from "./template.ts";

/** A step ready for its executor: placeholders filled in, params validated with defaults applied. */
export type RenderedStep = {
  section: Section;
  id: string;
  title: string;
  executor: ExecutorKind;
  params: unknown;
  /** Deadline for one attempt: the step's own, or what the executor's settings allow. */
  timeoutSeconds: number;
  retries: { count: number; backoffSeconds: number };
  continueOnFailure: boolean;
  idempotent: boolean;
  parallelGroup: string | null;
  /** Values that came from secret-looking environment variables: pass them as StepContext.secrets. */
  secrets: string[];
};

export type RenderError = { section: Section | null; step: string | null; path: string; message: string };
export type RenderStepResult = { ok: true; step: RenderedStep } | { ok: false; errors: RenderError[] };

export function renderStep(step: Step, params: Record<string, ParamValue>, env: Record<string, string | undefined>, section: Section = "steps"): RenderStepResult {
  const errors: RenderError[] = [];
  const err = (path: (string | number)[], message: string) => errors.push({ section, step: step.id, path: path.map(String).join("."), message });
  for (const [name, value] of Object.entries(params)) {
    if (!["string", "number", "boolean"].includes(typeof value)) err(["params", name], `parameter ${name} must be text, a number or a boolean`);
  }
  const title = substitute(step.title, { params, env });
  const rendered = substitute(step.params, { params, env });
  for (const e of title.errors) err(["title"], e.message);
  for (const e of rendered.errors) err(["params", ...e.path], e.message);
  if (errors.length) return { ok: false, errors };

  const checked = validate(step.executor, rendered.value);
  if (!checked.ok) {
    for (const e of checked.errors) err(["params", ...(e.path ? e.path.split(".") : [])], e.message);
    return { ok: false, errors };
  }
  const executor = getExecutor(step.executor);
  const secrets = [...new Set([...title.envUsed, ...rendered.envUsed].filter((k) => SECRET_KEY.test(k)).map((k) => env[k] ?? "").filter(Boolean))];
  return {
    ok: true,
    step: {
      section,
      id: step.id,
      title: String(title.value),
      executor: step.executor,
      params: checked.params,
      timeoutSeconds: step.timeoutSeconds ?? Math.ceil(executor?.budgetSeconds(checked.params) ?? 300),
      retries: step.retries,
      continueOnFailure: step.continueOnFailure,
      idempotent: step.idempotent,
      parallelGroup: step.parallelGroup ?? null,
      secrets,
    },
  };
}

export type RenderRunbookResult = { ok: true; params: Record<string, ParamValue>; steps: RenderedStep[] } | { ok: false; errors: RenderError[] };

/** Parameters resolved and every step of every section rendered, in run order: prerequisites, steps, validation. */
export function renderRunbook(runbook: Runbook, input: Record<string, unknown>, env: Record<string, string | undefined>): RenderRunbookResult {
  const resolved = resolveParams(runbook.parameters, input);
  if (!resolved.ok) return { ok: false, errors: resolved.errors.map((e) => ({ section: null, step: null, path: `params.${e.param}`, message: `${e.param} ${e.message}` })) };
  const steps: RenderedStep[] = [];
  const errors: RenderError[] = [];
  for (const section of SECTIONS) {
    for (const step of runbook[section]) {
      const r = renderStep(step, resolved.values, env, section);
      if (r.ok) steps.push(r.step);
      else errors.push(...r.errors);
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, params: resolved.values, steps };
}

export function formatRenderError(e: RenderError): string {
  return `${e.section ? `${e.section}.` : ""}${e.step ? `${e.step}: ` : ""}${e.path ? `${e.path}: ` : ""}${e.message}`;
}
