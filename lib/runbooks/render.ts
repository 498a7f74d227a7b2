import type { ExecutorKind } from "../executors/kinds.ts";
import { SECRET_KEY } from "../executors/redact.ts";
import { getExecutor, validate } from "../executors/registry.ts";
import { findEnvironment, runbookEnvironments } from "./environments.ts";
import { resolveParams } from "./params.ts";
import { SECTIONS, type Runbook, type Section, type Step } from "./schema.ts";
import { substitute, type ParamValue } from "./template.ts";
import { checkSecretTargets, checkUrlParams, type SecretsDecl } from "./url-policy.ts";

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

/** The runbook's rules for where a step's secrets may go; without them (a run's step, checked when the run was created) they are not checked again. */
export type StepRules = { secrets: SecretsDecl };

export function renderStep(step: Step, params: Record<string, ParamValue>, env: Record<string, string | undefined>, section: Section = "steps", rules?: StepRules): RenderStepResult {
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
  if (rules && executor?.targets) {
    let targets: string[] = [];
    try {
      targets = executor.targets(checked.params);
    } catch (e) {
      err(["params"], (e as Error).message);
    }
    for (const problem of checkSecretTargets(step.executor, step.params, targets, rules.secrets, env)) err(["params"], problem);
    if (errors.length) return { ok: false, errors };
  }
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

/**
 * Parameters resolved and checked for the environment (a url parameter only where it may point
 * there), then every step of every section rendered, in run order: prerequisites, steps,
 * validation. Without an environment, the runbook's first one.
 */
export function renderRunbook(runbook: Runbook, input: Record<string, unknown>, env: Record<string, string | undefined>, environment?: string): RenderRunbookResult {
  const target = environment === undefined ? runbookEnvironments(runbook)[0]! : findEnvironment(runbook, environment);
  if (!target) return { ok: false, errors: [{ section: null, step: null, path: "environment", message: `${runbook.name} runs in ${runbookEnvironments(runbook).map((e) => e.name).join(", ")}, not ${environment}` }] };
  const resolved = resolveParams(runbook.parameters, input);
  if (!resolved.ok) return { ok: false, errors: resolved.errors.map((e) => ({ section: null, step: null, path: `params.${e.param}`, message: `${e.param} ${e.message}` })) };
  const urlErrors = checkUrlParams(runbook.parameters, target.name, runbook.environments?.[target.name], resolved.values, env);
  if (urlErrors.length) return { ok: false, errors: urlErrors.map((e) => ({ section: null, step: null, path: `params.${e.param}`, message: `${e.param} ${e.message}` })) };
  const rules: StepRules = { secrets: runbook.secrets ?? {} };
  const steps: RenderedStep[] = [];
  const errors: RenderError[] = [];
  for (const section of SECTIONS) {
    for (const step of runbook[section]) {
      const r = renderStep(step, resolved.values, env, section, rules);
      if (r.ok) steps.push(r.step);
      else errors.push(...r.errors);
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, params: resolved.values, steps };
}

export function formatRenderError(e: RenderError): string {
  return `${e.section ? `${e.section}.` : ""}${e.step ? `${e.step}: ` : ""}${e.path ? `${e.path}: ` : ""}${e.message}`;
}
