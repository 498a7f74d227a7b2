import { createHash } from "node:crypto";
import { z } from "zod";
import { multiLine, singleLine } from "../validation/text.ts";

// What each alert source posts, parsed with zod and normalised to one internal shape. Unknown extra
// fields are kept in the raw JSON; a missing or wrong field is refused with its path (400).

export const INTEGRATION_KINDS = ["alertmanager", "grafana", "pagerduty", "generic"] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];

export type NormalizedAlert = {
  fingerprint: string;
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  values: Record<string, number>;
  /** Null: "now, unless this alert is already firing" (PagerDuty without a timestamp). */
  startsAt: Date | null;
  endsAt: Date | null;
  generatorURL: string | null;
  /** PagerDuty's acknowledge: recorded, changes nothing else. */
  acknowledged: boolean;
  raw: unknown;
};

export type NormalizedGroup = {
  groupKey: string;
  commonLabels: Record<string, string>;
  /** The envelope without its alerts, as received. */
  envelope: Record<string, unknown>;
  alerts: NormalizedAlert[];
};

const KEY_MAX = 1000;
const key = (what: string) => singleLine(`${what} must be a string`).min(1, `${what} must not be empty`).max(KEY_MAX, `${what} is limited to ${KEY_MAX} characters`);
const labelName = singleLine().max(200, "label names are limited to 200 characters");
const labels = z.record(labelName, multiLine("label values must be strings").max(4096, "label values are limited to 4,096 characters"));
const annotations = z.record(labelName, multiLine("annotation values must be strings").max(16_384, "annotation values are limited to 16,384 characters"));
const values = z.record(labelName, z.number("values must be numbers").finite());

// RFC 3339 as Alertmanager and Grafana send it (nanoseconds allowed). Go's zero time means "not set".
const ZERO_TIME = -62135596800000;
const time = (what: string) =>
  singleLine(`${what} must be an RFC 3339 time string`)
    .max(64)
    .refine((s) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)), `${what} must be an RFC 3339 time like 2026-11-29T10:00:00Z`)
    .transform((s) => new Date(s));
const optionalTime = (what: string) =>
  z
    .union([time(what), z.null()])
    .optional()
    .transform((d) => (d && d.getTime() !== ZERO_TIME ? d : null));
const status = z.enum(["firing", "resolved"], 'must be "firing" or "resolved"');
const url = singleLine().max(4096).optional().nullable();

// Alertmanager webhook, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config).
const ZAmAlert = z.looseObject({
  status,
  labels,
  annotations: annotations.default({}),
  startsAt: time("startsAt"),
  endsAt: optionalTime("endsAt"),
  generatorURL: url,
  fingerprint: key("fingerprint"),
});

export const ZAlertmanagerWebhook = z.looseObject({
  version: z.literal("4", 'version must be "4" (Alertmanager webhook format version 4)').optional(),
  groupKey: key("groupKey"),
  status,
  receiver: singleLine().max(1000).optional(),
  groupLabels: labels.default({}),
  commonLabels: labels.default({}),
  commonAnnotations: annotations.default({}),
  externalURL: url,
  truncatedAlerts: z.number().int().min(0).default(0),
  alerts: z.array(ZAmAlert).min(1, "alerts must list at least one alert").max(1000, "at most 1,000 alerts per post"),
});

// Grafana Alerting webhook: Alertmanager's shape plus orgId, title, message and per-alert values.
export const ZGrafanaWebhook = ZAlertmanagerWebhook.extend({
  version: singleLine().max(10).optional(),
  orgId: z.number("orgId must be a number").int(),
  title: singleLine().max(2000).optional(),
  state: singleLine().max(40).optional(),
  message: multiLine().max(100_000).optional(),
  alerts: z
    .array(
      ZAmAlert.extend({
        values: values.nullable().optional().transform((v) => v ?? {}),
        valueString: multiLine().max(16_384).optional(),
      }),
    )
    .min(1, "alerts must list at least one alert")
    .max(1000, "at most 1,000 alerts per post"),
});

// PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/).
const ZPdPayload = z.looseObject({
  summary: singleLine("payload.summary must be a string").min(1).max(1024, "payload.summary is limited to 1,024 characters"),
  source: singleLine("payload.source must be a string").min(1).max(255),
  severity: z.enum(["critical", "error", "warning", "info"], 'must be one of "critical", "error", "warning", "info"'),
  timestamp: time("payload.timestamp").optional(),
  component: singleLine().max(255).optional(),
  group: singleLine().max(255).optional(),
  class: singleLine().max(255).optional(),
  custom_details: z.unknown().optional(),
});

export const ZPagerDutyEvent = z
  .looseObject({
    routing_key: singleLine().max(200).optional(),
    event_action: z.enum(["trigger", "acknowledge", "resolve"], 'must be "trigger", "acknowledge" or "resolve"'),
    dedup_key: key("dedup_key").max(255, "dedup_key is limited to 255 characters").optional(),
    payload: ZPdPayload.optional(),
    client: singleLine().max(1000).optional(),
    client_url: url,
  })
  .superRefine((e, ctx) => {
    if (e.event_action === "trigger" && !e.payload) ctx.addIssue({ code: "custom", path: ["payload"], message: "a trigger event needs payload (summary, source, severity)" });
    if (e.event_action !== "trigger" && !e.dedup_key) ctx.addIssue({ code: "custom", path: ["dedup_key"], message: `an ${e.event_action} event needs the dedup_key of the alert it names` });
  });

