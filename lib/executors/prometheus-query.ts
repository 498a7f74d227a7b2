import { z } from "zod";
import { baseUrlProblem, formatLabels, instantQuery, prometheusApiUrl, type InstantResult } from "../prometheus/api.ts";
import { urlChecks, ZHttpUrl } from "./net.ts";
import { headerSecrets, redact, secretValues } from "./redact.ts";
import type { Executor, LogSink } from "./types.ts";

// Post-rollback validation against Prometheus, shaped like Argo Rollouts' analysis: an instant query,
// a success condition every series must meet, a rule for no data, and repeated measurements with
// limits on failed and inconclusive ones. Inconclusive never passes: the run pauses for a person.

export const COMPARISONS = ["<=", ">=", "==", "!=", "<", ">"] as const;
export type Comparison = (typeof COMPARISONS)[number];
export type Condition = { op: Comparison; threshold: number; text: string };

const CONDITION = /^\s*result\s*(<=|>=|==|!=|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*$/i;

/** `result < 0.05`: one comparison of each series' value with a number. */
export function parseCondition(text: string): Condition | null {
  const m = CONDITION.exec(text);
  if (!m) return null;
  const threshold = Number(m[2]);
  if (!Number.isFinite(threshold)) return null;
  return { op: m[1] as Comparison, threshold, text: `result ${m[1]} ${threshold}` };
}

export function meets(c: Condition, value: number): boolean {
  switch (c.op) {
    case "<":
      return value < c.threshold;
    case "<=":
      return value <= c.threshold;
    case ">":
      return value > c.threshold;
    case ">=":
      return value >= c.threshold;
    case "==":
      return value === c.threshold;
    case "!=":
      return value !== c.threshold;
  }
}

export const NO_DATA_RULES = ["fail", "pass", "inconclusive"] as const;

export const ZPrometheusQueryParams = z.strictObject({
  url: ZHttpUrl.refine((u) => baseUrlProblem(u) === null, { message: "a Prometheus base URL: http(s), no credentials, no query string or fragment" }).describe("the Prometheus server's base URL, e.g. http://prometheus:9090 (a path prefix is kept)"),
  query: z.string().trim().min(1, "a PromQL expression").max(10_000).describe("PromQL, evaluated as an instant query; it should return one number per series (a scalar or an instant vector)"),
  successCondition: z
    .string()
    .refine((s) => parseCondition(s) !== null, { message: 'one comparison such as "result < 0.05" (<, <=, >, >=, ==, !=)' })
    .describe('one comparison such as "result < 0.05"; every series of the result must meet it'),
  noData: z.enum(NO_DATA_RULES).default("inconclusive").describe("what an empty result (or only NaN values) means: fail, pass, or inconclusive (asks a person)"),
  count: z.int().min(1).max(100).default(1).describe("measurements to take"),
  intervalSeconds: z.number().min(0).max(3600).default(30).describe("between measurements"),
  failureLimit: z.int().min(0).max(100).default(0).describe("failed measurements tolerated; one more fails the step"),
  inconclusiveLimit: z.int().min(0).max(100).default(0).describe("inconclusive measurements (no data, Prometheus unreachable) tolerated; one more makes the step inconclusive"),
  headers: z.record(z.string(), z.string()).default({}).describe("e.g. an authorization header; secret values never reach the log"),
  timeoutSeconds: z.number().positive().max(300).default(10).describe("per query"),
});
export type PrometheusQueryParams = z.infer<typeof ZPrometheusQueryParams>;

export type Verdict = "passed" | "failed" | "inconclusive";
export type Measurement = { at: string; verdict: Verdict; values: { series: string; value: number | null }[]; detail: string };

/** One measurement's verdict from a query result. Pure. */
export function judge(result: InstantResult, condition: Condition, noData: PrometheusQueryParams["noData"]): Omit<Measurement, "at"> {
  if (result.kind === "unsupported") {
    return { verdict: "failed", values: [], detail: `the query returned a ${result.resultType}, not one number per series (use an instant vector or a scalar)` };
  }
  const values = result.samples.map((s) => ({ series: formatLabels(s.labels), value: Number.isNaN(s.value) ? null : s.value }));
  const present = values.filter((v): v is { series: string; value: number } => v.value !== null);
  if (!present.length) {
    const why = values.length ? `only NaN values (${values.length} series)` : "no data";
    const verdict: Verdict = noData === "pass" ? "passed" : noData === "fail" ? "failed" : "inconclusive";
    return { verdict, values, detail: `${why}: noData is "${noData}"` };
  }
  const failing = present.filter((v) => !meets(condition, v.value));
  if (failing.length) {
    return { verdict: "failed", values, detail: `${failing.length} of ${present.length} series do not meet ${condition.text}: ${failing.slice(0, 5).map((f) => `${f.series} = ${f.value}`).join(", ")}` };
  }
  return { verdict: "passed", values, detail: `${present.length} series meet ${condition.text}` };
}

/** Time and timers: the run engine's Clock satisfies this, tests pass their own. */
export type Timers = {
  now: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
};
const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

function wait(timers: Timers, ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    // Registered before the timer is set: a clock may abort while setting it.
    const timer: { handle?: unknown } = {};
    const onAbort = () => {
      timers.clearTimeout(timer.handle);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    timer.handle = timers.setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
  });
}

