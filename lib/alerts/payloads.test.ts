import { describe, expect, it } from "vitest";
import { parseAlertBody, pagerDutyDedupKey } from "./payloads";
import { parseNumber, readingsOf, serviceSlug, DEFAULT_MAPPING } from "./mapping";
import { amAlert, amWebhook } from "./testing/payloads";
import { readFileSync } from "node:fs";
import { parsePolicy } from "../policy/load";

const policy = (() => {
  const r = parsePolicy("policy/default.yaml", readFileSync("policy/default.yaml", "utf8"));
  if (!r.ok) throw new Error("default policy does not load");
  return r.loaded.policy;
})();

describe("parseAlertBody", () => {
  it("Alertmanager v4: Go's zero endsAt reads as not set, nanosecond times are accepted", () => {
    const body = amWebhook("k", [{ ...amAlert(), startsAt: "2026-11-29T10:00:00.123456789Z" }]);
    const r = parseAlertBody("alertmanager", body);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.group.groupKey).toBe("k");
    expect(r.group.alerts[0]!.endsAt).toBeNull();
    expect(r.group.alerts[0]!.startsAt?.toISOString()).toBe("2026-11-29T10:00:00.123Z");
    expect(r.group.alerts[0]!.raw).toMatchObject({ fingerprint: body.alerts[0]!.fingerprint });
  });

  it.each([
    ["alertmanager", {}, "groupKey"],
    ["alertmanager", { ...amWebhook("k", [amAlert()]), status: "pending" }, "status"],
    ["alertmanager", amWebhook("k", [{ ...amAlert(), fingerprint: "" }]), "alerts.0.fingerprint"],
    ["alertmanager", amWebhook("k", [amAlert({ fingerprint: "a" }), { ...amAlert({ fingerprint: "b" }), labels: { service: 3 } as unknown as Record<string, string> }]), "alerts.1.labels.service"],
    ["grafana", amWebhook("k", [amAlert()]), "orgId"],
    ["pagerduty", { event_action: "trigger" }, "payload"],
    ["pagerduty", { event_action: "resolve" }, "dedup_key"],
    ["pagerduty", { event_action: "snooze" }, "event_action"],
    ["pagerduty", { event_action: "trigger", payload: { summary: "x", source: "y", severity: "fatal" } }, "payload.severity"],
    ["generic", { groupKey: "g", alerts: [{ fingerprint: "f", status: "firing", labels: {} }] }, "alerts.0.startsAt"],
    ["generic", [], "body"],
  ] as const)("%s: a bad body is refused naming the field (%#)", (kind, body, field) => {
    const r = parseAlertBody(kind, body);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.field).toBe(field);
    expect(r.message.startsWith(`${field}: `)).toBe(true);
  });

  it("PagerDuty: numeric custom details are values, strings are labels, the routing key is not kept", () => {
    const r = parseAlertBody("pagerduty", { routing_key: "secret-key", event_action: "trigger", payload: { summary: "pool", source: "db-1", severity: "critical", custom_details: { service: "db", db_pool_used_pct: 100, nested: { a: 1 } } } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const a = r.group.alerts[0]!;
    expect(r.group.groupKey).toBe(pagerDutyDedupKey("pool", "db-1", "critical"));
    expect(a.labels).toMatchObject({ service: "db", source: "db-1", severity: "critical" });
    expect(a.values).toEqual({ db_pool_used_pct: 100 });
    expect(JSON.stringify(a.raw)).not.toContain("secret-key");
    expect(a.startsAt).toBeNull();
  });
});

describe("mapping", () => {
  it("service names match whatever their spelling", () => {
    expect(serviceSlug("Demo Checkout")).toBe(serviceSlug("demo_checkout"));
    expect(serviceSlug("Demo Checkout")).toBe("demo-checkout");
  });

  it.each([
    ["12.5", 12.5],
    ["12.5%", 12.5],
    [" 3 s", 3],
    ["1e3", 1000],
    ["n/a", null],
    ["", null],
  ] as const)("parseNumber(%j) = %j", (text, want) => {
    expect(parseNumber(text)).toBe(want);
  });

  it("by default reads a policy metric from an annotation named after it; the highest value wins", () => {
    const base = { labels: {}, values: {}, startsAt: new Date(0), lastSeenAt: new Date(0), endsAt: null };
    const r = readingsOf(
      [
        { ...base, fingerprint: "a", annotations: { error_rate_pct: "7" } },
        { ...base, fingerprint: "b", annotations: { error_rate_pct: "12.5", summary: "x" } },
      ],
      DEFAULT_MAPPING,
      policy,
    );
    expect(r.metrics.error_rate_pct).toMatchObject({ value: 12.5, fingerprint: "b" });
    expect(Object.keys(r.metrics)).toEqual(["error_rate_pct"]);
  });
});
