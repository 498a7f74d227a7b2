import { z } from "zod";
import { multiLine, singleLine } from "../validation/text.ts";

export const ZRequestRollback = z.object({
  key: singleLine().max(40),
  idempotencyKey: z.uuid("The form is out of date; reload the page."),
  runbook: singleLine().trim().min(1, "Choose the runbook that rolls this back.").max(100),
  mode: z.enum(["live", "drill"], "Choose a live rollback or a drill.").default("live"),
  environment: singleLine().trim().min(1, "Choose an environment.").max(40).default("production"),
  /** Empty: the decision's scope, or "not assessed" when no matrix rule matched. */
  scope: singleLine().max(60).default(""),
  target: singleLine().trim().min(1, "Say what to roll back to (for example v2.13.4).").max(200, "Target is limited to 200 characters."),
  params: z.record(singleLine().max(100), singleLine().max(500, "Parameter values are limited to 500 characters.")).default({}),
  reason: multiLine().trim().min(5, "Give a reason (at least 5 characters).").max(2000, "Reason is limited to 2,000 characters."),
});
export type RequestRollback = z.infer<typeof ZRequestRollback>;

export const ZDecideRequest = z
  .object({
    requestId: z.uuid(),
    decision: z.enum(["approve", "reject"], "Approve or reject."),
    comment: multiLine().trim().max(2000, "Comment is limited to 2,000 characters.").default(""),
  })
  // The requester acts on a rejection: it always says why.
  .refine((d) => d.decision !== "reject" || d.comment.length >= 5, { path: ["comment"], message: "Say why you reject (at least 5 characters): the requester reads it." });
export type DecideRequest = z.infer<typeof ZDecideRequest>;

export const ZBreakGlass = z.object({
  requestId: z.uuid(),
  justification: multiLine().trim().min(20, "Break-glass needs a written justification of at least 20 characters.").max(2000),
});
export type BreakGlass = z.infer<typeof ZBreakGlass>;

export const ZCancelRollback = z.object({
  requestId: z.uuid(),
  reason: multiLine().trim().min(3, "Say why (at least 3 characters).").max(1000),
});
