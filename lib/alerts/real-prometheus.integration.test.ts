import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import type { Db } from "../db/client";
import { setEnv } from "../env";
import { SYSTEM, type Ctx } from "../auth/actor";
import { seedDemo } from "../setup/bootstrap";
import { activePolicy } from "../decisions/policy-registry";
import { startFlagServer, type FlagServer } from "../executors/flags/server";
import { DEFAULT_VALIDATION_CHECKLIST } from "../executors/manual";
import { instantQuery } from "../prometheus/api";
import { RunEngine } from "../runs/engine";
import { operateRun } from "../runs/operate";
import { ENGINE_TIMINGS, REPO_ROOT, until, waitForRun } from "../runs/testing/harness";
import { startDemoStack, type DemoStack } from "../demo/testing/prometheus-stack";
import { metricChartsForIncident } from "../metric-charts/queries";
import { createIntegration, updateIntegration } from "./integrations";
import { DEFAULT_MAPPING } from "./mapping";
import { setUpCommsKey } from "./testing/fixtures";
import { startAlertRouteServer, type RouteServer } from "../../test/alert-route-server";

// Issue 13's "done when", with the real things: the demo service (quick start's demo data and its
// demo-service runbook) is switched to v2; a real Prometheus (the shipped rules, shortened) fires; a
// real Alertmanager posts to Rollcall's route; the incident is declared and the automatic rollback
// runs; the demo service answers v1; the alert resolves; the timeline shows each step with readings.

let db: Db;
let drop: () => Promise<void>;
let work: string;
let flags: FlagServer;
let engine: RunEngine;
let route: RouteServer;
let stack: DemoStack;
let integration: { id: string; slug: string; token: string };

/** The default policy, with seed 002's automatic error-rate rule needing no wait (the rules' own `for:` is the wait here). */
function testPolicy(dir: string): string {
  const text = readFileSync(path.join(REPO_ROOT, "policy/default.yaml"), "utf8");
  const rule = "when: { metrics: [{ metric: error_rate_pct, gt: 10, forMinutes: 5 }] }";
  expect(text).toContain(rule);
  const file = path.join(dir, "policy.yaml");
  writeFileSync(file, text.replace(rule, "when: { metrics: [{ metric: error_rate_pct, gt: 10 }] }"));
  return file;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "rollcall-real-prom-"));
  setEnv("POLICY_FILE", testPolicy(work));
  setEnv("RUNBOOKS_DIR", path.join(REPO_ROOT, "runbooks"));
  setUpCommsKey();
  ({ db, drop } = await freshDatabase("realprom"));
  // The quick start's demo data: Demo Checkout (v2 current, v1 last known good, the demo-service
  // runbook) and the escalation path whose first contact is the on-call demo user.
  await seedDemo(db);

  flags = await startFlagServer({ file: path.join(work, "flags.json") });
  await flags.store.set("new-checkout", true);
  setEnv("FLAG_STORE_URL", flags.url);
  setEnv("ROLLCALL_NODE", process.execPath);
  setEnv("ROLLCALL_HOME", REPO_ROOT);
  setEnv("DEMO_DRILL_SERVICE_URL", "http://127.0.0.1:9");

  route = await startAlertRouteServer();
  integration = await createIntegration({ ctx: { actor: SYSTEM }, input: { name: "Prometheus", slug: "prometheus", kind: "alertmanager" } });
  stack = await startDemoStack({ webhookUrl: `${route.url}/api/alerts/${integration.slug}`, bearerToken: integration.token, version: "v1" });
  setEnv("DEMO_SERVICE_URL", stack.demoUrl);
  await updateIntegration({ ctx: { actor: SYSTEM }, input: { integrationId: integration.id, name: "Prometheus", shadow: false, prometheusUrl: stack.prometheus.url, mapping: DEFAULT_MAPPING } });

  engine = new RunEngine({ db, ...ENGINE_TIMINGS });
  await engine.start();
});

