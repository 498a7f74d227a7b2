import { lookup } from "node:dns/promises";
import { z } from "zod";
import type { Check } from "./types.ts";

export const ZHttpUrl = z.url({ protocol: /^https?$/, error: "an http:// or https:// URL" });

// URLs are joined from parts, never concatenated as text: a value such as "https://other/?x="
// cannot push a fixed path into the query, and "/", "?", "#" inside a segment stay inside it.
const ZPathSegment = z.union([z.string(), z.number()]).transform(String);
export const ZUrlParts = z.strictObject({
  base: ZHttpUrl.describe("a URL without query or fragment, e.g. {{ params.app_url }}; the path is added below its own path"),
  path: z
    .union([z.string(), z.array(ZPathSegment)])
    .optional()
    .describe('"admin/maintenance", or segments ["flags", "{{ params.flag }}"]: each segment is encoded, so a value stays one segment'),
  query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional().describe("query parameters, encoded"),
});
export type UrlParts = z.input<typeof ZUrlParts>;

/** The URL of base + path segments + query, built with WHATWG URL. Throws with a reason on a bad part. */
export function buildUrl(parts: UrlParts): string {
  const u = new URL(parts.base);
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("the base must be an http:// or https:// URL");
  if (u.search || u.hash || parts.base.includes("?") || parts.base.includes("#")) throw new Error(`the base ${baseText(u)} must not have a query or fragment (add query parameters under query)`);
  const raw = parts.path === undefined ? [] : typeof parts.path === "string" ? parts.path.split("/") : parts.path.map(String);
  const trailing = typeof parts.path === "string" && parts.path.endsWith("/") && parts.path !== "/";
  const segments = typeof parts.path === "string" ? raw.filter((s) => s !== "") : raw;
  for (const s of segments) {
    if (s === "" || s === "." || s === "..") throw new Error(`a path segment may not be empty, "." or ".." (got ${JSON.stringify(s)})`);
  }
  if (segments.length) u.pathname = `${u.pathname.replace(/\/+$/, "")}/${segments.map(encodeURIComponent).join("/")}${trailing ? "/" : ""}`;
  for (const [k, v] of Object.entries(parts.query ?? {})) u.searchParams.append(k, String(v));
  return u.toString();
}

function baseText(u: URL): string {
  return `${u.origin}${u.pathname === "/" ? "" : u.pathname}`;
}

/** A URL as written (an http(s) URL) or as parts ({ base, path, query }); parsed, it is the URL's text. */
export const ZUrl = z.union([ZHttpUrl, ZUrlParts]).transform((v, ctx) => {
  if (typeof v === "string") return v;
  try {
    return buildUrl(v);
  } catch (err) {
    ctx.issues.push({ code: "custom", message: (err as Error).message, input: v });
    return z.NEVER;
  }
});

const status = z.int().min(100).max(599);
export const ZExpectStatus = z
  .union([z.array(status).min(1), z.strictObject({ min: status, max: status })])
  .default({ min: 200, max: 299 })
  .describe("a list of statuses, or a range {min, max}");
export type ExpectStatus = z.infer<typeof ZExpectStatus>;

export function statusMatches(expect: ExpectStatus, code: number): boolean {
  return Array.isArray(expect) ? expect.includes(code) : code >= expect.min && code <= expect.max;
}

export function describeStatus(expect: ExpectStatus): string {
  return Array.isArray(expect) ? expect.join(" or ") : `${expect.min}-${expect.max}`;
}

export type HttpRequest = {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  signal?: AbortSignal;
};
export type HttpResponse = { status: number; text: string; durationMs: number };

// Bodies are kept for checks and the step output; past this they are cut.
const MAX_BODY = 256 * 1024;

/** One request, no retries. Objects and arrays are sent as JSON. Throws on network error or timeout. */
export async function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  const started = Date.now();
  const headers = new Headers(req.headers ?? {});
  let body: string | undefined;
  if (req.body !== undefined && req.body !== null) {
    if (typeof req.body === "string") body = req.body;
    else {
      body = JSON.stringify(req.body);
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
    }
  }
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  try {
    const res = await fetch(req.url, { method: req.method, headers, body, signal, redirect: "manual" });
    const text = req.method === "HEAD" ? "" : (await res.text()).slice(0, MAX_BODY);
    return { status: res.status, text, durationMs: Date.now() - started };
  } catch (err) {
    if (timeout.aborted && !req.signal?.aborted) throw new Error(`no response within ${req.timeoutMs / 1000}s`);
    if (req.signal?.aborted) throw new Error("aborted");
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err)));
  }
}

/**
 * Checks a URL without touching the service: it parses and its host resolves. Only when the step
 * says a probe is safe does it send a HEAD request (which must change nothing).
 */
export async function urlChecks(url: string, opts: { probe?: boolean; headers?: Record<string, string>; name?: string } = {}): Promise<Check[]> {
  const name = opts.name ?? "url";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [{ name, ok: false, detail: `${url} is not a valid URL` }];
  }
  const checks: Check[] = [{ name, ok: true, detail: `${parsed.protocol}//${parsed.host}${parsed.pathname}` }];
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  try {
    const addr = await lookup(host);
    checks.push({ name: `${name} host resolves`, ok: true, detail: `${host} is ${addr.address}` });
  } catch (err) {
    checks.push({ name: `${name} host resolves`, ok: false, detail: `${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? String(err)})` });
    return checks;
  }
  if (opts.probe) {
    try {
      const r = await httpRequest({ method: "HEAD", url, headers: opts.headers, timeoutMs: 5000 });
      checks.push({ name: `${name} reachable`, ok: true, detail: `HEAD answered ${r.status}` });
    } catch (err) {
      checks.push({ name: `${name} reachable`, ok: false, detail: `HEAD failed: ${(err as Error).message}` });
    }
  }
  return checks;
}
