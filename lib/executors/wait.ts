import { z } from "zod";
import { sleep } from "./sleep.ts";
import type { Executor } from "./types.ts";

export const ZWaitParams = z.strictObject({ seconds: z.number().min(0).max(86_400) });
export type WaitParams = z.infer<typeof ZWaitParams>;

export const waitExecutor: Executor<WaitParams> = {
  kind: "wait",
  schema: ZWaitParams,
  budgetSeconds: (p) => Math.ceil(p.seconds) + 5,
  async plan(params) {
    return { summary: `wait ${params.seconds}s`, actions: [`wait ${params.seconds} seconds`], checks: [] };
  },
  async execute(params, ctx) {
    ctx.log("info", `waiting ${params.seconds}s`);
    const started = Date.now();
    const done = await sleep(params.seconds * 1000, ctx.signal);
    const waitedMs = Date.now() - started;
    return done ? { ok: true, output: { waitedMs } } : { ok: false, error: "aborted", output: { waitedMs } };
  },
};
