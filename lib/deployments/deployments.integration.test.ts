import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import type { Db } from "../db/client";
import { verifyAuditChain } from "../audit/verify";
import { setEnv } from "../env";
import { RunEngine } from "../runs/engine";
import { ENGINE_TIMINGS, appError, declare, requestFor, runbook, runbookDir, userCtx, waitForRun, until, type UserCtx } from "../runs/testing/harness";
import { recordDeployment } from "./record-deployment";
import { updateDeployment } from "./update-deployment";
import { listDeployments, suspectDeployments } from "./queries";
import { verifyDeployments } from "./verify";
import { createService } from "../services/catalog-verbs";

// Deployment records against a real PostgreSQL, with a real run engine for Rollcall's own rollbacks.
// Verdicts take an injected clock: deployments here are dated relative to a fixed T.

let db: Db;
let drop: () => Promise<void>;
let engine: RunEngine;
let oncall: UserCtx;
let viewer: UserCtx;
let work: string;
const T = new Date("2026-03-02T10:00:00.000Z");
const at = (minutes: number) => new Date(T.getTime() + minutes * 60_000);

beforeAll(async () => {
  setEnv("POLICY_FILE", "policy/default.yaml");
  runbookDir().write(runbook("hold-then-deploy", [
    { id: "wait", title: "Wait for the release file", executor: "shell", params: { argv: ["sh", "-c", 'while [ ! -f "$1" ]; do sleep 0.1; done; echo "deployed $2"', "sh", "{{ params.release }}", "{{ params.version }}"] } },
  ], { parameters: [{ name: "version", type: "version", required: true }, { name: "release", type: "string", required: true }] }));
  ({ db, drop } = await freshDatabase("deploys"));
  oncall = await userCtx(db, "oncall");
  viewer = await userCtx(db, "viewer");
  work = mkdtempSync(path.join(tmpdir(), "rollcall-deploys-"));
  engine = new RunEngine({ db, ...ENGINE_TIMINGS });
  await engine.start();
});

afterAll(async () => {
  await engine?.stop();
  await drop?.();
});

async function svc(extra: { environments?: string[]; runbooks?: unknown } = {}) {
  return db.service.create({
    data: { name: `Svc ${randomUUID().slice(0, 8)}`, tier: "Critical", rtoMinutes: 5, rpoMinutes: 1, ownerTeam: "Payments", environments: extra.environments ?? ["production"], runbooks: (extra.runbooks ?? []) as object },
    select: { id: true, name: true },
  });
}

function deploy(serviceId: string, version: string, startedAt: Date, extra: Record<string, unknown> = {}) {
  return recordDeployment({ ctx: oncall, input: { serviceId, version, status: "succeeded", startedAt, finishedAt: startedAt, idempotencyKey: randomUUID(), ...extra } });
}

describe("recording deployments", () => {
  it("returns the same record for the same key, and only people who may deploy record", async () => {
    const s = await svc();
    const input = { service: s.name, version: "v1", commit: "abc123", artifactDigest: "sha256:feed", idempotencyKey: "ci-build-41" };
    const first = await recordDeployment({ ctx: oncall, input });
    const again = await recordDeployment({ ctx: oncall, input: { ...input, version: "v1-typo" } });
    expect(first.created).toBe(true);
    expect(again).toEqual({ deployment: first.deployment, created: false });
    expect(first.deployment).toMatchObject({ serviceId: s.id, version: "v1", status: "in_progress", deployedBy: { type: "user", id: oncall.actor.id }, isRollback: false, verdict: "pending" });
    expect(await db.deployment.count({ where: { serviceId: s.id } })).toBe(1);

    const done = await updateDeployment({ ctx: oncall, input: { id: first.deployment.id, status: "succeeded" } });
    expect(done.status).toBe("succeeded");
    expect((await db.service.findUniqueOrThrow({ where: { id: s.id } })).currentVersion).toBe("v1");
    expect((await appError(updateDeployment({ ctx: oncall, input: { id: first.deployment.id, status: "failed" } }))).code).toBe("CONFLICT");

    expect((await appError(recordDeployment({ ctx: viewer, input: { ...input, idempotencyKey: "other" } }))).code).toBe("FORBIDDEN");
    expect((await listDeployments({ ctx: viewer, input: { serviceId: s.id } })).map((d) => d.version)).toEqual(["v1"]);
    expect((await appError(recordDeployment({ ctx: oncall, input: { ...input, environment: "staging", idempotencyKey: "stg" } }))).fieldErrors.environment).toBeDefined();
  });

  it("recognises a deploy of a version that ran before in that environment as a rollback", async () => {
    const s = await svc({ environments: ["production", "staging"] });
    const v1 = await deploy(s.id, "v1", at(0));
    const v2 = await deploy(s.id, "v2", at(10));
    const stagingV1 = await deploy(s.id, "v1", at(15), { environment: "staging" });
    const back = await deploy(s.id, "v1", at(20));
    const same = await deploy(s.id, "v1", at(25));
    expect([v1, v2, stagingV1, back, same].map((d) => d.deployment.isRollback)).toEqual([false, false, false, true, false]);
    expect((await db.service.findUniqueOrThrow({ where: { id: s.id } })).currentVersion).toBe("v1");
  });
});

