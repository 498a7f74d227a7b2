import { z } from "zod";
import { multiLine, singleLine } from "../validation/text.ts";

export const ZStartRun = z.object({
  key: singleLine().max(40),
  runbook: singleLine().min(1, "Choose a runbook.").max(100),
  mode: z.enum(["live", "dry_run", "drill"], "Choose live, dry run or drill."),
  params: z.record(singleLine().max(100), singleLine().max(500, "Parameter values are limited to 500 characters.")).default({}),
  environment: singleLine().max(40).default("production"),
});
export type StartRun = z.infer<typeof ZStartRun>;

export const ZStartRollback = z.object({ requestId: z.uuid() });

export const ZRunAction = z.object({
  runId: z.uuid(),
  action: z.enum(["abort", "retry", "skip", "confirm"]),
  stepId: z.uuid().optional(),
  reason: multiLine().trim().max(1000, "Reason is limited to 1,000 characters.").default(""),
  checked: z.array(singleLine().max(200)).default([]),
});
export type RunAction = z.infer<typeof ZRunAction>;
