import { z } from "zod";
import { ZFlagName } from "./flags/store.ts";
import { buildUrl, describeStatus, httpRequest, statusMatches, urlChecks, ZExpectStatus, ZHttpUrl, ZUrlParts, type UrlParts } from "./net.ts";
import { headerSecrets, redact, redactUrl, secretValues } from "./redact.ts";
import type { Check, Executor, Plan } from "./types.ts";

// Provider templates use single braces ({flag}, {enabled}); double braces belong to runbook parameters.
const PROVIDER_PLACEHOLDER = /\{(flag|enabled)\}/g;

const common = {
  flag: ZFlagName,
  enabled: z.boolean().describe("false turns the feature off"),
  timeoutSeconds: z.number().positive().max(600).default(10),
};

const ZBuiltin = z.strictObject({
  provider: z.literal("builtin"),
  url: ZHttpUrl.refine((u) => !u.includes("?") && !u.includes("#"), "a base URL without query or fragment").describe("base URL of Rollcall's flag store"),
  token: z.string().min(1).optional(),
  createIfMissing: z.boolean().default(false).describe("otherwise an unknown flag (a typo?) fails the step"),
  ...common,
});

// A provider URL: a fixed template, or parts whose path segments and query values may say {flag}.
const ZProviderUrl = z.union([
  z.string().refine((u) => ZHttpUrl.safeParse(fillText(u, "flag", true, encodeURIComponent)).success, "an http(s) URL template; {flag} and {enabled} are filled in"),
  ZUrlParts,
]);

const ZExternal = z.strictObject({
  provider: z.literal("http"),
  method: z.enum(["POST", "PUT", "PATCH", "DELETE"]).default("PUT"),
  url: ZProviderUrl.describe("URL template, e.g. https://flags.example.com/api/flags/{flag}, or { base, path: [api, flags, \"{flag}\"] }"),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.union([z.string(), z.record(z.string(), z.unknown())]).optional().describe('body template; a value of exactly "{enabled}" becomes a JSON boolean'),
  expectStatus: ZExpectStatus,
  statusUrl: ZProviderUrl.optional().describe("URL (template or parts) of a read-only GET that shows the flag, for plans"),
  probeInPlan: z.boolean().default(false).describe("the plan may GET statusUrl"),
  ...common,
});

export const ZFeatureFlagParams = z.discriminatedUnion("provider", [ZBuiltin, ZExternal]);
export type FeatureFlagParams = z.infer<typeof ZFeatureFlagParams>;

function fillText(text: string, flag: string, enabled: boolean, encode: (s: string) => string = (s) => s): string {
  return text.replace(PROVIDER_PLACEHOLDER, (_, key: string) => (key === "flag" ? encode(flag) : String(enabled)));
}

export function fillBody(body: unknown, flag: string, enabled: boolean): unknown {
  if (typeof body === "string") return body === "{enabled}" ? enabled : fillText(body, flag, enabled);
  if (Array.isArray(body)) return body.map((v) => fillBody(v, flag, enabled));
  if (body && typeof body === "object") return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, fillBody(v, flag, enabled)]));
  return body;
}

function flagUrl(base: string, flag: string): string {
  return buildUrl({ base, path: ["flags", flag] });
}

/** A provider URL with {flag} and {enabled} filled in: encoded into a template, or as parts joined by buildUrl. */
function providerUrl(spec: string | UrlParts, flag: string, enabled: boolean): string {
  if (typeof spec === "string") return fillText(spec, flag, enabled, encodeURIComponent);
  const fill = (s: string | number | boolean) => fillText(String(s), flag, enabled);
  return buildUrl({
    base: spec.base,
    path: spec.path === undefined ? undefined : typeof spec.path === "string" ? spec.path.split("/").map(fill) : spec.path.map(fill),
    query: spec.query && Object.fromEntries(Object.entries(spec.query).map(([k, v]) => [k, fill(v)])),
  });
}

function targets(p: FeatureFlagParams): string[] {
  if (p.provider === "builtin") return [flagUrl(p.url, p.flag)];
  return [providerUrl(p.url, p.flag, p.enabled), ...(p.statusUrl ? [providerUrl(p.statusUrl, p.flag, p.enabled)] : [])];
}