describe("Rollcall's own rollback and the deploy freeze", () => {
  it("refuses a deployment while a rollback runs, records a forced one with its reason, and records the rollback when the run succeeds", async () => {
    const s = await svc({ runbooks: [{ runbook: "hold-then-deploy", defaults: {} }] });
    await deploy(s.id, "v1", new Date(Date.now() - 3 * 3600_000));
    await deploy(s.id, "v2", new Date(Date.now() - 600_000));
    const release = path.join(work, `release-${randomUUID()}`);
    const inc = await declare(oncall, s.id);
    const r = await requestFor(oncall, inc.key, "hold-then-deploy", { target: "v1", params: { release } });
    expect(r.runId).toBeTruthy();

    const input = { serviceId: s.id, version: "v2", status: "succeeded", idempotencyKey: "pipeline-redeploy" };
    const refused = await appError(recordDeployment({ ctx: oncall, input }));
    expect(refused.code).toBe("DEPLOY_FREEZE");
    expect(refused.message).toContain(inc.key);
    expect(await db.deployment.count({ where: { serviceId: s.id, idempotencyKey: "pipeline-redeploy" } })).toBe(0);
    expect((await appError(recordDeployment({ ctx: oncall, input: { ...input, force: true } }))).fieldErrors.forceReason).toBeDefined();

    const forced = await recordDeployment({ ctx: oncall, input: { ...input, version: "v2-hotfix", force: true, forceReason: "Security patch cannot wait" } });
    expect(forced.deployment.forcedReason).toBe("Security patch cannot wait");
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "deployment.force_during_freeze", targetId: inc.key } });
    expect(audit.after).toMatchObject({ reason: "Security patch cannot wait", version: "v2-hotfix", deploymentId: forced.deployment.id });
    expect(audit.actorId).toBe(oncall.actor.id);
    const row = await db.timelineEvent.findFirstOrThrow({ where: { incidentId: inc.id, kind: "deploy_freeze_forced" } });
    expect(row.payload).toMatchObject({ reason: "Security patch cannot wait", version: "v2-hotfix" });

    writeFileSync(release, "go");
    await waitForRun(db, r.runId!, ["succeeded"]);
    const rb = await until("the rollback's deployment record", () => db.deployment.findFirst({ where: { serviceId: s.id, rollbackRequestId: r.requestId } }));
    expect(rb).toMatchObject({ version: "v1", environment: "production", status: "succeeded", isRollback: true, deployedById: oncall.actor.id, idempotencyKey: `rollback:${r.requestId}` });
    expect((await db.service.findUniqueOrThrow({ where: { id: s.id } })).currentVersion).toBe("v1");
    // The freeze ends with the run.
    expect((await recordDeployment({ ctx: oncall, input: { ...input, idempotencyKey: "after-rollback", version: "v3" } })).created).toBe(true);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });
});

