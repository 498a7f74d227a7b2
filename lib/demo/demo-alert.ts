// `npm run demo:alert`: the Alertmanager notification (webhook version 4) that a real Prometheus and
// Alertmanager would send for the failing demo service (prometheus/demo-checkout.rules.yml), built by
// hand for a quick start without them. Synthetic: it says so in an annotation. Pure.

export type AmAlert = {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
};

export type AmPayload = {
  receiver: string;
  status: "firing" | "resolved";
  alerts: AmAlert[];
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  version: "4";
  groupKey: string;
  truncatedAlerts: number;
};

const OFFSET64 = 14695981039346656037n;
const PRIME64 = 1099511628211n;
const MASK64 = (1n << 64n) - 1n;

/** Prometheus' label-set fingerprint (FNV-1a 64 over sorted name, 0xff, value, 0xff), as Alertmanager shows it. */
export function labelsFingerprint(labels: Record<string, string>): string {
  let h = OFFSET64;
  const add = (b: number) => {
    h ^= BigInt(b);
    h = (h * PRIME64) & MASK64;
  };
  for (const name of Object.keys(labels).sort()) {
    for (const b of Buffer.from(name, "utf8")) add(b);
    add(0xff);
    for (const b of Buffer.from(labels[name]!, "utf8")) add(b);
    add(0xff);
  }
  return h.toString(16).padStart(16, "0");
}

// Where prometheus/prometheus.demo.yml and alertmanager.demo.yml would run.
const PROMETHEUS = "http://127.0.0.1:9090";
const ALERTMANAGER = "http://127.0.0.1:9093";
// A rule's `for:` in demo-checkout.rules.yml; Prometheus' startsAt is when the expression started to hold.
const FOR_MS = 5 * 60_000;

const RULES = [
  { alertname: "ErrorRateAbove5Percent", severity: "warning", threshold: 5, over: "over 5% for 5 minutes" },
  { alertname: "ErrorRateAbove10Percent", severity: "critical", threshold: 10, over: "over 10% for 5 minutes" },
] as const;

export type DemoAlertInput = {
  status: "firing" | "resolved";
  /** The demo's error rate in percent (measured from its /metrics, or given). */
  errorRatePct: number;
  now: Date;
  /** When the failure began; default: the rules' `for:` plus 30 s ago, as when a real rule first fires. */
  startsAt?: Date;
  service?: string;
};

/** The notification for the demo's error-rate alerts that hold at this rate (a resolved one lists both). */
export function demoAlertPayload(input: DemoAlertInput): AmPayload {
  const service = input.service ?? "Demo Checkout";
  const startsAt = input.startsAt ?? new Date(input.now.getTime() - FOR_MS - 30_000);
  const value = String(Math.round(input.errorRatePct * 1000) / 1000);
  const rules = input.status === "resolved" ? RULES : RULES.filter((r) => input.errorRatePct > r.threshold);
  const alerts: AmAlert[] = rules.map((r) => {
    const labels = { alertname: r.alertname, service, severity: r.severity };
    const expr = `service:http_error_rate_pct:rate1m > ${r.threshold}`;
    return {
      status: input.status,
      labels,
      annotations: {
        summary: `${service}: ${input.errorRatePct.toFixed(1)}% of requests fail (${r.over})`,
        error_rate_pct: value,
        synthetic: "sent by npm run demo:alert, not by a running Alertmanager",
      },
      startsAt: startsAt.toISOString(),
      // Alertmanager shows no end for an alert that still fires.
      endsAt: input.status === "resolved" ? input.now.toISOString() : "0001-01-01T00:00:00Z",
      generatorURL: `${PROMETHEUS}/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`,
      fingerprint: labelsFingerprint(labels),
    };
  });
  const commonLabels: Record<string, string> = { service };
  if (alerts.length === 1) Object.assign(commonLabels, alerts[0]!.labels);
  return {
    receiver: "rollcall",
    status: input.status,
    alerts,
    groupLabels: { service },
    commonLabels,
    commonAnnotations: alerts.length === 1 ? alerts[0]!.annotations : { error_rate_pct: value, synthetic: "sent by npm run demo:alert, not by a running Alertmanager" },
    externalURL: ALERTMANAGER,
    version: "4",
    groupKey: `{}:{service=${JSON.stringify(service)}}`,
    truncatedAlerts: 0,
  };
}

/** The error rate (%) of /checkout between two scrapes of the demo's /metrics, or null without traffic. */
export function errorRateBetween(before: string, after: string): number | null {
  const count = (text: string, bad: boolean) =>
    text
      .split("\n")
      .filter((l) => l.startsWith('http_requests_total{route="/checkout"'))
      .filter((l) => (bad ? /code="5\d\d"/.test(l) : true))
      .reduce((sum, l) => sum + Number(l.split(" ").at(-1)), 0);
  const total = count(after, false) - count(before, false);
  if (total <= 0) return null;
  return (100 * (count(after, true) - count(before, true))) / total;
}
