import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { appError } from "../../test/app-error";
import type { Db } from "../db/client";
import { setEnv } from "../env";
import { encrypt } from "../comms/crypto";
import { commsKey } from "../comms/key";
import { userCtx } from "../runs/testing/harness";
import { operateRun } from "../runs/operate";
import { createIncident } from "../incidents/create-incident";
import { handleAlertPost } from "./http";
import { reevaluateAlertGroups } from "./sweep";
import { setAutomationEnabled, setServiceAutomation } from "./kill-switch";
import { createIntegration, updateIntegration } from "./integrations";
import { amAlert, amWebhook } from "./testing/payloads";
import { makeIntegration, makeOnCall, makeService, setUpCommsKey, setUpRunbooks } from "./testing/fixtures";

// What automation does with a group, through the real handler with an injected clock and a real
// PostgreSQL: flapping, the circuit breaker, both kill switches, shadow mode, inconclusive data,
// the same-version guard, time-only waits re-decided by the sweeper, and policy variants.

const DEFAULT_POLICY = "policy/default.yaml";
let db: Db;
let drop: () => Promise<void>;
let am: { slug: string; token: string; id: string };
let n = 0;
const T0 = new Date();
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

/** A policy file: the default one with `edit` applied to its text. */
function policyVariant(edit: (text: string) => string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "rollcall-policy-"));
  const file = path.join(dir, "policy.yaml");
  writeFileSync(file, edit(readFileSync(DEFAULT_POLICY, "utf8")));
  return file;
}

