import type { z } from "zod";

export type LogSink = (stream: "stdout" | "stderr" | "info", text: string) => void;
export type PlanContext = { env: Record<string, string | undefined> };
export type StepContext = PlanContext & { signal: AbortSignal; log: LogSink; secrets: string[] };
export type Check = { name: string; ok: boolean; detail: string };
export type Plan = { summary: string; actions: string[]; checks: Check[] };
export type ExecResult = { ok: boolean; exitCode?: number | null; output?: Record<string, unknown>; error?: string };

export type Executor<P> = {
  kind: string;
  schema: z.ZodType<P>;
  plan(params: P, ctx: PlanContext): Promise<Plan>;
  execute(params: P, ctx: StepContext): Promise<ExecResult>;
  /** Longest one attempt can take with these params; the engine's backstop deadline when a step sets none. */
  budgetSeconds(params: P): number;
  /** The params that hold URLs: a placeholder there is a whole value or the base of { base, path, query }. */
  urlFields?: readonly string[];
  /** Every URL a step with these params sends requests to; its secrets may go only where the runbook allows. */
  targets?(params: P): string[];
};

export type FieldError = { path: string; message: string };
