import { db } from "../db/client.ts";
import { metricSources, readMapping } from "../alerts/mapping.ts";
import type { Policy } from "../policy/schema.ts";
import { baseUrlProblem, rangeQuery } from "../prometheus/api.ts";
import { chartsFromDecisions, exprFromGeneratorUrl, readingsOf, seriesOfAlert, stepSeconds, valueExpression, type MetricChart } from "./series.ts";

// Prometheus is asked while the page renders: a slow or absent one must not hold the page up.
const PROMETHEUS_TIMEOUT_MS = 3_000;
// Some context before the first alert began and after the incident was resolved.
const MARGIN_MS = 10 * 60_000;

/** Charts of the metrics behind the incident's automatic decisions (empty when automation never decided). */
export async function metricChartsForIncident(incidentId: string, policy: Policy, now: Date): Promise<MetricChart[]> {
  const decisions = await db().automaticDecision.findMany({
    where: { incidentId },
    orderBy: { createdAt: "asc" },
    select: {
      createdAt: true,
      outcome: true,
      readings: true,
      group: {
        select: {
          integration: { select: { prometheusUrl: true, mapping: true } },
          alerts: { select: { fingerprint: true, labels: true, generatorURL: true, startsAt: true } },
        },
      },
    },
  });
  if (!decisions.length) return [];
  const charts = chartsFromDecisions(decisions, policy);
  const incident = await db().incident.findUnique({ where: { id: incidentId }, select: { resolvedAt: true, closedAt: true } });
  const ended = incident?.resolvedAt ?? incident?.closedAt ?? null;
  const end = ended ? new Date(Math.min(now.getTime(), ended.getTime() + MARGIN_MS)) : now;

  await Promise.all(
    charts.map(async (chart) => {
      // The latest decision that read this metric says which alert (and so which expression) it came from.
      const source = [...decisions].reverse().find((d) => readingsOf(d.readings)[chart.metric]);
      const fingerprint = source ? readingsOf(source.readings)[chart.metric]?.fingerprint : null;
      const alert = source?.group.alerts.find((a) => a.fingerprint === fingerprint);
      const base = source?.group.integration?.prometheusUrl ?? null;
      if (!base) {
        chart.prometheusNote = "Readings from the alerts only (the integration names no Prometheus URL).";
        return;
      }
      if (baseUrlProblem(base)) {
        chart.prometheusNote = `The integration's Prometheus URL cannot be used: ${baseUrlProblem(base)}.`;
        return;
      }
      const expr = exprFromGeneratorUrl(alert?.generatorURL);
      if (!source || !alert || !expr) {
        chart.prometheusNote = "Readings from the alerts only (the alert did not say which expression Prometheus evaluated).";
        return;
      }
      const query = valueExpression(expr);
      chart.query = query;
      const mapping = readMapping(source.group.integration?.mapping);
      const scale = metricSources(mapping, policy).find((s) => s.metric === chart.metric)?.scale ?? 1;
      const start = new Date(Math.min(alert.startsAt.getTime(), decisions[0]!.createdAt.getTime()) - MARGIN_MS);
      try {
        const series = await rangeQuery({ base, query, start, end, stepSeconds: stepSeconds(start, end), timeoutMs: PROMETHEUS_TIMEOUT_MS });
        const mine = seriesOfAlert(series, alert.labels as Record<string, string>);
        if (!mine) {
          chart.prometheusNote = `Prometheus has no series of ${query} for this alert in that time.`;
          return;
        }
        chart.prometheus = mine.points.filter((p) => Number.isFinite(p.value)).map((p) => ({ at: p.at, value: p.value * scale }));
      } catch (err) {
        chart.prometheusNote = `Prometheus could not be read: ${(err as Error).message}.`;
      }
    }),
  );
  return charts;
}