// Rollcall's generic format (README "Alerts"): one group, alerts with their own fingerprints.
export const ZGenericWebhook = z.strictObject({
  groupKey: key("groupKey"),
  alerts: z
    .array(
      z.strictObject({
        fingerprint: key("fingerprint"),
        status,
        labels,
        annotations: annotations.default({}),
        values: values.default({}),
        startsAt: time("startsAt"),
        endsAt: optionalTime("endsAt"),
        generatorURL: url,
      }),
    )
    .min(1, "alerts must list at least one alert")
    .max(1000, "at most 1,000 alerts per post"),
});

export type ParseResult = { ok: true; group: NormalizedGroup } | { ok: false; field: string; message: string };

function firstIssue(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0]!;
  const field = issue.path.map(String).join(".") || "body";
  return { field, message: `${field}: ${issue.message}` };
}

function withoutAlerts(body: Record<string, unknown>): Record<string, unknown> {
  const { alerts: _alerts, ...rest } = body;
  return rest;
}

function flatDetails(details: unknown): { labels: Record<string, string>; values: Record<string, number> } {
  const labels: Record<string, string> = {};
  const vals: Record<string, number> = {};
  if (!details || typeof details !== "object" || Array.isArray(details)) return { labels, values: vals };
  for (const [k, v] of Object.entries(details as Record<string, unknown>)) {
    if (typeof v === "number" && Number.isFinite(v)) vals[k] = v;
    else if (typeof v === "string" && v.length <= 4096) labels[k] = v;
  }
  return { labels, values: vals };
}

/** A trigger without a dedup_key gets one from what it says, so a replay is still one alert. */
export function pagerDutyDedupKey(summary: string, source: string, severity: string): string {
  return `pd-${createHash("sha256").update(`${summary}\n${source}\n${severity}`).digest("hex").slice(0, 32)}`;
}

/** Parses a body by the integration's kind. Raw bodies are kept per alert; nothing else is trusted. */
export function parseAlertBody(kind: IntegrationKind, body: unknown): ParseResult {
  if (!body || typeof body !== "object" || Array.isArray(body)) return { ok: false, field: "body", message: "body: must be a JSON object" };
  const rawAlerts = Array.isArray((body as { alerts?: unknown }).alerts) ? ((body as { alerts: unknown[] }).alerts) : [];
  switch (kind) {
    case "alertmanager":
    case "grafana": {
      const parsed = (kind === "grafana" ? ZGrafanaWebhook : ZAlertmanagerWebhook).safeParse(body);
      if (!parsed.success) return { ok: false, ...firstIssue(parsed.error) };
      const p = parsed.data;
      return {
        ok: true,
        group: {
          groupKey: p.groupKey,
          commonLabels: p.commonLabels,
          envelope: withoutAlerts(body as Record<string, unknown>),
          alerts: p.alerts.map((a, i) => ({
            fingerprint: a.fingerprint,
            status: a.status,
            labels: a.labels,
            annotations: a.annotations,
            values: "values" in a ? (a.values as Record<string, number>) : {},
            startsAt: a.startsAt,
            endsAt: a.endsAt,
            generatorURL: a.generatorURL ?? null,
            acknowledged: false,
            raw: rawAlerts[i] ?? null,
          })),
        },
      };
    }
    case "pagerduty": {
      const parsed = ZPagerDutyEvent.safeParse(body);
      if (!parsed.success) return { ok: false, ...firstIssue(parsed.error) };
      const e = parsed.data;
      const pl = e.payload;
      const dedup = e.dedup_key ?? pagerDutyDedupKey(pl!.summary, pl!.source, pl!.severity);
      const details = flatDetails(pl?.custom_details);
      const { routing_key: _secret, ...kept } = body as Record<string, unknown>;
      const fixed: Record<string, string> = {};
      if (pl) {
        fixed.severity = pl.severity;
        fixed.source = pl.source;
        if (pl.component) fixed.component = pl.component;
        if (pl.group) fixed.group = pl.group;
        if (pl.class) fixed.class = pl.class;
      }
      return {
        ok: true,
        group: {
          groupKey: dedup,
          commonLabels: { ...details.labels, ...fixed },
          envelope: { event_action: e.event_action, dedup_key: dedup, client: e.client ?? null },
          alerts: [
            {
              fingerprint: dedup,
              status: e.event_action === "resolve" ? "resolved" : "firing",
              labels: { ...details.labels, ...fixed },
              annotations: pl ? { summary: pl.summary } : {},
              values: details.values,
              startsAt: pl?.timestamp ?? null,
              endsAt: null,
              generatorURL: e.client_url ?? null,
              acknowledged: e.event_action === "acknowledge",
              raw: kept,
            },
          ],
        },
      };
    }
    case "generic": {
      const parsed = ZGenericWebhook.safeParse(body);
      if (!parsed.success) return { ok: false, ...firstIssue(parsed.error) };
      const p = parsed.data;
      return {
        ok: true,
        group: {
          groupKey: p.groupKey,
          commonLabels: {},
          envelope: withoutAlerts(body as Record<string, unknown>),
          alerts: p.alerts.map((a, i) => ({ ...a, generatorURL: a.generatorURL ?? null, acknowledged: false, raw: rawAlerts[i] ?? null })),
        },
      };
    }
  }
}

/** Whether the PagerDuty body names a routing key (the token PD senders use instead of a header). */
export function pagerDutyRoutingKey(body: unknown): string | null {
  if (!body || typeof body !== "object") return null;
  const k = (body as { routing_key?: unknown }).routing_key;
  return typeof k === "string" && k ? k : null;
}