describe("verdicts", () => {
  it("verifies a version good after its window with no incident or alert, and keeps the newest good production version as last known good", async () => {
    const s = await svc({ environments: ["production", "staging"] });
    const v1 = await deploy(s.id, "v1", at(0));
    await verifyDeployments({ now: at(20) });
    expect((await db.deployment.findUniqueOrThrow({ where: { id: v1.deployment.id } })).verdict).toBe("pending");

    await verifyDeployments({ now: at(31) });
    const good = await db.deployment.findUniqueOrThrow({ where: { id: v1.deployment.id } });
    expect(good).toMatchObject({ verdict: "verified_good", verdictAt: at(31) });
    expect(good.evidence).toMatchObject({ windowMinutes: 30, incidents: [], alertGroups: [], until: at(30).toISOString() });
    expect((await db.service.findUniqueOrThrow({ where: { id: s.id } })).lastKnownGoodVersion).toBe("v1");

    // v2 brings an incident: bad at once, and v1 stays last known good.
    const v2 = await deploy(s.id, "v2", at(40));
    const inc = await declare(oncall, s.id);
    await db.incident.update({ where: { id: inc.id }, data: { detectedAt: at(50) } });
    await verifyDeployments({ now: at(51) });
    const bad = await db.deployment.findUniqueOrThrow({ where: { id: v2.deployment.id } });
    expect(bad.verdict).toBe("bad");
    expect(bad.evidence).toMatchObject({ incidents: [{ key: inc.key }] });

    // v3 fires an alert: bad; an alert that still fires at the end of v4's window makes v4 bad too.
    const v3 = await deploy(s.id, "v3", at(60));
    const group = await db.alertGroup.create({
      data: { integrationName: "test", groupKey: randomUUID(), serviceKey: s.name, serviceId: s.id, title: "Error rate high", status: "firing", firstFiredAt: at(70), lastFiredAt: at(70), lastReceivedAt: at(70) },
    });
    await verifyDeployments({ now: at(95) });
    const alerted = await db.deployment.findUniqueOrThrow({ where: { id: v3.deployment.id } });
    expect(alerted.verdict).toBe("bad");
    expect(alerted.evidence).toMatchObject({ incidents: [], alertGroups: [{ id: group.id, title: "Error rate high" }] });
    const v4 = await deploy(s.id, "v4", at(100));
    await verifyDeployments({ now: at(131) });
    expect((await db.deployment.findUniqueOrThrow({ where: { id: v4.deployment.id } })).verdict).toBe("bad");

    await db.alertGroup.update({ where: { id: group.id }, data: { status: "resolved", resolvedAt: at(135) } });
    const v5 = await deploy(s.id, "v5", at(140));
    const staging = await deploy(s.id, "v6", at(141), { environment: "staging" });
    await verifyDeployments({ now: at(175) });
    expect((await db.deployment.findUniqueOrThrow({ where: { id: v5.deployment.id } })).verdict).toBe("verified_good");
    expect((await db.deployment.findUniqueOrThrow({ where: { id: staging.deployment.id } })).verdict).toBe("verified_good");
    expect((await db.service.findUniqueOrThrow({ where: { id: s.id } })).lastKnownGoodVersion).toBe("v5");
    const lkgAudit = await db.auditEvent.findFirstOrThrow({ where: { action: "service.last_known_good", targetId: s.id }, orderBy: { id: "desc" } });
    expect(lkgAudit.after).toMatchObject({ lastKnownGoodVersion: "v5" });
  });

  it("uses the service's own window, as an admin set it", async () => {
    const admin = await userCtx(db, "admin");
    const s = await createService({ ctx: admin, input: { name: `Windowed ${randomUUID().slice(0, 8)}`, tier: "High", rtoMinutes: "10", rpoMinutes: "5", ownerTeam: "Payments", verificationWindowMinutes: "90" } });
    const v1 = await deploy(s.id, "v1", at(0));
    await verifyDeployments({ now: at(60) });
    expect((await db.deployment.findUniqueOrThrow({ where: { id: v1.deployment.id } })).verdict).toBe("pending");
    await verifyDeployments({ now: at(91) });
    expect((await db.deployment.findUniqueOrThrow({ where: { id: v1.deployment.id } })).verdict).toBe("verified_good");
  });
});

describe("suspect change", () => {
  it("lists the affected services' deployments in the two hours before detection, with the version before each", async () => {
    const s = await svc();
    const other = await svc();
    await deploy(s.id, "v2.4.0", at(-300));
    await deploy(s.id, "v2.4.1", at(-7));
    await deploy(other.id, "v9", at(-5));
    await deploy(s.id, "v2.4.2", at(5));
    const inc = await declare(oncall, s.id);
    await db.incident.update({ where: { id: inc.id }, data: { detectedAt: T } });
    const suspects = await suspectDeployments(inc.id);
    expect(suspects.map((d) => [d.version, d.minutesBeforeDetection, d.previousVersion])).toEqual([["v2.4.1", 7, "v2.4.0"]]);
  });
});
