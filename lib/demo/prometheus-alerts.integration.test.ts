import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { instantQuery } from "../prometheus/api";
import { startTestServer, type TestServer } from "../executors/testing/http-server";
import { demoAlertPayload, labelsFingerprint } from "./demo-alert";
import { FAST, fastRules, RULES_FILE, startDemoStack, type DemoStack } from "./testing/prometheus-stack";

// The shipped alert rules against the real demo service, a real Prometheus and a real Alertmanager
// (Debian packages), with a local receiver in Rollcall's place: v2 fires, v1 resolves.

type Payload = {
  version: string;
  status: string;
  groupKey: string;
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  truncatedAlerts: number;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string; fingerprint: string; generatorURL: string }[];
};

let receiver: TestServer;
let stack: DemoStack;
const TOKEN = "am-webhook-token-0123456789";

beforeAll(async () => {
  receiver = await startTestServer(() => ({ status: 200, body: "{}" }));
  stack = await startDemoStack({ webhookUrl: `${receiver.url}/api/alerts/demo`, bearerToken: TOKEN, version: "v1" });
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

const payloads = () => receiver.received.map((r) => JSON.parse(r.body) as Payload);

async function until<T>(what: string, read: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000}s\nPrometheus:\n${stack.prometheus.logs().slice(-2000)}\nAlertmanager:\n${stack.alertmanager.logs().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function errorRate(): Promise<number | undefined> {
  const r = await instantQuery({ base: stack.prometheus.url, query: 'service:http_error_rate_pct:rate1m{service="Demo Checkout"}', timeoutMs: 2_000 });
  return r.result.kind === "vector" ? r.result.samples[0]?.value : undefined;
}

describe("the demo's Prometheus files (promtool, amtool)", () => {
  it("the shipped rules, their shortened test variant and the example configs are valid", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "rollcall-rules-"));
    try {
      const fast = path.join(dir, "fast.yml");
      writeFileSync(fast, fastRules(readFileSync(RULES_FILE, "utf8"), FAST));
      const r = spawnSync("/usr/bin/promtool", ["check", "rules", RULES_FILE, fast], { encoding: "utf8" });
      expect(r.stdout + r.stderr).toContain("SUCCESS: 6 rules found");
      expect(r.status).toBe(0);
      expect(readFileSync(fast, "utf8")).toContain("for: 2s");
      expect(readFileSync(fast, "utf8")).not.toContain("[1m]");
      const config = spawnSync("/usr/bin/promtool", ["check", "config", path.join(path.dirname(RULES_FILE), "prometheus.demo.yml")], { encoding: "utf8" });
      expect(config.stdout + config.stderr).toContain("is valid prometheus config file syntax");
      expect(config.status).toBe(0);
      const am = spawnSync("/usr/bin/amtool", ["check-config", path.join(path.dirname(RULES_FILE), "alertmanager.demo.yml")], { encoding: "utf8" });
      expect(am.stdout + am.stderr).toContain("SUCCESS");
      expect(am.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("demo service → Prometheus → Alertmanager → webhook (real processes)", () => {
  it("v1 is quiet; v2 fires both error-rate alerts in one Alertmanager v4 notification; v1 again resolves them", async () => {
    // Healthy first: Prometheus computes 0% and nothing is sent.
    expect(await until("Prometheus computing a 0% error rate on v1", async () => ((await errorRate()) === 0 ? true : undefined))).toBe(true);
    expect(receiver.received).toHaveLength(0);

    await stack.deploy("v2");
    const firing = await until("a firing notification naming both error-rate alerts", () =>
      payloads().find((p) => p.status === "firing" && new Set(p.alerts.filter((a) => a.status === "firing").map((a) => a.labels.alertname)).size === 2),
    );
    expect(firing).toMatchObject({ version: "4", receiver: "rollcall", groupLabels: { service: "Demo Checkout" }, commonLabels: { service: "Demo Checkout" }, truncatedAlerts: 0 });
    expect(Object.keys(firing).sort()).toEqual(["alerts", "commonAnnotations", "commonLabels", "externalURL", "groupKey", "groupLabels", "receiver", "status", "truncatedAlerts", "version"]);
    expect(firing.groupKey).toBe('{}:{service="Demo Checkout"}');
    const byName = Object.fromEntries(firing.alerts.map((a) => [a.labels.alertname, a]));
    expect(byName.ErrorRateAbove10Percent!.labels.severity).toBe("critical");
    expect(byName.ErrorRateAbove5Percent!.labels.severity).toBe("warning");
    for (const a of firing.alerts) {
      // The reading Rollcall's default mapping looks for: the policy metric's id as an annotation.
      expect(Number(a.annotations.error_rate_pct)).toBeGreaterThan(10);
      expect(a.annotations.summary).toMatch(/^Demo Checkout: \d+\.\d% of requests fail/);
      expect(a.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      expect(new URL(a.generatorURL).searchParams.get("g0.expr")).toMatch(/^service:http_error_rate_pct:rate1m > (5|10)$/);
      // Alertmanager does not expose the end of an alert that is still firing.
      expect(a.endsAt).toBe("0001-01-01T00:00:00Z");
    }
    // npm run demo:alert sends the same shape, fingerprints and group key by hand.
    const synthetic = demoAlertPayload({ status: "firing", errorRatePct: Number(byName.ErrorRateAbove10Percent!.annotations.error_rate_pct), now: new Date() });
    expect(Object.keys(synthetic).sort()).toEqual(Object.keys(firing).sort());
    expect(synthetic.groupKey).toBe(firing.groupKey);
    expect(synthetic.commonLabels).toEqual(firing.commonLabels);
    for (const a of firing.alerts) {
      expect(a.fingerprint).toBe(labelsFingerprint(a.labels));
      const mine = synthetic.alerts.find((x) => x.labels.alertname === a.labels.alertname)!;
      expect(Object.keys(mine).sort()).toEqual(Object.keys(a).sort());
      expect([mine.labels, mine.fingerprint, mine.status, mine.endsAt]).toEqual([a.labels, a.fingerprint, a.status, a.endsAt]);
    }
    const req = receiver.received.find((r) => r.body.includes('"status":"firing"'))!;
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.url).toBe("/api/alerts/demo");

    await stack.deploy("v1");
    const resolved = await until("a resolved notification", () => payloads().find((p) => p.status === "resolved"));
    expect(resolved.groupKey).toBe(firing.groupKey);
    expect(resolved.alerts.map((a) => a.status)).toEqual(["resolved", "resolved"]);
    expect(new Set(resolved.alerts.map((a) => a.fingerprint))).toEqual(new Set(firing.alerts.map((a) => a.fingerprint)));
    for (const a of resolved.alerts) expect(new Date(a.endsAt).getTime()).toBeGreaterThan(new Date(a.startsAt).getTime());
  });
});
