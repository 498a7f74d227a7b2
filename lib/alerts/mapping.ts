import { z } from "zod";
import { singleLine } from "../validation/text.ts";
import type { Policy } from "../policy/schema.ts";

// The one schema of AlertIntegration.mapping (a JSON column), parsed only here: which label names the
// service, and where the policy's trigger and metric readings come from in an alert.

const name = singleLine().trim().min(1, "Name a label, annotation or value.").max(200, "Names are limited to 200 characters.");

export const ZMetricSource = z.strictObject({
  metric: singleLine().trim().regex(/^[a-z0-9][a-z0-9_-]*$/, "A policy metric id (lower-case letters, digits, - and _)."),
  from: z.enum(["label", "annotation", "value"], "Read it from a label, an annotation or a value."),
  name,
  /** Multiplies the reading (a ratio of 0.12 with scale 100 is 12 %). */
  scale: z.number().finite().positive("Scale must be more than 0.").default(1),
});
export type MetricSource = z.infer<typeof ZMetricSource>;

export const ZAlertMapping = z.strictObject({
  serviceLabel: name.default("service"),
  /** Label value → Service name, for values that do not match a service's name. */
  serviceAliases: z.record(singleLine().trim().min(1).max(200), singleLine().trim().min(1).max(200)).default({}),
  trigger: z.strictObject({ from: z.enum(["label", "annotation"]), name }).nullable().default(null),
  metrics: z.array(ZMetricSource).max(20, "At most 20 metric readings.").default([]),
});
export type AlertMapping = z.infer<typeof ZAlertMapping>;

export const DEFAULT_MAPPING: AlertMapping = ZAlertMapping.parse({});

/** The stored column; a row that does not parse reads as the default mapping. */
export function readMapping(json: unknown): AlertMapping {
  const parsed = ZAlertMapping.safeParse(json ?? {});
  return parsed.success ? parsed.data : DEFAULT_MAPPING;
}

/** Field errors for a mapping that names what the active policy does not have (refused at save). */
export function mappingProblems(mapping: AlertMapping, policy: Policy): Record<string, string[]> {
  const metrics = new Set(policy.metrics.map((m) => m.id));
  const out: Record<string, string[]> = {};
  mapping.metrics.forEach((m, i) => {
    if (!metrics.has(m.metric)) {
      const known = [...metrics].join(", ") || "none";
      out[`mapping.metrics.${i}.metric`] = [`The active policy has no metric “${m.metric}” (it has: ${known}).`];
    }
  });
  return out;
}

/** "Demo Checkout", "demo_checkout" and "demo-checkout" are one service name. */
export function serviceSlug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

type AlertLike = { labels: Record<string, string>; annotations: Record<string, string>; values: Record<string, number> };

/** The service label's value of an alert ("" when it has none). */
export function serviceKeyOf(alert: AlertLike, commonLabels: Record<string, string>, mapping: AlertMapping): string {
  return (alert.labels[mapping.serviceLabel] ?? commonLabels[mapping.serviceLabel] ?? "").trim();
}

/** "12.5", "12.5%", " 3 s" read as numbers; anything else is no reading. */
export function parseNumber(v: string | number | undefined): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v !== "string") return null;
  const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*[a-z%/]*\s*$/i.exec(v);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isFinite(n) ? n : null;
}

function read(alert: AlertLike, from: "label" | "annotation" | "value", key: string): number | null {
  if (from === "label") return parseNumber(alert.labels[key]);
  if (from === "annotation") return parseNumber(alert.annotations[key]);
  return parseNumber(alert.values[key]);
}

/**
 * Where each policy metric is read from for this mapping. With no metrics mapped, a policy metric's
 * own id is looked for as an annotation, then a label, then a value (annotation `error_rate_pct:
 * "{{ $value }}"` in a Prometheus rule is enough).
 */
export function metricSources(mapping: AlertMapping, policy: Policy): MetricSource[] {
  if (mapping.metrics.length) return mapping.metrics;
  return policy.metrics.flatMap((m) => (["annotation", "label", "value"] as const).map((from) => ({ metric: m.id, from, name: m.id, scale: 1 })));
}

export type ReadingSource = { value: number; fingerprint: string; startsAt: Date; lastSeenAt: Date; endsAt: Date | null };

/** The trigger and metric readings of a group's firing alerts (per metric, the highest value). */
export function readingsOf(
  alerts: (AlertLike & { fingerprint: string; startsAt: Date; lastSeenAt: Date; endsAt: Date | null })[],
  mapping: AlertMapping,
  policy: Policy,
): { trigger: string | null; metrics: Record<string, ReadingSource> } {
  let trigger: string | null = null;
  const metrics: Record<string, ReadingSource> = {};
  const sources = metricSources(mapping, policy);
  for (const a of alerts) {
    if (mapping.trigger && !trigger) {
      const t = (mapping.trigger.from === "label" ? a.labels : a.annotations)[mapping.trigger.name];
      if (t && t.trim()) trigger = t.trim();
    }
    for (const s of sources) {
      const v = read(a, s.from, s.name);
      if (v === null) continue;
      const value = v * s.scale;
      const cur = metrics[s.metric];
      if (!cur || value > cur.value) metrics[s.metric] = { value, fingerprint: a.fingerprint, startsAt: a.startsAt, lastSeenAt: a.lastSeenAt, endsAt: a.endsAt };
    }
  }
  return { trigger, metrics };
}
