import { z } from "zod";
import { EXECUTOR_KINDS } from "../executors/kinds.ts";
import { getExecutor } from "../executors/registry.ts";
import { checkParamValue, PARAMETER_TYPES, type ParameterDef } from "./params.ts";
import { hasPlaceholder, placeholders, walkStrings, wholePlaceholder } from "./template.ts";
import { baseEntryProblem, secretEnvNames, urlTemplateProblems } from "./url-policy.ts";

export const RUNBOOK_SCOPES = ["full_system", "database_application", "application", "feature", "configuration", "frontend", "database"] as const;
export type RunbookScope = (typeof RUNBOOK_SCOPES)[number];

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use lower-case letters, digits and -");

// Base URLs: a literal http(s) URL without query or fragment (origin, or origin and path prefix), or exactly {{ env.NAME }}.
const ZBaseUrls = z.array(
  z.string().superRefine((entry, ctx) => {
    const problem = baseEntryProblem(entry);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
);

export const ZParameter = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "use letters, digits and _ (as in {{ params.name }})"),
    type: z.enum(PARAMETER_TYPES),
    required: z.boolean().default(false),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    description: z.string().optional(),
    allowedUrls: ZBaseUrls.optional().describe(
      "type url only: the base URLs a value may point to (same scheme, host and port, at or below the path), each a URL or {{ env.NAME }}; an environment may set its own list",
    ),
  })
  .superRefine((p, ctx) => {
    if (p.allowedUrls && p.type !== "url") ctx.addIssue({ code: "custom", path: ["allowedUrls"], message: "only a url parameter has allowedUrls" });
    if (p.default === undefined) return;
    const checked = checkParamValue(p.type, p.default);
    if (!checked.ok) ctx.addIssue({ code: "custom", path: ["default"], message: `default ${checked.message}` });
  });
export type Parameter = z.infer<typeof ZParameter>;

export const ZRetries = z.strictObject({
  count: z.int().min(0).max(10).default(0),
  backoffSeconds: z.int().min(0).max(3600).default(5).describe("doubles after each failed attempt"),
});

export const ZStep = z.strictObject({
  id: id.describe("unique within the runbook; the run records steps by it"),
  title: z.string().min(1).describe("may use {{ params.x }}"),
  executor: z.enum(EXECUTOR_KINDS),
  params: z.record(z.string(), z.unknown()).default({}).describe("the executor's parameters; strings may use {{ params.x }} and {{ env.X }}, each string stays one value"),
  timeoutSeconds: z.int().positive().max(86_400).optional().describe("deadline for one attempt; default: what the executor's own settings allow"),
  retries: ZRetries.default({ count: 0, backoffSeconds: 5 }),
  continueOnFailure: z.boolean().default(false),
  idempotent: z.boolean().default(false).describe("safe to run again after a crash mid-step; only these are retried automatically"),
  parallelGroup: id.optional().describe("consecutive steps with the same group may run at the same time"),
});
export type Step = z.infer<typeof ZStep>;

export const ZEstimate = z
  .strictObject({ min: z.number().positive(), max: z.number().positive() })
  .refine((e) => e.max >= e.min, { message: "max must be at least min", path: ["max"] });

export const ZEnvironment = z.strictObject({
  production: z.boolean().optional().describe("whether this environment is production (default: only an environment named production is); a drill here needs the same approval as a live rollback"),
  params: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .default({})
    .describe("parameter values fixed for this environment (a request cannot change them); a value may name server variables, {{ env.NAME }}, resolved and stored when the rollback is requested, so never use that for secrets"),
  allowedUrls: z
    .record(z.string(), ZBaseUrls)
    .optional()
    .describe("per url parameter, the base URLs it may point to in this environment (instead of the parameter's own allowedUrls)"),
});
export type Environment = z.infer<typeof ZEnvironment>;

export const SECTIONS = ["prerequisites", "steps", "validation"] as const;
export type Section = (typeof SECTIONS)[number];

// A dry run may execute prerequisites, so they are limited to executors that only look.
export const PREREQUISITE_EXECUTORS = ["shell", "http", "health-check", "manual"] as const;

type Ctx = z.core.$RefinementCtx;
type Path = (string | number)[];