afterAll(async () => {
  await engine?.stop();
  await stack?.stop();
  await route?.close();
  await flags?.close();
  await drop?.();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function errorRate(): Promise<number | undefined> {
  const r = await instantQuery({ base: stack.prometheus.url, query: 'service:http_error_rate_pct:rate1m{service="Demo Checkout"}', timeoutMs: 2_000 });
  return r.result.kind === "vector" ? r.result.samples[0]?.value : undefined;
}

const logs = () => `\nPrometheus:\n${stack.prometheus.logs().slice(-1500)}\nAlertmanager:\n${stack.alertmanager.logs().slice(-1500)}`;

describe("alerts in, automatic rollback out, with real Prometheus and Alertmanager", () => {
  it("v2 fires, Rollcall declares and rolls back to v1, the alert resolves, and the timeline and chart show the readings", { timeout: 240_000 }, async () => {
    const service = await db.service.findUniqueOrThrow({ where: { name: "Demo Checkout" }, select: { id: true, currentVersion: true, lastKnownGoodVersion: true } });
    expect(service).toMatchObject({ currentVersion: "v2", lastKnownGoodVersion: "v1" });
    await until("Prometheus computing a 0% error rate while v1 runs", async () => (await errorRate()) === 0, 30_000, 250);
    expect(await db.alertGroup.count()).toBe(0);

    // Failure injected.
    await stack.deploy("v2");

    const decision = await until(
      "an automatic decision that acted" + logs(),
      () => db.automaticDecision.findFirst({ where: { serviceId: service.id, outcome: "act" }, select: { id: true, incidentId: true, rollbackRequestId: true, readings: true, reason: true, shadow: true, groupId: true } }),
      90_000,
      250,
    );
    expect(decision.shadow).toBe(false);
    const readings = decision.readings as { metrics: Record<string, { value: number; fingerprint: string; startsAt: string }> };
    expect(readings.metrics.error_rate_pct!.value).toBeGreaterThan(10);

    const incident = await db.incident.findUniqueOrThrow({
      where: { id: decision.incidentId! },
      select: { id: true, key: true, severity: true, declaredById: true, commander: { select: { email: true } }, services: { select: { service: { select: { name: true } } } } },
    });
    expect(incident).toMatchObject({ severity: "HIGH", declaredById: null, commander: { email: "oncall@rollcall.demo" }, services: [{ service: { name: "Demo Checkout" } }] });

    const request = await db.rollbackRequest.findUniqueOrThrow({ where: { id: decision.rollbackRequestId! }, select: { requesterRole: true, requestedById: true, runbook: true, run: { select: { id: true, mode: true, params: true } } } });
    expect(request).toMatchObject({ requesterRole: "automation", requestedById: null, runbook: "demo-service", run: { mode: "live", params: { target_version: "v1", service_url: stack.demoUrl } } });

    // The rollback runs for real: flag off, v1 deployed, five healthy answers, version checked; then it
    // waits for a person to confirm the post-rollback checklist.
    const paused = await waitForRun(db, request.run!.id, ["paused", "failed", "aborted", "succeeded"], 90_000);
    expect(paused.steps.map((s) => `${s.stepId}:${s.status}`)).toEqual([
      "service-reachable:succeeded", "flag-off:succeeded", "deploy-previous:succeeded", "healthy:succeeded", "version-check:succeeded", "checklist:awaiting_confirmation",
    ]);
    expect(await stack.version()).toBe("v1");
    for (let i = 0; i < 5; i++) expect((await fetch(`${stack.demoUrl}/checkout`)).status).toBe(200);

    // Prometheus sees the error rate fall, the rule stops holding, Alertmanager sends "resolved".
    const resolved = await until("the alert group to resolve" + logs(), () => db.alertGroup.findFirst({ where: { id: decision.groupId, status: "resolved" }, select: { resolvedAt: true, incidentId: true } }), 90_000, 250);
    expect(resolved.incidentId).toBe(incident.id);
    expect(await db.alert.count({ where: { groupId: decision.groupId, status: "firing" } })).toBe(0);

    // Exactly one incident and one rollback, however many notifications Alertmanager sent.
    expect(await db.incident.count({ where: { services: { some: { serviceId: service.id } } } })).toBe(1);
    expect(await db.rollbackRequest.count({ where: { incidentId: incident.id } })).toBe(1);

    // A person confirms the checklist: the run succeeds and the incident moves to monitoring.
    const oncall = await db.user.findUniqueOrThrow({ where: { email: "oncall@rollcall.demo" }, select: { id: true, email: true, name: true, role: true } });
    const person: Ctx = { actor: { type: "user", ...oncall } };
    await operateRun({ ctx: person, input: { runId: request.run!.id, action: "confirm", stepId: paused.steps[5]!.id, checked: [...DEFAULT_VALIDATION_CHECKLIST] } });
    expect((await waitForRun(db, request.run!.id, ["succeeded", "failed"])).status).toBe("succeeded");

    const timeline = await db.timelineEvent.findMany({ where: { incidentId: incident.id }, orderBy: [{ at: "asc" }, { id: "asc" }], select: { kind: true, payload: true, actorLabel: true } });
    const kinds = timeline.map((e) => e.kind);
    const at = (k: string) => kinds.indexOf(k as (typeof kinds)[number]);
    for (const k of ["declared", "automation_decision", "run_started", "run_paused", "alerts_resolved", "run_finished"]) expect(kinds, `timeline: ${kinds.join(", ")}`).toContain(k);
    expect(at("declared")).toBeLessThan(at("run_started"));
    expect(at("run_started")).toBeLessThan(at("alerts_resolved"));
    const automation = timeline.find((e) => e.kind === "automation_decision")!.payload as { outcome: string; readings: { metrics: Record<string, { value: number }> } };
    expect(automation.outcome).toBe("act");
    expect(automation.readings.metrics.error_rate_pct!.value).toBeGreaterThan(10);
    expect((await db.incident.findUniqueOrThrow({ where: { id: incident.id }, select: { status: true } })).status).toBe("monitoring");

    // The incident page's chart: the decision's reading, and Prometheus' own series of the alert's
    // expression for this service, above the critical band during v2 and back under it after.
    const charts = await until(
      "the chart's Prometheus series to show the rise and the fall",
      async () => {
        const c = await metricChartsForIncident(incident.id, activePolicy().policy, new Date());
        const peak = c[0]?.prometheus.findIndex((p) => p.value > 10) ?? -1;
        return peak >= 0 && c[0]!.prometheus.slice(peak).some((p) => p.value < 5) ? c : null;
      },
      30_000,
      500,
    );
    expect(charts).toHaveLength(1);
    expect(charts[0]).toMatchObject({ metric: "error_rate_pct", label: "Error rate", query: "service:http_error_rate_pct:rate1m", prometheusNote: null, critical: { from: 2, to: null } });
    expect(charts[0]!.alertReadings).toEqual([expect.objectContaining({ outcome: "act", value: readings.metrics.error_rate_pct!.value })]);
  });
});
