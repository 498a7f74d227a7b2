import { z } from "zod";

export const ZStartRun = z.object({
  key: z.string().max(40),
  runbook: z.string().min(1, "Choose a runbook.").max(100),
  mode: z.enum(["live", "dry_run", "drill"], "Choose live, dry run or drill."),
  params: z.record(z.string(), z.string().max(500, "Parameter values are limited to 500 characters.")).default({}),
  environment: z.string().max(40).default("production"),
});
export type StartRun = z.infer<typeof ZStartRun>;

export const ZStartRollback = z.object({ requestId: z.uuid() });

export const ZRunAction = z.object({
  runId: z.uuid(),
  action: z.enum(["abort", "retry", "skip", "confirm"]),
  stepId: z.uuid().optional(),
  reason: z.string().trim().max(1000, "Reason is limited to 1,000 characters.").default(""),
  checked: z.array(z.string().max(200)).default([]),
});
export type RunAction = z.infer<typeof ZRunAction>;