async function send(body: unknown, now: Date, integration = am) {
  const request = new Request(`http://rollcall.test/api/alerts/${integration.slug}`, {
    method: "POST",
    headers: { authorization: `Bearer ${integration.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const res = await handleAlertPost(request, integration.slug, now);
  const json = (await res.json()) as { groups: { id: string; outcome: string | null; incidentKey: string | null; status: string; replay: boolean }[] };
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json.groups[0]!;
}

/** A firing error-rate alert of `pct` for `service`, which started `heldMinutes` before `now`. */
function errorRate(service: string, pct: number, now: Date, heldMinutes = 10, extra: Parameters<typeof amAlert>[0] = {}) {
  n++;
  const key = `{}:{alertname="ErrorRate",service="${service}",n="${extra.fingerprint ?? n}"}`;
  return amWebhook(key, [amAlert({ service, fingerprint: extra.fingerprint ?? `fp-${n}`, annotations: { error_rate_pct: String(pct) }, startsAt: new Date(now.getTime() - heldMinutes * 60_000), ...extra }, now)]);
}

const lastDecision = (groupId: string) => db.automaticDecision.findFirstOrThrow({ where: { groupId }, orderBy: { createdAt: "desc" }, select: { outcome: true, reason: true, shadow: true, actions: true, readings: true, rollbackRequestId: true } });
const requestsFor = (serviceName: string) => db.rollbackRequest.count({ where: { incident: { services: { some: { service: { name: serviceName } } } } } });
const incidentsFor = (serviceName: string) => db.incident.count({ where: { services: { some: { service: { name: serviceName } } } } });

beforeAll(async () => {
  setEnv("POLICY_FILE", DEFAULT_POLICY);
  setUpRunbooks();
  setUpCommsKey();
  ({ db, drop } = await freshDatabase("auto"));
  const channel = await db.channel.create({ data: { name: "oncall-hook", kind: "webhook", configEncrypted: encrypt(JSON.stringify({ url: "http://127.0.0.1:9/hook", secret: "" }), commsKey()!) }, select: { id: true } });
  await makeOnCall(db, channel);
  am = await makeIntegration({ name: "Prometheus", kind: "alertmanager", mapping: { trigger: { from: "label", name: "rollcall_trigger" } } });
});

beforeEach(() => setEnv("POLICY_FILE", DEFAULT_POLICY));

afterAll(async () => {
  setEnv("POLICY_FILE", DEFAULT_POLICY);
  await drop?.();
});

describe("flapping and the circuit breaker", () => {
  it("a group re-firing within the flap window is reopened; the breaker then leaves the second rollback to a person; after the window it acts again", async () => {
    await makeService(db, "Flappy");
    const body = errorRate("flappy", 15, at(0), 10, { fingerprint: "flap-1" });
    const first = await send(body, at(0));
    expect(first.outcome).toBe("act");
    const run = await db.run.findFirstOrThrow({ where: { incident: { key: first.incidentKey! } }, select: { id: true } });
    const admin = await userCtx(db, "admin");
    await operateRun({ ctx: admin, input: { runId: run.id, action: "abort", reason: "test: the rollback is stopped by hand" } });

    const resolved = { ...body, status: "resolved", alerts: body.alerts.map((a) => ({ ...a, status: "resolved", endsAt: at(2).toISOString() })) };
    expect((await send(resolved, at(2))).status).toBe("resolved");
    const again = await send(body, at(5));
    expect(again.id).toBe(first.id);
    expect(again.incidentKey).toBe(first.incidentKey);
    const g = await db.alertGroup.findUniqueOrThrow({ where: { id: first.id }, select: { reopenCount: true, status: true, episode: true } });
    expect(g).toEqual({ reopenCount: 1, status: "firing", episode: 1 });
    const d = await lastDecision(first.id);
    expect(d.outcome).toBe("hold");
    expect(d.reason).toMatch(/Circuit breaker: 1 automatic rollback of Flappy in the last 60 minutes/);
    expect(await requestsFor("Flappy")).toBe(1);
    expect(await incidentsFor("Flappy")).toBe(1);
    const timeline = await db.timelineEvent.findMany({ where: { incident: { key: first.incidentKey! }, kind: "alert_attached" }, select: { payload: true } });
    expect(timeline.some((t) => (t.payload as { reopened?: boolean }).reopened)).toBe(true);

    // Past the breaker's window a new alert for the service acts again, on the same open incident.
    const later = await send(errorRate("flappy", 15, at(70), 10, { fingerprint: "flap-2" }), at(70));
    expect(later.outcome).toBe("act");
    expect(later.incidentKey).toBe(first.incidentKey);
    expect(await requestsFor("Flappy")).toBe(2);
  });

  it("re-firing after the flap window starts a new episode of the group", async () => {
    await makeService(db, "Episodic", { runbook: false });
    const body = errorRate("episodic", 1, at(0), 10, { fingerprint: "ep-1" });
    const first = await send(body, at(0));
    const resolved = { ...body, status: "resolved", alerts: body.alerts.map((a) => ({ ...a, status: "resolved" })) };
    await send(resolved, at(1));
    const again = await send(body, at(40));
    expect(again.id).not.toBe(first.id);
    expect(await db.alertGroup.findUniqueOrThrow({ where: { id: again.id }, select: { episode: true } })).toEqual({ episode: 2 });
  });
});

describe("kill switches", () => {
  it("the global switch (audited, admins only) stops automation: a person is asked, nothing is declared", async () => {
    await makeService(db, "Switched");
    const oncall = await userCtx(db, "oncall");
    expect(await appError(setAutomationEnabled({ ctx: oncall, input: { enabled: false, reason: "no" } }))).toMatchObject({ code: "FORBIDDEN" });
    const admin = await userCtx(db, "admin");
    await setAutomationEnabled({ ctx: admin, input: { enabled: "off", reason: "maintenance window" } });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "setting.automation" }, orderBy: { id: "desc" }, select: { actorId: true, after: true } });
    expect(audit).toMatchObject({ actorId: admin.actor.id, after: { enabled: false, reason: "maintenance window" } });
    try {
      const g = await send(errorRate("switched", 20, at(0)), at(0));
      expect(g.outcome).toBe("hold");
      expect((await lastDecision(g.id)).reason).toMatch(/switched off for every service/);
      expect(await incidentsFor("Switched")).toBe(0);
      const asked = await db.message.findFirst({ where: { subject: { contains: "Automation did not roll back" } }, select: { deliveries: { select: { channelName: true } } } });
      expect(asked?.deliveries.map((x) => x.channelName)).toEqual(["oncall-hook"]);
    } finally {
      await setAutomationEnabled({ ctx: admin, input: { enabled: true, reason: "maintenance over" } });
    }
  });

  it("the per-service switch (audited) stops automation for that service only", async () => {
    const svc = await makeService(db, "Paused Svc");
    const admin = await userCtx(db, "admin");
    await setServiceAutomation({ ctx: admin, input: { serviceId: svc.id, enabled: false, reason: "migration in progress" } });
    expect(await db.auditEvent.count({ where: { action: "service.automation", targetId: "Paused Svc" } })).toBe(1);
    const g = await send(errorRate("paused-svc", 20, at(0)), at(0));
    expect(g.outcome).toBe("hold");
    expect((await lastDecision(g.id)).reason).toMatch(/switched off for Paused Svc/);
    expect(await incidentsFor("Paused Svc")).toBe(0);
  });
});

describe("shadow mode", () => {
  it("per integration: records what it would have done, does nothing", async () => {
    await makeService(db, "Shadowed");
    const shadow = await makeIntegration({ name: "Shadow AM", kind: "alertmanager", shadow: true });
    const g = await send(errorRate("shadowed", 20, at(0)), at(0), shadow);
    expect(g).toMatchObject({ outcome: "act", incidentKey: null });
    const d = await lastDecision(g.id);
    expect(d.shadow).toBe(true);
    expect(d.actions).toEqual([
      { kind: "declare", would: true, incidentKey: null },
      { kind: "rollback", would: true, how: "start", runbook: "svc-rollback", target: "v1", from: "v2" },
    ]);
    expect((d.readings as { metrics: Record<string, { value: number }> }).metrics.error_rate_pct!.value).toBe(20);
    expect(await incidentsFor("Shadowed")).toBe(0);
    expect(await requestsFor("Shadowed")).toBe(0);
  });

  it("per policy (alerts.shadow: true)", async () => {
    await makeService(db, "Policy Shadow");
    setEnv("POLICY_FILE", policyVariant((t) => t.replace("  shadow: false\n", "  shadow: true\n")));
    const g = await send(errorRate("policy-shadow", 20, at(0)), at(0));
    expect((await lastDecision(g.id)).shadow).toBe(true);
    expect(await incidentsFor("Policy Shadow")).toBe(0);
  });
});

describe("inconclusive: a person is asked, automation never acts", () => {
  it("no data, a missing service label, stale data", async () => {
    await makeService(db, "Quiet");
    const noData = await send(amWebhook("nodata", [amAlert({ service: "quiet", fingerprint: "nd", annotations: { summary: "something" } }, at(0))]), at(0));
    expect(noData.outcome).toBe("inconclusive");
    expect((await lastDecision(noData.id)).reason).toMatch(/^No data/);
    const asked = await db.message.findFirst({ where: { subject: { contains: "Alert needs a person" } }, select: { id: true } });
    expect(asked).not.toBeNull();

    const unlabelled = await send(amWebhook("nolabel", [amAlert({ service: null, fingerprint: "nl" }, at(0))]), at(0));
    expect(unlabelled.outcome).toBe("inconclusive");
    expect((await lastDecision(unlabelled.id)).reason).toMatch(/Missing label: the alert has no “service” label/);

    const stale = await send(errorRate("quiet", 30, at(0), 10, { fingerprint: "stale", endsAt: at(-1) }), at(0));
    expect(stale.outcome).toBe("inconclusive");
    expect((await lastDecision(stale.id)).reason).toMatch(/^Stale data: error_rate_pct/);
    expect(await incidentsFor("Quiet")).toBe(0);
  });

  it("a rule waiting only for time is decided again by the sweeper, and readings gone stale ask a person", async () => {
    await makeService(db, "Patient");
    const g = await send(errorRate("patient", 12, at(0), 1, { fingerprint: "wait-1" }), at(0));
    expect(g.outcome).toBe("hold");
    expect((await lastDecision(g.id)).reason).toMatch(/^Not yet: Error rate is > 10 but has held 1 of the 5 minutes/);
    await reevaluateAlertGroups(at(2));
    expect(await db.automaticDecision.count({ where: { groupId: g.id } })).toBe(1);
    await reevaluateAlertGroups(at(4.5));
    const now = await lastDecision(g.id);
    expect(now.outcome).toBe("act");
    expect(await requestsFor("Patient")).toBe(1);

    await makeService(db, "Forgotten");
    const f = await send(errorRate("forgotten", 12, at(0), 1, { fingerprint: "wait-2" }), at(0));
    expect(f.outcome).toBe("hold");
    await reevaluateAlertGroups(at(20));
    const d = await lastDecision(f.id);
    expect(d.outcome).toBe("inconclusive");
    expect(d.reason).toMatch(/^Stale data/);
    expect(await incidentsFor("Forgotten")).toBe(0);
  });
});

describe("guards and policy", () => {
  it("never rolls back to the version running now: declared, held with the reason", async () => {
    await makeService(db, "Same Version", { current: "v7", lkg: "v7" });
    const g = await send(errorRate("same-version", 20, at(0)), at(0));
    expect(g.outcome).toBe("hold");
    expect((await lastDecision(g.id)).reason).toMatch(/last known good version v7 is the version running now/);
    expect(g.incidentKey).not.toBeNull();
    expect(await requestsFor("Same Version")).toBe(0);
  });

  it("a firing alert for a service with an open incident joins it and rolls back on it", async () => {
    const svc = await makeService(db, "Already Open");
    const oncall = await userCtx(db, "oncall");
    const inc = await createIncident({ ctx: oncall, input: { title: "Checkout errors reported", severity: "HIGH", trigger: "Customer reports", serviceIds: [svc.id] } });
    const g = await send(errorRate("already-open", 20, at(0)), at(0));
    expect(g).toMatchObject({ incidentKey: inc.key, outcome: "act" });
    expect(await incidentsFor("Already Open")).toBe(1);
    const kinds = (await db.timelineEvent.findMany({ where: { incidentId: inc.id }, select: { kind: true } })).map((t) => t.kind);
    expect(kinds).toEqual(expect.arrayContaining(["alert_attached", "automation_decision", "rollback_requested", "run_started"]));
  });

  it("autoRollback no declares only; with whenNotAutomatic: propose it only asks", async () => {
    await makeService(db, "Down Svc");
    const down = (fp: string) => amWebhook(`down-${fp}`, [amAlert({ service: "down-svc", fingerprint: fp, labels: { rollcall_trigger: "system_down" }, annotations: {} }, at(0))]);
    const g = await send(down("d1"), at(0));
    expect(g.outcome).toBe("hold");
    const inc = await db.incident.findUniqueOrThrow({ where: { key: g.incidentKey! }, select: { severity: true, triggerId: true } });
    expect(inc).toEqual({ severity: "CRITICAL", triggerId: "system_down" });
    expect(await requestsFor("Down Svc")).toBe(0);

    await makeService(db, "Proposed Svc");
    setEnv("POLICY_FILE", policyVariant((t) => t.replace("  whenNotAutomatic: declare\n", "  whenNotAutomatic: propose\n")));
    const p = await send(amWebhook("prop", [amAlert({ service: "proposed-svc", fingerprint: "p1", labels: { rollcall_trigger: "system_down" }, annotations: {} }, at(0))]), at(0));
    expect(p).toMatchObject({ outcome: "hold", incidentKey: null });
    expect((await lastDecision(p.id)).reason).toMatch(/proposed to on-call/);
  });

  it("conditional requests the rollback through the severity's gate", async () => {
    await makeService(db, "Gated");
    setEnv("POLICY_FILE", policyVariant((t) => t.replace(/(  - id: HIGH\n(?:    .*\n)*?)    approval: \{ mode: none \}\n/, "$1    approval: { mode: role, roles: [teamlead] }\n")));
    // 7 % for 10 minutes: seed 004's immediate rollback, autoRollback conditional.
    const g = await send(errorRate("gated", 7, at(0)), at(0));
    expect(g.outcome).toBe("act");
    const req = await db.rollbackRequest.findFirstOrThrow({ where: { incident: { key: g.incidentKey! } }, select: { status: true, approverRoles: true, requesterRole: true, run: { select: { id: true } } } });
    expect(req).toEqual({ status: "pending", approverRoles: ["teamlead"], requesterRole: "automation", run: null });
  });

  it("a mapping naming a metric the policy lacks is refused at save; only admins manage integrations", async () => {
    const admin = await userCtx(db, "admin");
    const bad = { name: "Bad mapping", kind: "alertmanager", mapping: { metrics: [{ metric: "cpu_pct", from: "annotation", name: "cpu" }] } };
    expect(await appError(createIntegration({ ctx: admin, input: bad }))).toMatchObject({ code: "VALIDATION", fieldErrors: { "mapping.metrics.0.metric": [expect.stringMatching(/no metric “cpu_pct”/)] } });
    const oncall = await userCtx(db, "oncall");
    expect(await appError(createIntegration({ ctx: oncall, input: { name: "Nope", kind: "generic" } }))).toMatchObject({ code: "FORBIDDEN" });
    const ok = await createIntegration({ ctx: admin, input: { name: "Good mapping", kind: "alertmanager" } });
    expect(await appError(updateIntegration({ ctx: admin, input: { integrationId: ok.id, name: "Good mapping", mapping: bad.mapping } }))).toMatchObject({ code: "VALIDATION" });
    expect(await db.auditEvent.count({ where: { action: "integration.create", targetId: ok.slug } })).toBe(1);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "integration.create", targetId: ok.slug }, select: { after: true } });
    expect(JSON.stringify(audit.after)).not.toContain(ok.token);
  });
});
