import { z } from "zod";

// Prometheus's HTTP API (instant and range queries), shared by the prometheus-query executor and the
// incident page's charts. URLs are joined with `new URL()` on a checked base, never by text.

export type PrometheusSample = { labels: Record<string, string>; value: number };
export type InstantResult =
  | { kind: "vector"; samples: PrometheusSample[] }
  | { kind: "scalar"; samples: PrometheusSample[] }
  | { kind: "unsupported"; resultType: string };
export type RangeSeries = { labels: Record<string, string>; points: { at: number; value: number }[] };

const ZSampleValue = z.tuple([z.number(), z.string()]);
const ZEnvelope = z.object({
  status: z.enum(["success", "error"]),
  data: z.unknown().optional(),
  errorType: z.string().optional(),
  error: z.string().optional(),
  warnings: z.array(z.string()).optional(),
});
const ZInstantData = z.discriminatedUnion("resultType", [
  z.object({ resultType: z.literal("vector"), result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: ZSampleValue })) }),
  z.object({ resultType: z.literal("scalar"), result: ZSampleValue }),
  z.object({ resultType: z.literal("matrix"), result: z.array(z.unknown()) }),
  z.object({ resultType: z.literal("string"), result: z.unknown() }),
]);
const ZRangeData = z.object({
  resultType: z.literal("matrix"),
  result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(ZSampleValue) })),
});

/** Why a base URL cannot be used, or null. Credentials go in headers, never in the URL. */
export function baseUrlProblem(base: string): string | null {
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    return `${base} is not a URL`;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return "the Prometheus URL must be http:// or https://";
  if (u.username || u.password) return "the Prometheus URL must not carry credentials (send them in a header)";
  if (u.search || u.hash) return "the Prometheus URL is a base: no query string or fragment";
  return null;
}

/** `api/v1/<endpoint>` under the base (which may have a path prefix such as /prometheus). */
export function prometheusApiUrl(base: string, endpoint: "query" | "query_range"): URL {
  const problem = baseUrlProblem(base);
  if (problem) throw new Error(problem);
  const b = new URL(base);
  if (!b.pathname.endsWith("/")) b.pathname = `${b.pathname}/`;
  return new URL(`api/v1/${endpoint}`, b);
}

/** Prometheus writes sample values as text: "0.05", "NaN", "+Inf". */
export function sampleValue(text: string): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  return Number(text);
}

type Request = { base: string; headers?: Record<string, string>; timeoutMs: number; signal?: AbortSignal };

async function post(req: Request, endpoint: "query" | "query_range", form: Record<string, string>): Promise<{ data: unknown; warnings: string[] }> {
  const url = prometheusApiUrl(req.base, endpoint);
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  let res: Response;
  try {
    // POST keeps the query out of access logs and has no URL length limit; Prometheus accepts both.
    res = await fetch(url, { method: "POST", headers: { ...req.headers, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form), signal, redirect: "manual" });
  } catch (err) {
    if (req.signal?.aborted) throw new Error("aborted");
    if (timeout.aborted) throw new Error(`Prometheus did not answer within ${req.timeoutMs / 1000}s`);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`Prometheus unreachable: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`Prometheus answered ${res.status} with a body that is not JSON`);
  }
  const envelope = ZEnvelope.safeParse(json);
  if (!envelope.success) throw new Error(`Prometheus answered ${res.status} with an unexpected body`);
  if (envelope.data.status === "error") throw new Error(`Prometheus refused the query (${envelope.data.errorType ?? res.status}): ${envelope.data.error ?? "no reason given"}`);
  if (!res.ok) throw new Error(`Prometheus answered ${res.status}`);
  return { data: envelope.data.data, warnings: envelope.data.warnings ?? [] };
}

/** An instant query at the server's current time. Throws with a readable reason on any failure. */
export async function instantQuery(req: Request & { query: string }): Promise<{ result: InstantResult; warnings: string[] }> {
  const { data, warnings } = await post(req, "query", { query: req.query });
  const parsed = ZInstantData.safeParse(data);
  if (!parsed.success) throw new Error("Prometheus answered with a result this step cannot read");
  const d = parsed.data;
  if (d.resultType === "vector") return { warnings, result: { kind: "vector", samples: d.result.map((r) => ({ labels: r.metric, value: sampleValue(r.value[1]) })) } };
  if (d.resultType === "scalar") return { warnings, result: { kind: "scalar", samples: [{ labels: {}, value: sampleValue(d.result[1]) }] } };
  return { warnings, result: { kind: "unsupported", resultType: d.resultType } };
}

/** A range query (for charts): every series with its points, times in epoch milliseconds. */
export async function rangeQuery(req: Request & { query: string; start: Date; end: Date; stepSeconds: number }): Promise<RangeSeries[]> {
  const form = { query: req.query, start: String(req.start.getTime() / 1000), end: String(req.end.getTime() / 1000), step: String(req.stepSeconds) };
  const { data } = await post(req, "query_range", form);
  const parsed = ZRangeData.safeParse(data);
  if (!parsed.success) throw new Error("Prometheus answered a range query with a result that is not a matrix");
  return parsed.data.result.map((s) => ({ labels: s.metric, points: s.values.map(([t, v]) => ({ at: Math.round(t * 1000), value: sampleValue(v) })) }));
}

/** `{job="demo", status="503"}`, for logs and step output. */
export function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels).filter(([k]) => k !== "__name__");
  const name = labels.__name__ ?? "";
  return entries.length ? `${name}{${entries.map(([k, v]) => `${k}="${v}"`).join(", ")}}` : name || "{}";
}
