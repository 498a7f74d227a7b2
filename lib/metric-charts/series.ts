import { describeBound } from "../policy/evaluate.ts";
import type { Bound, Policy } from "../policy/schema.ts";

// The incident page's charts of the metrics behind automatic decisions: each metric's readings over
// time (from the alerts, and from Prometheus when the integration names one) against the policy's
// warning and critical bands. Pure: the database and Prometheus are read in queries.ts.

export type ChartPoint = { at: number; value: number };
export type Band = { from: number | null; to: number | null; text: string };
export type MetricChart = {
  metric: string;
  label: string;
  unit: string;
  warning: Band;
  critical: Band;
  /** Readings the automatic decisions used (one per decision), in time order. */
  alertReadings: (ChartPoint & { outcome: string })[];
  /** Prometheus' own series for the alert's expression over the incident, when available. */
  prometheus: ChartPoint[];
  /** Why there is no Prometheus series (no URL on the integration, query failed ...), or null. */
  prometheusNote: string | null;
  /** The query charted, for the data table's caption. */
  query: string | null;
};

/** A policy bound as a range on the value axis (null: open). */
export function bandOf(b: Bound, unit: string): Band {
  const lower = b.gt ?? b.gte ?? null;
  const upper = b.lt ?? b.lte ?? null;
  return { from: lower, to: upper, text: describeBound(b, unit) };
}

/** The expression Prometheus evaluated for an alert, from its generatorURL (`/graph?g0.expr=...`). */
export function exprFromGeneratorUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).searchParams.get("g0.expr")?.trim() || null;
  } catch {
    return null;
  }
}

/**
 * The value side of an alerting expression: `rate_pct > 10` → `rate_pct`. The alert's value (what the
 * annotation carries) is this expression's value; only a final comparison with a number is removed.
 */
export function valueExpression(expr: string): string {
  const m = /^([\s\S]*?)\s*(?:>=|<=|==|!=|>|<)\s*(?:bool\s+)?[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?\s*$/i.exec(expr);
  const lhs = m?.[1]?.trim();
  if (!lhs) return expr;
  // "(a > 5) and b > 10" is not one comparison; chart it as written.
  const depth = [...lhs].reduce((d, c) => (d < 0 ? d : c === "(" ? d + 1 : c === ")" ? d - 1 : d), 0);
  return depth === 0 && !/\b(and|or|unless)\b/i.test(lhs) ? lhs : expr;
}

/** The series an alert came from: Prometheus forms alert labels from the series' labels plus the rule's. */
export function seriesOfAlert<S extends { labels: Record<string, string> }>(series: S[], alertLabels: Record<string, string>): S | null {
  const matching = series.filter((s) => Object.entries(s.labels).every(([k, v]) => k === "__name__" || alertLabels[k] === v));
  return matching.length === 1 ? matching[0]! : (matching.find((s) => Object.keys(s.labels).length > 0) ?? matching[0] ?? null);
}

export type DecisionReadings = { createdAt: Date; outcome: string; readings: unknown };

/** Metric readings of a decision's stored `readings` JSON ({ metrics: { id: { value, fingerprint } } }). */
export function readingsOf(json: unknown): Record<string, { value: number; fingerprint: string | null }> {
  const metrics = (json as { metrics?: unknown } | null)?.metrics;
  if (!metrics || typeof metrics !== "object") return {};
  const out: Record<string, { value: number; fingerprint: string | null }> = {};
  for (const [id, r] of Object.entries(metrics as Record<string, unknown>)) {
    const value = (r as { value?: unknown })?.value;
    const fingerprint = (r as { fingerprint?: unknown })?.fingerprint;
    if (typeof value === "number" && Number.isFinite(value)) out[id] = { value, fingerprint: typeof fingerprint === "string" ? fingerprint : null };
  }
  return out;
}

/** One chart per policy metric that appears in the incident's decisions' readings, in the policy's order. */
export function chartsFromDecisions(decisions: DecisionReadings[], policy: Pick<Policy, "metrics">): MetricChart[] {
  const byMetric = new Map<string, MetricChart["alertReadings"]>();
  for (const d of [...decisions].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
    for (const [id, r] of Object.entries(readingsOf(d.readings))) {
      const list = byMetric.get(id) ?? [];
      list.push({ at: d.createdAt.getTime(), value: r.value, outcome: d.outcome });
      byMetric.set(id, list);
    }
  }
  return policy.metrics
    .filter((m) => byMetric.has(m.id))
    .map((m) => ({
      metric: m.id,
      label: m.label,
      unit: m.unit,
      warning: bandOf(m.warning, m.unit),
      critical: bandOf(m.critical, m.unit),
      alertReadings: byMetric.get(m.id)!,
      prometheus: [],
      prometheusNote: null,
      query: null,
    }));
}

/** A step that gives about 200 points over the range (at least 1 s). */
export function stepSeconds(start: Date, end: Date): number {
  return Math.max(1, Math.ceil((end.getTime() - start.getTime()) / 1000 / 200));
}
