import { z } from "zod";
import type { Executor } from "./types.ts";

export const ZNotifyParams = z.strictObject({
  message: z.string().min(1).max(2000),
  severity: z.enum(["info", "warning", "critical"]).default("info"),
});
export type NotifyParams = z.infer<typeof ZNotifyParams>;

// Real channels (chat, mail, status page) arrive with the communications issue; for now the
// engine writes the returned note to the incident timeline.
export const notifyExecutor: Executor<NotifyParams> = {
  kind: "notify",
  schema: ZNotifyParams,
  budgetSeconds: () => 30,
  async plan(params) {
    return { summary: "add a note to the incident timeline", actions: [`note (${params.severity}): ${params.message}`], checks: [] };
  },
  async execute(params, ctx) {
    ctx.log("info", `note: ${params.message}`);
    return { ok: true, output: { note: params.message, severity: params.severity } };
  },
};
