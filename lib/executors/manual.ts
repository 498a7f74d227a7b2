import { z } from "zod";
import type { Executor } from "./types.ts";

/** The seeds' post-rollback manual validation checklist. */
export const DEFAULT_VALIDATION_CHECKLIST = [
  "User authentication works",
  "Critical business functions operational",
  "Data integrity confirmed",
  "Performance within acceptable limits",
  "Monitoring systems operational",
  "Backup systems functional",
] as const;

export const ZManualParams = z.strictObject({
  instructions: z.string().optional(),
  checklist: z.array(z.string().min(1)).min(1).default([...DEFAULT_VALIDATION_CHECKLIST]),
});
export type ManualParams = z.infer<typeof ZManualParams>;

/** What a manual step's execute returns: not a failure, a request that the run pause for a person. */
export type AwaitingConfirmation = { awaiting: "confirmation"; checklist: string[]; instructions: string | null };

export function isAwaitingConfirmation(output: Record<string, unknown> | undefined): output is AwaitingConfirmation {
  return output?.awaiting === "confirmation";
}

export const manualExecutor: Executor<ManualParams> = {
  kind: "manual",
  schema: ZManualParams,
  // A person answers in their own time; the engine pauses rather than timing this out.
  budgetSeconds: () => 86_400,
  async plan(params) {
    return {
      summary: `pause until a person confirms ${params.checklist.length} item${params.checklist.length === 1 ? "" : "s"}`,
      actions: [...(params.instructions ? [params.instructions] : []), ...params.checklist.map((item) => `confirm: ${item}`)],
      checks: [],
    };
  },
  async execute(params, ctx) {
    ctx.log("info", `waiting for confirmation of ${params.checklist.length} checklist items`);
    const output: AwaitingConfirmation = { awaiting: "confirmation", checklist: params.checklist, instructions: params.instructions ?? null };
    return { ok: false, output };
  },
};