function checkExecutorParams(step: Step, at: Path, ctx: Ctx) {
  const executor = getExecutor(step.executor);
  if (!executor) return;
  const parsed = executor.schema.safeParse(step.params);
  if (parsed.success) return;
  for (const issue of parsed.error.issues) {
    const rel = issue.path.filter((k): k is string | number => typeof k !== "symbol");
    // Templated values are checked when the run renders them, with real parameter values.
    let v: unknown = step.params;
    let templated = false;
    for (const k of rel) {
      v = (v as Record<string | number, unknown> | undefined)?.[k];
      if (hasPlaceholder(v)) templated = true;
    }
    if (templated) continue;
    const key = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
    ctx.addIssue({ code: "custom", path: [...at, "params", ...rel, ...(key ? [key] : [])], message: issue.message });
  }
}

type Secrets = Record<string, { sendTo: string[] }>;

/** Every url parameter says where it may point in every environment: fixed there, or allowed base URLs. */
function checkUrlParameters(rb: { parameters: Parameter[]; environments?: Record<string, Environment> }, ctx: Ctx) {
  const envs = rb.environments && Object.keys(rb.environments).length ? Object.entries(rb.environments) : ([["production", undefined]] as const);
  for (const [envName, envDef] of Object.entries(rb.environments ?? {})) {
    for (const name of Object.keys(envDef.allowedUrls ?? {})) {
      if (rb.parameters.find((p) => p.name === name)?.type !== "url") ctx.addIssue({ code: "custom", path: ["environments", envName, "allowedUrls", name], message: `${name} is not a url parameter` });
    }
  }
  rb.parameters.forEach((p, i) => {
    if (p.type !== "url") return;
    const open = envs.filter(([, e]) => !(e && p.name in e.params) && !e?.allowedUrls?.[p.name] && !p.allowedUrls).map(([n]) => n);
    if (open.length) {
      ctx.addIssue({
        code: "custom",
        path: ["parameters", i, "allowedUrls"],
        message: `url parameter ${p.name} must say where it may point (in ${open.join(", ")}): allowedUrls: ["https://app.example.com", "{{ env.APP_URL }}"], or per environment under environments.<name>.allowedUrls.${p.name}, or a value the environment fixes`,
      });
    }
  });
}

/** URL fields built from parts, url parameters used whole, and every secret a step sends declared. */
function checkStepUrls(step: Step, at: Path, params: Map<string, ParameterDef>, secrets: Secrets, ctx: Ctx) {
  const fields = getExecutor(step.executor)?.urlFields ?? [];
  for (const field of fields) {
    for (const p of urlTemplateProblems(step.params[field], field, (n) => params.get(n)?.type)) ctx.addIssue({ code: "custom", path: [...at, "params", ...p.path], message: p.message });
  }
  walkStrings(step.params, (s, path) => {
    for (const p of placeholders(s).found) {
      if (p.source !== "params" || params.get(p.name)?.type !== "url" || wholePlaceholder(s)) continue;
      ctx.addIssue({ code: "custom", path: [...at, "params", ...path], message: `{{ params.${p.name} }} is a URL: use it as a whole value, or as the base of { base, path, query }` });
    }
  });
  if (!getExecutor(step.executor)?.targets) return;
  for (const s of secretEnvNames(step.executor, step.params)) {
    if (secrets[s.name]) continue;
    ctx.addIssue({ code: "custom", path: [...at, "params", ...s.path], message: `{{ env.${s.name} }} is a secret this step sends: declare where it may go, secrets: { ${s.name}: { sendTo: ["https://app.example.com"] } }` });
  }
}

