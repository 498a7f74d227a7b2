import { z } from "zod";
import { describeStatus, httpRequest, statusMatches, urlChecks, ZExpectStatus, ZUrl } from "./net.ts";
import { headerSecrets, redact, redactUrl, secretValues } from "./redact.ts";
import { sleep } from "./sleep.ts";
import type { Executor } from "./types.ts";

export const ZHealthCheckParams = z.strictObject({
  url: ZUrl,
  method: z.enum(["GET", "HEAD"]).default("GET"),
  headers: z.record(z.string(), z.string()).default({}),
  expectStatus: ZExpectStatus,
  expectBodyContains: z.string().optional(),
  successes: z.int().min(1).max(100).default(3).describe("consecutive successful answers needed"),
  intervalSeconds: z.number().min(0).max(600).default(2),
  timeoutSeconds: z.number().positive().max(86_400).default(120).describe("deadline for the whole check"),
  requestTimeoutSeconds: z.number().positive().max(600).default(5),
  probeInPlan: z.boolean().default(false).describe("the plan may send one HEAD request (only if that changes nothing)"),
});
export type HealthCheckParams = z.infer<typeof ZHealthCheckParams>;

export const healthCheckExecutor: Executor<HealthCheckParams> = {
  kind: "health-check",
  schema: ZHealthCheckParams,
  urlFields: ["url"],
  targets: (p) => [p.url],
  budgetSeconds: (p) => Math.ceil(p.timeoutSeconds + p.requestTimeoutSeconds) + 5,

  async plan(params) {
    return {
      summary: `wait until ${redactUrl(params.url)} is healthy ${params.successes} times in a row`,
      actions: [
        `${params.method} ${redactUrl(params.url)} every ${params.intervalSeconds}s, expecting ${describeStatus(params.expectStatus)}${params.expectBodyContains ? ` and "${params.expectBodyContains}"` : ""}`,
        `succeed after ${params.successes} consecutive healthy answers; fail after ${params.timeoutSeconds}s`,
      ],
      checks: await urlChecks(params.url, { probe: params.probeInPlan, headers: params.headers }),
    };
  },

  async execute(params, ctx) {
    const secrets = secretValues(ctx.env, [...headerSecrets(params.headers), ...ctx.secrets]);
    const say = (t: string) => ctx.log("info", redact(t, secrets));
    const deadline = Date.now() + params.timeoutSeconds * 1000;
    let consecutive = 0;
    let requests = 0;
    let last = "no answer yet";
    while (Date.now() < deadline) {
      if (ctx.signal.aborted) break;
      requests++;
      try {
        const timeoutMs = Math.max(1, Math.min(params.requestTimeoutSeconds * 1000, deadline - Date.now()));
        const r = await httpRequest({ method: params.method, url: params.url, headers: params.headers, timeoutMs, signal: ctx.signal });
        const healthy = statusMatches(params.expectStatus, r.status) && (!params.expectBodyContains || r.text.includes(params.expectBodyContains));
        last = `${r.status}${healthy ? "" : params.expectBodyContains && statusMatches(params.expectStatus, r.status) ? ` without "${params.expectBodyContains}"` : ""}`;
        consecutive = healthy ? consecutive + 1 : 0;
      } catch (err) {
        if (ctx.signal.aborted) break;
        last = (err as Error).message;
        consecutive = 0;
      }
      say(`check ${requests}: ${last} (${consecutive}/${params.successes} healthy in a row)`);
      if (consecutive >= params.successes) return { ok: true, output: { requests, consecutive, last } };
      const wait = Math.min(params.intervalSeconds * 1000, deadline - Date.now());
      if (wait > 0 && !(await sleep(wait, ctx.signal))) break;
    }
    if (ctx.signal.aborted) return { ok: false, error: "aborted", output: { requests, consecutive, last } };
    return {
      ok: false,
      error: redact(`not healthy within ${params.timeoutSeconds}s: last answer ${last}, ${consecutive}/${params.successes} healthy in a row`, secrets),
      output: { requests, consecutive, last },
    };
  },
};
