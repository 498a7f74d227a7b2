import { getExecutor } from "../executors/registry.ts";
import type { Check, LogSink, Plan, PlanContext } from "../executors/types.ts";
import type { LoadedRunbook } from "./load.ts";
import { renderRunbook, type RenderedStep, type RenderError } from "./render.ts";

export type StepPlan = { step: RenderedStep; plan: Plan };
export type RunbookPlan =
  | { ok: true; runbook: string; version: string; steps: StepPlan[]; checksPassed: boolean }
  | { ok: false; runbook: string; version: string; errors: RenderError[] };

export type PlanOptions = {
  /** The environment whose rules apply (where url parameters may point); default: the runbook's first. */
  environment?: string;
  /** Also execute the prerequisite steps (read-only by schema) and report each as a check. */
  executePrerequisites?: boolean;
  signal?: AbortSignal;
  log?: LogSink;
};

async function runPrerequisite(step: RenderedStep, ctx: PlanContext, opts: PlanOptions): Promise<Check> {
  const executor = getExecutor(step.executor);
  if (!executor || step.executor === "manual") return { name: "prerequisite", ok: true, detail: "confirmed by a person when the run starts" };
  const timeout = AbortSignal.timeout(step.timeoutSeconds * 1000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const r = await executor.execute(step.params, { ...ctx, signal, log: opts.log ?? (() => {}), secrets: step.secrets });
  return { name: "prerequisite", ok: r.ok, detail: r.ok ? "passed" : (r.error ?? "failed") };
}

/**
 * A dry run: every step (prerequisites, steps, validation) rendered and asked for its plan.
 * Plans have no side effects; a plan that throws becomes a failed check, not a failed call.
 */
export async function planRunbook(loaded: LoadedRunbook, input: Record<string, unknown>, ctx: PlanContext, opts: PlanOptions = {}): Promise<RunbookPlan> {
  const base = { runbook: loaded.runbook.name, version: loaded.version };
  const rendered = renderRunbook(loaded.runbook, input, ctx.env, opts.environment);
  if (!rendered.ok) return { ...base, ok: false, errors: rendered.errors };
  const steps: StepPlan[] = [];
  for (const step of rendered.steps) {
    const executor = getExecutor(step.executor);
    let plan: Plan;
    try {
      plan = executor ? await executor.plan(step.params, ctx) : { summary: step.title, actions: [], checks: [{ name: "executor", ok: false, detail: `unknown executor ${step.executor}` }] };
      if (opts.executePrerequisites && step.section === "prerequisites") plan = { ...plan, checks: [...plan.checks, await runPrerequisite(step, ctx, opts)] };
    } catch (err) {
      plan = { summary: step.title, actions: [], checks: [{ name: "plan", ok: false, detail: (err as Error).message }] };
    }
    steps.push({ step, plan });
  }
  return { ...base, ok: true, steps, checksPassed: steps.every((s) => s.plan.checks.every((c) => c.ok)) };
}
