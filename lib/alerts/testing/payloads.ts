// Synthetic alert bodies for tests, in each source's documented shape (not recorded from a sender).

export type AmAlertSpec = {
  service?: string | null;
  status?: "firing" | "resolved";
  fingerprint?: string;
  alertname?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  startsAt?: Date;
  endsAt?: Date | null;
};

const iso = (d: Date) => d.toISOString();

export function amAlert(s: AmAlertSpec = {}, now = new Date()) {
  const labels: Record<string, string> = { alertname: s.alertname ?? "ErrorRateAbove10Percent", ...(s.service === null ? {} : { service: s.service ?? "checkout" }), ...s.labels };
  const status = s.status ?? "firing";
  return {
    status,
    labels,
    annotations: s.annotations ?? { summary: "errors", error_rate_pct: "12.5" },
    startsAt: iso(s.startsAt ?? new Date(now.getTime() - 10 * 60_000)),
    endsAt: s.endsAt ? iso(s.endsAt) : status === "resolved" ? iso(now) : "0001-01-01T00:00:00Z",
    generatorURL: "http://prometheus.test/graph?g0.expr=errors",
    fingerprint: s.fingerprint ?? `fp-${labels.alertname}-${labels.service ?? "none"}`,
  };
}

export function amWebhook(groupKey: string, alerts: (ReturnType<typeof amAlert> & Record<string, unknown>)[]) {
  const firing = alerts.some((a) => a.status === "firing");
  return {
    receiver: "rollcall",
    status: firing ? "firing" : "resolved",
    alerts,
    groupLabels: { alertname: alerts[0]?.labels.alertname ?? "x" },
    commonLabels: alerts.length === 1 ? alerts[0]!.labels : {},
    commonAnnotations: {},
    externalURL: "http://alertmanager.test",
    version: "4",
    groupKey,
    truncatedAlerts: 0,
  };
}