function checkRunbook(rb: { parameters: Parameter[]; environments?: Record<string, Environment>; secrets?: Secrets } & Record<Section, Step[]>, ctx: Ctx) {
  const params = new Map<string, ParameterDef>();
  rb.parameters.forEach((p, i) => {
    if (params.has(p.name)) ctx.addIssue({ code: "custom", path: ["parameters", i, "name"], message: `parameter ${p.name} is declared twice` });
    params.set(p.name, p);
  });
  checkUrlParameters(rb, ctx);
  for (const [envName, envDef] of Object.entries(rb.environments ?? {})) {
    for (const [name, value] of Object.entries(envDef.params)) {
      const def = params.get(name);
      const at = ["environments", envName, "params", name];
      if (!def) {
        ctx.addIssue({ code: "custom", path: at, message: `${name} is not a declared parameter` });
        continue;
      }
      if (typeof value === "string" && hasPlaceholder(value)) {
        const { found, unknown } = placeholders(value);
        if (unknown.length || found.some((f) => f.source !== "env")) ctx.addIssue({ code: "custom", path: at, message: "an environment's value may only name server variables ({{ env.NAME }})" });
        continue;
      }
      const checked = checkParamValue(def.type, value);
      if (!checked.ok) ctx.addIssue({ code: "custom", path: at, message: `${name} ${checked.message}` });
    }
  }
  const ids = new Set<string>();
  for (const section of SECTIONS) {
    const closed = new Set<string>();
    let open: string | undefined;
    rb[section].forEach((step, i) => {
      const at: Path = [section, i];
      if (ids.has(step.id)) ctx.addIssue({ code: "custom", path: [...at, "id"], message: `step id ${step.id} is used twice` });
      ids.add(step.id);
      if (step.parallelGroup !== open && open) closed.add(open);
      if (step.parallelGroup && closed.has(step.parallelGroup)) {
        ctx.addIssue({ code: "custom", path: [...at, "parallelGroup"], message: `steps of group ${step.parallelGroup} must be next to each other` });
      }
      open = step.parallelGroup;
      if (section === "prerequisites") {
        if (!(PREREQUISITE_EXECUTORS as readonly string[]).includes(step.executor)) {
          ctx.addIssue({ code: "custom", path: [...at, "executor"], message: `a prerequisite only checks: use ${PREREQUISITE_EXECUTORS.join(", ")}` });
        }
        const method = step.params.method;
        if (step.executor === "http" && method !== undefined && method !== "GET" && method !== "HEAD") {
          ctx.addIssue({ code: "custom", path: [...at, "params", "method"], message: "a prerequisite only checks: use GET or HEAD" });
        }
      }
      walkStrings({ title: step.title, params: step.params }, (s, path) => {
        const { found, unknown } = placeholders(s);
        for (const u of unknown) ctx.addIssue({ code: "custom", path: [...at, ...path], message: `unknown placeholder ${u} (use {{ params.name }} or {{ env.NAME }})` });
        for (const p of found) {
          if (p.source !== "params") continue;
          const def = params.get(p.name);
          if (!def) ctx.addIssue({ code: "custom", path: [...at, ...path], message: `{{ params.${p.name} }} is not a declared parameter` });
          else if (!def.required && def.default === undefined) {
            ctx.addIssue({ code: "custom", path: [...at, ...path], message: `parameter ${p.name} is used here, so it must be required or have a default` });
          }
        }
      });
      checkExecutorParams(step, at, ctx);
      checkStepUrls(step, at, params, rb.secrets ?? {}, ctx);
    });
  }
}

export const ZRunbook = z
  .strictObject({
    name: id.describe("the runbook's id"),
    title: z.string().min(1),
    description: z.string().default(""),
    scope: z.enum(RUNBOOK_SCOPES),
    level: z.int().min(1).max(5).optional().describe("rollback level: 1 feature flag, 2 configuration, 3 code, 4 database, 5 full system"),
    parameters: z.array(ZParameter).default([]),
    environments: z
      .record(id, ZEnvironment)
      .optional()
      .describe("where this runbook can run, with the parameter values fixed per environment; without it the only environment is production"),
    secrets: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a server variable's name"), z.strictObject({ sendTo: ZBaseUrls.min(1) }))
      .optional()
      .describe("server variables a step sends as credentials ({{ env.NAME }} in a header, token, body or query), each with the base URLs it may be sent to"),
    prerequisites: z.array(ZStep).default([]).describe("read-only checks (shell, http GET/HEAD, health-check, manual): a dry run may execute them; a live run runs them first"),
    steps: z.array(ZStep).min(1, "a runbook needs at least one step"),
    validation: z.array(ZStep).default([]).describe("post-rollback validation: health checks and the manual checklist"),
    estimatedMinutes: ZEstimate,
  })
  .superRefine(checkRunbook);
export type Runbook = z.infer<typeof ZRunbook>;

/** Steps grouped for execution: each batch is one step, or consecutive steps of one parallel group. */
export function stepBatches<S extends { parallelGroup?: string }>(steps: readonly S[]): S[][] {
  const batches: S[][] = [];
  for (const step of steps) {
    const last = batches.at(-1);
    if (step.parallelGroup && last?.[0]?.parallelGroup === step.parallelGroup) last.push(step);
    else batches.push([step]);
  }
  return batches;
}