function describeSchedule(p: PrometheusQueryParams): string {
  if (p.count === 1) return "one measurement";
  return `${p.count} measurements ${p.intervalSeconds}s apart; fail after ${p.failureLimit + 1} failed, inconclusive after ${p.inconclusiveLimit + 1} inconclusive`;
}

export function createPrometheusQueryExecutor(timers: Timers = realTimers): Executor<PrometheusQueryParams> {
  return {
    kind: "prometheus-query",
    schema: ZPrometheusQueryParams,
    urlFields: ["url"],
    targets: (p) => [prometheusApiUrl(p.url, "query").toString()],
    budgetSeconds: (p) => Math.ceil(p.count * p.timeoutSeconds + (p.count - 1) * p.intervalSeconds) + 5,

    // Describes the query without sending it (planning has no side effects and reads no metrics).
    async plan(params, ctx) {
      const secrets = secretValues(ctx.env, headerSecrets(params.headers));
      const endpoint = prometheusApiUrl(params.url, "query");
      const condition = parseCondition(params.successCondition)!;
      return {
        summary: `Prometheus ${endpoint.origin}: ${condition.text} for ${redact(params.query, secrets)}`,
        actions: [
          `POST ${endpoint.toString()} query=${redact(params.query, secrets)}`,
          `every series must meet ${condition.text}; no data: ${params.noData}`,
          describeSchedule(params),
        ],
        checks: await urlChecks(endpoint.toString(), { name: "prometheus" }),
      };
    },

    async execute(params, ctx) {
      const secrets = secretValues(ctx.env, [...headerSecrets(params.headers), ...ctx.secrets]);
      const say: LogSink = (stream, t) => ctx.log(stream, redact(t, secrets));
      const condition = parseCondition(params.successCondition)!;
      const measurements: Measurement[] = [];
      const tally = { passed: 0, failed: 0, inconclusive: 0 };
      const output = () => ({ query: redact(params.query, secrets), condition: condition.text, noData: params.noData, ...tally, measurements });
      say("info", `query ${redact(params.query, secrets)}; success when ${condition.text}; ${describeSchedule(params)}`);
      for (let i = 1; i <= params.count; i++) {
        if (ctx.signal.aborted) return { ok: false, error: "aborted", output: output() };
        const at = new Date(timers.now()).toISOString();
        let m: Omit<Measurement, "at">;
        try {
          const { result, warnings } = await instantQuery({ base: params.url, query: params.query, headers: params.headers, timeoutMs: params.timeoutSeconds * 1000, signal: ctx.signal });
          for (const w of warnings) say("info", `Prometheus warning: ${w}`);
          m = judge(result, condition, params.noData);
        } catch (err) {
          if (ctx.signal.aborted) return { ok: false, error: "aborted", output: output() };
          m = { verdict: "inconclusive", values: [], detail: redact((err as Error).message, secrets) };
        }
        measurements.push({ at, ...m });
        tally[m.verdict]++;
        const shown = m.values.slice(0, 10).map((v) => `${v.series} = ${v.value ?? "NaN"}`).join(", ");
        say("info", `measurement ${i} of ${params.count}: ${m.verdict.toUpperCase()}${shown ? ` (${shown})` : ""}: ${m.detail}`);
        if (tally.failed > params.failureLimit) {
          return { ok: false, error: redact(`failed: ${m.detail}`, secrets), output: { verdict: "failed", ...output() } };
        }
        if (tally.inconclusive > params.inconclusiveLimit) {
          return { ok: false, error: redact(`inconclusive, a person decides: ${m.detail}`, secrets), output: { verdict: "inconclusive", ...output() } };
        }
        if (i < params.count && !(await wait(timers, params.intervalSeconds * 1000, ctx.signal))) {
          return { ok: false, error: "aborted", output: output() };
        }
      }
      return { ok: true, output: { verdict: "passed", ...output() } };
    },
  };
}

export const prometheusQueryExecutor = createPrometheusQueryExecutor();
