import { z } from "zod";
import { describeStatus, httpRequest, statusMatches, urlChecks, ZExpectStatus, ZUrl } from "./net.ts";
import { headerSecrets, redact, redactUrl, secretValues } from "./redact.ts";
import { sleep } from "./sleep.ts";
import type { Executor } from "./types.ts";

export const ZHttpParams = z.strictObject({
  method: z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]).default("GET"),
  url: ZUrl,
  headers: z.record(z.string(), z.string()).default({}),
  body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional().describe("a string as is, or an object sent as JSON"),
  expectStatus: ZExpectStatus,
  expectBodyContains: z.string().optional(),
  timeoutSeconds: z.number().positive().max(3600).default(30).describe("per request"),
  retries: z
    .strictObject({
      count: z.int().min(0).max(20).default(0),
      backoffSeconds: z.number().min(0).max(600).default(1).describe("doubles after each failed attempt"),
      maxBackoffSeconds: z.number().min(0).max(3600).default(60),
    })
    .default({ count: 0, backoffSeconds: 1, maxBackoffSeconds: 60 }),
  probeInPlan: z.boolean().default(false).describe("the plan may send a HEAD request to this URL (only if that changes nothing)"),
}).refine((p) => p.body === undefined || (p.method !== "GET" && p.method !== "HEAD"), { message: "GET and HEAD requests carry no body", path: ["body"] });
export type HttpParams = z.infer<typeof ZHttpParams>;

export function backoffMs(retries: HttpParams["retries"], failedAttempt: number): number {
  return Math.min(retries.backoffSeconds * 2 ** (failedAttempt - 1), retries.maxBackoffSeconds) * 1000;
}

export const httpExecutor: Executor<HttpParams> = {
  kind: "http",
  schema: ZHttpParams,
  urlFields: ["url"],
  targets: (p) => [p.url],
  budgetSeconds(p) {
    let total = p.timeoutSeconds * (p.retries.count + 1);
    for (let i = 1; i <= p.retries.count; i++) total += backoffMs(p.retries, i) / 1000;
    return Math.ceil(total) + 5;
  },

  async plan(params, ctx) {
    const secrets = secretValues(ctx.env, headerSecrets(params.headers));
    const expect = `expect ${describeStatus(params.expectStatus)}${params.expectBodyContains ? ` and a body containing "${params.expectBodyContains}"` : ""}`;
    return {
      summary: `${params.method} ${redactUrl(params.url)}`,
      actions: [
        redact(`${params.method} ${redactUrl(params.url)}${params.body !== undefined ? " with a body" : ""}`, secrets),
        expect,
        params.retries.count ? `retry up to ${params.retries.count} times, backoff from ${params.retries.backoffSeconds}s doubling` : "no retries",
      ],
      checks: await urlChecks(params.url, { probe: params.probeInPlan, headers: params.headers }),
    };
  },

  async execute(params, ctx) {
    const secrets = secretValues(ctx.env, [...headerSecrets(params.headers), ...ctx.secrets]);
    const say = (t: string) => ctx.log("info", redact(t, secrets));
    const attempts = params.retries.count + 1;
    let lastError = "";
    let last: { status: number; body: string; durationMs: number } | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (ctx.signal.aborted) return { ok: false, error: "aborted", output: { attempts: attempt - 1 } };
      say(`${params.method} ${redactUrl(params.url)} (attempt ${attempt} of ${attempts})`);
      try {
        const r = await httpRequest({ method: params.method, url: params.url, headers: params.headers, body: params.body, timeoutMs: params.timeoutSeconds * 1000, signal: ctx.signal });
        last = { status: r.status, body: redact(r.text.slice(0, 4096), secrets), durationMs: r.durationMs };
        if (!statusMatches(params.expectStatus, r.status)) lastError = `answered ${r.status}, expected ${describeStatus(params.expectStatus)}`;
        else if (params.expectBodyContains && !r.text.includes(params.expectBodyContains)) lastError = `answered ${r.status} but the body does not contain "${params.expectBodyContains}"`;
        else {
          say(`answered ${r.status} in ${r.durationMs} ms`);
          return { ok: true, output: { status: r.status, attempts: attempt, body: last.body, durationMs: r.durationMs } };
        }
      } catch (err) {
        lastError = (err as Error).message;
        if (ctx.signal.aborted) return { ok: false, error: "aborted", output: { attempts: attempt } };
      }
      say(`attempt ${attempt} failed: ${lastError}`);
      if (attempt < attempts) {
        const wait = backoffMs(params.retries, attempt);
        say(`retrying in ${wait / 1000}s`);
        if (!(await sleep(wait, ctx.signal))) return { ok: false, error: "aborted", output: { attempts: attempt } };
      }
    }
    return { ok: false, error: redact(lastError, secrets), output: { attempts, status: last?.status ?? null, body: last?.body ?? null } };
  },
};
