import type { Prisma } from "../db/generated/client.ts";
import { getExecutor } from "../executors/registry.ts";
import type { LogSink } from "../executors/types.ts";
import { formatRenderError, renderStep } from "../runbooks/render.ts";
import type { Section, Step } from "../runbooks/schema.ts";
import type { ParamValue } from "../runbooks/template.ts";

export type StepOutcome = {
  status: "succeeded" | "failed" | "awaiting_confirmation" | "aborted";
  exitCode?: number | null;
  error?: string;
  output?: Record<string, unknown>;
};

export type StepSpec = {
  /** The runbook step as written; rendered here so secrets from the environment are never stored. */
  params: Prisma.JsonValue;
  phase: string;
  runParams: Prisma.JsonValue;
  mode: "live" | "dry_run" | "drill";
};

const SECTION: Record<string, Section> = { prerequisite: "prerequisites", step: "steps", validation: "validation" };

/**
 * Runs one step through its executor. A dry run calls only `plan` (no side effects) and fails
 * the step when a prerequisite check fails, so the operator sees every problem before going live.
 */
export async function runStep(spec: StepSpec, io: { signal: AbortSignal; log: LogSink }): Promise<StepOutcome> {
  const rendered = renderStep(spec.params as unknown as Step, (spec.runParams ?? {}) as Record<string, ParamValue>, process.env, SECTION[spec.phase] ?? "steps");
  if (!rendered.ok) return { status: "failed", error: rendered.errors.map(formatRenderError).join("; ") };
  const step = rendered.step;
  const executor = getExecutor(step.executor);
  if (!executor) return { status: "failed", error: `unknown executor "${step.executor}"` };
  const ctx = { env: process.env };
  if (spec.mode === "dry_run") {
    const plan = await executor.plan(step.params, ctx);
    io.log("info", `[plan] ${plan.summary}\n`);
    for (const a of plan.actions) io.log("info", `  would: ${a}\n`);
    for (const c of plan.checks) io.log("info", `  ${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}\n`);
    const failed = plan.checks.filter((c) => !c.ok);
    return failed.length ? { status: "failed", error: `${failed.length} prerequisite check${failed.length > 1 ? "s" : ""} failed: ${failed.map((c) => c.name).join(", ")}` } : { status: "succeeded" };
  }
  // The engine's backstop: the step's own deadline plus a grace period for the executor to clean up.
  const timeout = AbortSignal.timeout((step.timeoutSeconds + 10) * 1000);
  const signal = AbortSignal.any([io.signal, timeout]);
  const res = await executor.execute(step.params, { ...ctx, signal, log: io.log, secrets: step.secrets });
  if (io.signal.aborted) return { status: "aborted", exitCode: res.exitCode ?? null, error: "aborted by an operator" };
  if (res.output && (res.output as { awaiting?: unknown }).awaiting === "confirmation") {
    return { status: "awaiting_confirmation", output: res.output };
  }
  return { status: res.ok ? "succeeded" : "failed", exitCode: res.exitCode ?? null, error: res.error, output: res.output };
}
