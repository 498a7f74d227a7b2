import { z } from "zod";
import type { Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { redact, secretValues } from "../executors/redact.ts";
import { findRunbook } from "../runs/runbook-registry.ts";
import { singleLine } from "../validation/text.ts";
import { findEnvironment, fixedParams, runbookEnvironments } from "./environments.ts";
import { planRunbook } from "./plan.ts";
import { formatRenderError } from "./render.ts";

export const ZShowPlan = z.object({
  runbook: singleLine().min(1, "Choose a runbook.").max(100),
  environment: singleLine().max(40).optional(),
  params: z.record(singleLine().max(100), singleLine().max(500, "Parameter values are limited to 500 characters.")).default({}),
});
export type ShowPlan = z.infer<typeof ZShowPlan>;

/** A plan as the page shows it: text only (no rendered params, which may hold secrets), redacted. */
export type PlanView = {
  runbook: string;
  version: string;
  environment: string;
  /** What was typed, shown again in the form. */
  params: Record<string, string>;
  checksPassed: boolean;
  steps: { id: string; section: string; title: string; executor: string; idempotent: boolean; summary: string; actions: string[]; checks: { name: string; ok: boolean; detail: string }[] }[];
  at: number;
};

/**
 * A plan is an action, not a page view: every executor's plan looks at real systems (resolves
 * hosts, reads deployments, connects to databases, queries flag stores), so it needs run.start
 * and runs only when asked (a POST), with the environment's fixed values and URL rules.
 */
export async function showPlan({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<PlanView> {
  assertCan(ctx.actor, "run.start");
  const parsed = ZShowPlan.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { runbook: name, environment, params } = parsed.data;
  const loaded = await findRunbook(name);
  if (!loaded) throw new AppError("VALIDATION", "Please correct the highlighted fields.", { runbook: [`No runbook named “${name}” is loaded.`] });
  const env = environment ? findEnvironment(loaded.runbook, environment) : runbookEnvironments(loaded.runbook)[0]!;
  if (!env) {
    const names = runbookEnvironments(loaded.runbook).map((e) => e.name).join(", ");
    throw new AppError("VALIDATION", "Please correct the highlighted fields.", { environment: [`${loaded.runbook.name} runs in ${names}, not ${environment}.`] });
  }
  const fixed = fixedParams(env, process.env);
  if (!fixed.ok) throw new AppError("VALIDATION", "This environment cannot be used on this server.", Object.fromEntries(fixed.errors.map((e) => [`params.${e.param}`, [`${e.param} ${e.message}`]])));
  const typed = Object.fromEntries(Object.entries(params).filter(([k, v]) => v !== "" && !(k in fixed.values)));
  const plan = await planRunbook(loaded, { ...typed, ...fixed.values }, { env: process.env }, { environment: env.name });
  if (!plan.ok) {
    const fieldErrors: Record<string, string[]> = {};
    for (const e of plan.errors) {
      const field = e.path.startsWith("params.") && !e.step;
      (fieldErrors[field ? e.path : "runbook"] ??= []).push(field ? e.message : formatRenderError(e));
    }
    throw new AppError("VALIDATION", "The runbook cannot be planned with these parameters.", fieldErrors);
  }
  return {
    runbook: plan.runbook,
    version: plan.version,
    environment: env.name,
    params: typed,
    checksPassed: plan.checksPassed,
    steps: plan.steps.map(({ step, plan: p }) => {
      const secrets = secretValues(process.env, step.secrets);
      const hide = (t: string) => redact(t, secrets);
      return {
        id: step.id,
        section: step.section,
        title: hide(step.title),
        executor: step.executor,
        idempotent: step.idempotent,
        summary: hide(p.summary),
        actions: p.actions.map(hide),
        checks: p.checks.map((c) => ({ name: c.name, ok: c.ok, detail: hide(c.detail) })),
      };
    }),
    at: Date.now(),
  };
}
