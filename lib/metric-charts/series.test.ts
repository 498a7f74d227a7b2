import { describe, expect, it } from "vitest";
import { bandOf, chartsFromDecisions, exprFromGeneratorUrl, readingsOf, seriesOfAlert, stepSeconds, valueExpression } from "./series";

describe("metric chart series", () => {
  it("turns policy bounds into ranges on the value axis", () => {
    expect(bandOf({ gte: 1, lte: 2 }, "%")).toEqual({ from: 1, to: 2, text: "≥ 1% and ≤ 2%" });
    expect(bandOf({ gt: 2 }, "%")).toEqual({ from: 2, to: null, text: "> 2%" });
    expect(bandOf({ lt: 50 }, "%")).toEqual({ from: null, to: 50, text: "< 50%" });
  });

  it("reads the expression of an alert's generatorURL and charts its value side", () => {
    const url = "http://prometheus:9090/graph?g0.expr=service%3Ahttp_error_rate_pct%3Arate1m+%3E+10&g0.tab=1";
    expect(exprFromGeneratorUrl(url)).toBe("service:http_error_rate_pct:rate1m > 10");
    expect(exprFromGeneratorUrl("not a url")).toBeNull();
    expect(exprFromGeneratorUrl(null)).toBeNull();
    expect(valueExpression("service:http_error_rate_pct:rate1m > 10")).toBe("service:http_error_rate_pct:rate1m");
    expect(valueExpression("sum(rate(x[5m])) / sum(rate(y[5m])) >= 0.05")).toBe("sum(rate(x[5m])) / sum(rate(y[5m]))");
    expect(valueExpression("up == bool 0")).toBe("up");
    expect(valueExpression("a > 5 and b > 10")).toBe("a > 5 and b > 10");
    expect(valueExpression("absent(up)")).toBe("absent(up)");
  });

  it("picks the series whose labels the alert carries", () => {
    const series = [{ labels: { service: "Core API" } }, { labels: { service: "Demo Checkout" } }];
    expect(seriesOfAlert(series, { alertname: "ErrorRateAbove10Percent", service: "Demo Checkout", severity: "critical" })).toEqual({ labels: { service: "Demo Checkout" } });
    expect(seriesOfAlert(series, { alertname: "X", service: "Billing" })).toBeNull();
  });

  it("one chart per policy metric the decisions read, readings in time order with their outcome", () => {
    const policy = {
      metrics: [
        { id: "p95_ms", label: "Response time (p95)", unit: " ms", warning: { gte: 500, lte: 1000 }, critical: { gt: 1000 }, action: "monitor" as const },
        { id: "error_rate_pct", label: "Error rate", unit: "%", warning: { gte: 1, lte: 2 }, critical: { gt: 2 }, action: "consider_rollback" as const },
      ],
    };
    const charts = chartsFromDecisions(
      [
        { createdAt: new Date(2000), outcome: "act", readings: { metrics: { error_rate_pct: { value: 60, fingerprint: "a" } } } },
        { createdAt: new Date(1000), outcome: "hold", readings: { metrics: { error_rate_pct: { value: 7, fingerprint: "a" }, bogus: { value: "x" } } } },
      ],
      policy,
    );
    expect(charts.map((c) => c.metric)).toEqual(["error_rate_pct"]);
    expect(charts[0]).toMatchObject({ label: "Error rate", critical: { from: 2, to: null }, alertReadings: [{ at: 1000, value: 7, outcome: "hold" }, { at: 2000, value: 60, outcome: "act" }] });
    expect(readingsOf(null)).toEqual({});
  });

  it("steps give about 200 points, at least 1 s", () => {
    expect(stepSeconds(new Date(0), new Date(60_000))).toBe(1);
    expect(stepSeconds(new Date(0), new Date(4 * 3600_000))).toBe(72);
  });
});
