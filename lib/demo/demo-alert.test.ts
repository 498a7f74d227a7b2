import { describe, expect, it } from "vitest";
import { demoAlertPayload, errorRateBetween, labelsFingerprint } from "./demo-alert";

const now = new Date("2026-11-29T12:00:00Z");

describe("demo:alert payload", () => {
  it("at 60% both error-rate alerts fire in one group, the reading as the policy metric's annotation, started past the rules' for:", () => {
    const p = demoAlertPayload({ status: "firing", errorRatePct: 60, now });
    expect(p).toMatchObject({ version: "4", status: "firing", groupKey: '{}:{service="Demo Checkout"}', groupLabels: { service: "Demo Checkout" }, commonLabels: { service: "Demo Checkout" }, truncatedAlerts: 0 });
    expect(p.alerts.map((a) => a.labels.alertname)).toEqual(["ErrorRateAbove5Percent", "ErrorRateAbove10Percent"]);
    for (const a of p.alerts) {
      expect(a.annotations.error_rate_pct).toBe("60");
      expect(a.annotations.synthetic).toContain("npm run demo:alert");
      expect(a.startsAt).toBe("2026-11-29T11:54:30.000Z");
      expect(a.endsAt).toBe("0001-01-01T00:00:00Z");
      expect(a.fingerprint).toBe(labelsFingerprint(a.labels));
    }
    expect(p.commonAnnotations).toEqual({ error_rate_pct: "60", synthetic: "sent by npm run demo:alert, not by a running Alertmanager" });
  });

  it("at 7% only the 5% rule holds; resolved lists both with their end", () => {
    const seven = demoAlertPayload({ status: "firing", errorRatePct: 7, now });
    expect(seven.alerts.map((a) => a.labels.alertname)).toEqual(["ErrorRateAbove5Percent"]);
    expect(seven.commonLabels).toEqual({ alertname: "ErrorRateAbove5Percent", service: "Demo Checkout", severity: "warning" });
    const resolved = demoAlertPayload({ status: "resolved", errorRatePct: 0, now, startsAt: new Date("2026-11-29T11:50:00Z") });
    expect(resolved.alerts.map((a) => [a.status, a.startsAt, a.endsAt])).toEqual([
      ["resolved", "2026-11-29T11:50:00.000Z", "2026-11-29T12:00:00.000Z"],
      ["resolved", "2026-11-29T11:50:00.000Z", "2026-11-29T12:00:00.000Z"],
    ]);
  });

  it("fingerprints differ by any label and do not depend on key order", () => {
    expect(labelsFingerprint({ a: "1", b: "2" })).toBe(labelsFingerprint({ b: "2", a: "1" }));
    expect(labelsFingerprint({ a: "1", b: "2" })).not.toBe(labelsFingerprint({ a: "1", b: "3" }));
    expect(labelsFingerprint({})).toBe("cbf29ce484222325");
  });

  it("measures the checkout error rate between two scrapes", () => {
    const scrape = (ok: number, bad: number) => `http_requests_total{route="/checkout",code="200",version="v2"} ${ok}\nhttp_requests_total{route="/checkout",code="503",version="v2"} ${bad}\nhttp_requests_total{route="/metrics",code="200",version="v2"} 99\n`;
    expect(errorRateBetween(scrape(10, 10), scrape(14, 16))).toBe(60);
    expect(errorRateBetween(scrape(10, 10), scrape(10, 10))).toBeNull();
  });
});
