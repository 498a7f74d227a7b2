import type { Prisma } from "../db/generated/client.ts";
import { getExecutor } from "../executors/registry.ts";
import type { LogSink } from "../executors/types.ts";

export type StepOutcome = {
  status: "succeeded" | "failed" | "awaiting_confirmation" | "aborted";
  exitCode?: number | null;
  error?: string;
  output?: Record<string, unknown>;
};

type StepSpec = { executor: string; params: Prisma.JsonValue; timeoutSeconds: number; mode: "live" | "dry_run" | "drill"; title: string };

/**
 * Runs one step through its executor. A dry run calls only `plan` (no side effects) and fails
 * the step when a prerequisite check fails, so the operator sees every problem before going live.
 */
export async function runStep(step: StepSpec, io: { signal: AbortSignal; log: LogSink }): Promise<StepOutcome> {
  const executor = getExecutor(step.executor);
  if (!executor) return { status: "failed", error: `unknown executor "${step.executor}"` };
  const parsed = executor.schema.safeParse(step.params);
  if (!parsed.success) {
    return { status: "failed", error: `invalid parameters: ${parsed.error.issues.map((i) => `${i.path.join(".") || "params"}: ${i.message}`).join("; ")}` };
  }
  const ctx = { env: process.env };
  if (step.mode === "dry_run") {
    const plan = await executor.plan(parsed.data, ctx);
    io.log("info", `[plan] ${plan.summary}\n`);
    for (const a of plan.actions) io.log("info", `  would: ${a}\n`);
    for (const c of plan.checks) io.log("info", `  ${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}\n`);
    const failed = plan.checks.filter((c) => !c.ok);
    return failed.length ? { status: "failed", error: `${failed.length} prerequisite check${failed.length > 1 ? "s" : ""} failed: ${failed.map((c) => c.name).join(", ")}` } : { status: "succeeded" };
  }
  const timeout = AbortSignal.timeout(step.timeoutSeconds * 1000 + 5_000);
  const signal = AbortSignal.any([io.signal, timeout]);
  const res = await executor.execute(parsed.data, { ...ctx, signal, log: io.log, secrets: [] });
  if (io.signal.aborted) return { status: "aborted", exitCode: res.exitCode ?? null, error: "aborted by an operator" };
  if (res.output && (res.output as { awaiting?: unknown }).awaiting === "confirmation") {
    return { status: "awaiting_confirmation", output: res.output };
  }
  return { status: res.ok ? "succeeded" : "failed", exitCode: res.exitCode ?? null, error: res.error, output: res.output };
}