function authHeaders(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

function state(enabled: boolean) {
  return enabled ? "on" : "off";
}

async function planBuiltin(p: z.infer<typeof ZBuiltin>): Promise<Plan> {
  const checks: Check[] = await urlChecks(p.url, { name: "flag store" });
  let current = "";
  if (checks.every((c) => c.ok)) {
    // The flag store is ours and its GET is read-only, so a plan may look at the flag.
    try {
      const r = await httpRequest({ method: "GET", url: flagUrl(p.url, p.flag), headers: authHeaders(p.token), timeoutMs: p.timeoutSeconds * 1000 });
      if (r.status === 200) {
        const enabled = (JSON.parse(r.text) as { enabled?: boolean }).enabled;
        current = ` (now ${state(enabled === true)})`;
        checks.push({ name: "flag exists", ok: true, detail: `${p.flag} is ${state(enabled === true)}` });
      } else if (r.status === 404) {
        checks.push({ name: "flag exists", ok: p.createIfMissing, detail: p.createIfMissing ? `${p.flag} does not exist yet and would be created` : `the flag store has no flag ${p.flag}` });
      } else {
        checks.push({ name: "flag exists", ok: false, detail: `the flag store answered ${r.status}` });
      }
    } catch (err) {
      checks.push({ name: "flag store reachable", ok: false, detail: (err as Error).message });
    }
  }
  return { summary: `turn ${p.flag} ${state(p.enabled)} in the built-in flag store`, actions: [`PUT ${flagUrl(p.url, p.flag)} {"enabled": ${p.enabled}}${current}`], checks };
}

async function planExternal(p: z.infer<typeof ZExternal>, secrets: string[]): Promise<Plan> {
  const url = providerUrl(p.url, p.flag, p.enabled);
  const checks = await urlChecks(url, { name: "provider" });
  if (p.statusUrl && p.probeInPlan) {
    const statusUrl = providerUrl(p.statusUrl, p.flag, p.enabled);
    try {
      const r = await httpRequest({ method: "GET", url: statusUrl, headers: p.headers, timeoutMs: p.timeoutSeconds * 1000 });
      checks.push({ name: "flag exists", ok: r.status >= 200 && r.status < 300, detail: `GET ${redactUrl(statusUrl)} answered ${r.status}` });
    } catch (err) {
      checks.push({ name: "flag exists", ok: false, detail: (err as Error).message });
    }
  }
  const body = p.body === undefined ? "" : ` ${redact(JSON.stringify(fillBody(p.body, p.flag, p.enabled)), secrets)}`;
  return { summary: `turn ${p.flag} ${state(p.enabled)} through ${new URL(url).host}`, actions: [`${p.method} ${redactUrl(url)}${body}`, `expect ${describeStatus(p.expectStatus)}`], checks };
}

export const featureFlagExecutor: Executor<FeatureFlagParams> = {
  kind: "feature-flag",
  schema: ZFeatureFlagParams,
  urlFields: ["url", "statusUrl"],
  targets,
  budgetSeconds: (p) => Math.ceil(p.timeoutSeconds * 2) + 5,

  async plan(params, ctx) {
    if (params.provider === "builtin") return planBuiltin(params);
    return planExternal(params, secretValues(ctx.env, headerSecrets(params.headers)));
  },

  async execute(params, ctx) {
    const headers = params.provider === "builtin" ? authHeaders(params.token) : params.headers;
    const secrets = secretValues(ctx.env, [...ctx.secrets, ...headerSecrets(headers)]);
    const say = (t: string) => ctx.log("info", redact(t, secrets));
    const timeoutMs = params.timeoutSeconds * 1000;
    try {
      if (params.provider === "builtin") {
        const url = flagUrl(params.url, params.flag);
        const before = await httpRequest({ method: "GET", url, headers, timeoutMs, signal: ctx.signal });
        if (before.status === 404 && !params.createIfMissing) return { ok: false, error: `the flag store has no flag ${params.flag}` };
        if (before.status !== 200 && before.status !== 404) return { ok: false, error: `the flag store answered ${before.status} to GET ${url}` };
        const previous = before.status === 200 ? (JSON.parse(before.text) as { enabled?: boolean }).enabled ?? null : null;
        say(`${params.flag} is ${previous === null ? "new" : state(previous)}; turning it ${state(params.enabled)}`);
        const r = await httpRequest({ method: "PUT", url, headers, body: { enabled: params.enabled }, timeoutMs, signal: ctx.signal });
        if (r.status !== 200) return { ok: false, error: `the flag store answered ${r.status}: ${r.text.slice(0, 200)}` };
        say(`${params.flag} is now ${state(params.enabled)}`);
        return { ok: true, output: { provider: "builtin", flag: params.flag, enabled: params.enabled, previous } };
      }
      const url = providerUrl(params.url, params.flag, params.enabled);
      const body = params.body === undefined ? undefined : fillBody(params.body, params.flag, params.enabled);
      say(`${params.method} ${redactUrl(url)}: turn ${params.flag} ${state(params.enabled)}`);
      const r = await httpRequest({ method: params.method, url, headers, body, timeoutMs, signal: ctx.signal });
      if (!statusMatches(params.expectStatus, r.status)) return { ok: false, error: redact(`the provider answered ${r.status}, expected ${describeStatus(params.expectStatus)}: ${r.text.slice(0, 200)}`, secrets) };
      say(`the provider answered ${r.status}`);
      return { ok: true, output: { provider: "http", flag: params.flag, enabled: params.enabled, status: r.status } };
    } catch (err) {
      return { ok: false, error: redact(ctx.signal.aborted ? "aborted" : (err as Error).message, secrets) };
    }
  },
};
