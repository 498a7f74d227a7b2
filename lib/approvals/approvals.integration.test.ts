import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { appError } from "../../test/app-error";
import type { Db } from "../db/client";
import type { Ctx } from "../auth/actor";
import type { RoleName } from "../auth/permissions";
import { verifyAuditChain } from "../audit/verify";
import { AppError } from "../errors";
import { setEnv } from "../env";
import { createIncident } from "../incidents/create-incident";
import { activePolicy, policyState } from "../decisions/policy-registry";
import { requestRollback } from "./request-rollback";
import { breakGlass, decideRequest } from "./decide-request";
import { sweepApprovals } from "./sweep";
import { runbook, runbookDir } from "../runs/testing/harness";
import { startApprovedRollback } from "../runs/start-run";

// The approval gates against a real PostgreSQL and the shipped policy/default.yaml:
// CRITICAL/HIGH any on-call may start at once; MEDIUM a team lead approves; LOW a product owner
// approves; nobody decides their own request.

type UserCtx = Ctx & { actor: { type: "user"; id: string; role: RoleName } };

let db: Db;
let drop: () => Promise<void>;
let serviceId: string;

const DEFAULT_POLICY = "policy/default.yaml";

beforeAll(async () => {
  setEnv("POLICY_FILE", DEFAULT_POLICY);
  // The runbook every request here names: one shell step (no engine runs here, so a started run stays running).
  runbookDir().write(runbook("checkout-rollback", [{ id: "one", title: "Roll back", executor: "shell", params: { argv: ["echo", "rolled back"] } }], {
    parameters: [{ name: "version", type: "version", required: true }],
  }));
  ({ db, drop } = await freshDatabase("appr"));
  const svc = await db.service.create({
    data: { name: "Checkout", tier: "Critical", rtoMinutes: 5, rpoMinutes: 1, ownerTeam: "Payments", lastKnownGoodVersion: "v2.13.4" },
  });
  serviceId = svc.id;
});

afterAll(async () => {
  setEnv("POLICY_FILE", DEFAULT_POLICY);
  await drop?.();
});

let userN = 0;
async function userCtx(role: RoleName): Promise<UserCtx> {
  userN++;
  const u = await db.user.create({
    data: { email: `${role}-${randomUUID()}@example.test`, name: `Test ${role} ${userN}`, role },
    select: { id: true, email: true, name: true, role: true },
  });
  return { actor: { type: "user", ...u }, ip: "203.0.113.9" };
}


const TRIGGER = { CRITICAL: "system_down", MEDIUM: "performance_degradation", LOW: "minor_ui" } as const;
type Gated = keyof typeof TRIGGER;

async function declare(ctx: UserCtx, sev: Gated, extra: Record<string, unknown> = {}) {
  return createIncident({
    ctx,
    input: { title: `${sev} incident ${randomUUID().slice(0, 8)}`, severity: sev, triggerId: TRIGGER[sev], serviceIds: [serviceId], ...extra },
  });
}

function rollbackInput(key: string, extra: Record<string, unknown> = {}) {
  return { key, idempotencyKey: randomUUID(), scope: "application", target: "v2.13.4", runbook: "checkout-rollback", reason: "Error rate jumped after the deploy", ...extra };
}

/** A fresh incident of `sev` with a rollback requested by a fresh on-call engineer. */
async function pendingRequest(sev: Gated, requester?: UserCtx) {
  const by = requester ?? (await userCtx("oncall"));
  const inc = await declare(by, sev);
  const r = await requestRollback({ ctx: by, input: rollbackInput(inc.key) });
  return { ...r, key: inc.key, requester: by };
}

function requestRow(id: string) {
  return db.rollbackRequest.findUniqueOrThrow({ where: { id } });
}

function incidentRow(key: string) {
  return db.incident.findUniqueOrThrow({
    where: { key },
    select: { status: true, decidedAt: true, rollbackStartedAt: true, flaggedForReview: true, severity: true, severityOverride: true, decision: true, timeline: { orderBy: { id: "asc" } } },
  });
}

async function timelineKinds(key: string): Promise<string[]> {
  return (await incidentRow(key)).timeline.map((e) => e.kind);
}

describe("CRITICAL: no approval step", () => {
  it("an on-call engineer's request is approved at once and the incident starts rolling back", async () => {
    const oncall = await userCtx("oncall");
    const inc = await declare(oncall, "CRITICAL");
    expect(inc.severity).toBe("CRITICAL");
    const r = await requestRollback({ ctx: oncall, input: rollbackInput(inc.key, { scope: "full_system" }) });
    expect(r.status).toBe("approved");

    const req = await requestRow(r.id);
    expect(req).toMatchObject({ status: "approved", gate: "none", approverRoles: [], severity: "CRITICAL", expiresAt: null, nextEscalationAt: null, requesterRole: "oncall" });
    expect(req.decidedAt).toBeInstanceOf(Date);
    expect(req.policyVersion).toBe(activePolicy().version);

    const stored = await incidentRow(inc.key);
    expect(stored.status).toBe("rolling_back");
    expect(stored.decidedAt).toBeInstanceOf(Date);
    expect(stored.rollbackStartedAt).toBeInstanceOf(Date);
    const kinds = stored.timeline.map((e) => e.kind);
    expect(kinds).toContain("rollback_requested");
    expect(kinds).toContain("rollback_approved");
    expect(kinds.indexOf("rollback_requested")).toBeLessThan(kinds.indexOf("rollback_approved"));
    expect(kinds.filter((k) => k === "status_changed")).toHaveLength(1);

    // The run started in the same transaction with exactly the record's parameters: "roll back to"
    // filled the runbook's one version parameter.
    const run = await db.run.findUniqueOrThrow({ where: { requestId: r.id } });
    expect(run).toMatchObject({ mode: "live", runbookName: "checkout-rollback", params: { version: "v2.13.4" }, status: "running" });
    expect(req.params).toEqual({ version: "v2.13.4" });
    const audit = await db.auditEvent.findMany({ where: { targetId: inc.key, action: { in: ["rollback.request", "rollback.approve_open_gate", "run.start", "incident.status"] } }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["rollback.request", "rollback.approve_open_gate", "run.start", "incident.status"]);
    for (const a of audit.slice(0, 2)) {
      expect(a).toMatchObject({ actorType: "user", actorId: oncall.actor.id, actorRole: "oncall", ip: "203.0.113.9" });
      expect(a.after).toMatchObject({ requestId: r.id, policyVersion: activePolicy().version, severity: "CRITICAL", gate: "none" });
    }
  });
});

describe("MEDIUM: a team lead approves, nobody else", () => {
  it("an on-call request waits for a team lead; four eyes, wrong roles and viewers are refused", async () => {
    const oncall = await userCtx("oncall");
    const inc = await declare(oncall, "MEDIUM");
    const before = Date.now();
    const r = await requestRollback({ ctx: oncall, input: rollbackInput(inc.key) });
    expect(r.status).toBe("pending");
    const req = await requestRow(r.id);
    expect(req).toMatchObject({ status: "pending", gate: "role", approverRoles: ["teamlead"], quorum: 1, selfApproval: false, escalationLevel: 0 });
    // expiresMinutes 60 in the policy
    expect(req.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + 60 * 60_000 - 1000);
    expect(req.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 60 * 60_000 + 1000);
    expect((await incidentRow(inc.key)).status).toBe("detected");

    const own = await appError(decideRequest({ ctx: oncall, input: { requestId: r.id, decision: "approve" } }));
    expect(own.code).toBe("FORBIDDEN");
    const otherOncall = await appError(decideRequest({ ctx: await userCtx("oncall"), input: { requestId: r.id, decision: "approve" } }));
    expect(otherOncall.code).toBe("FORBIDDEN");
    expect(otherOncall.message).toMatch(/Only teamlead may decide/);
    const po = await appError(decideRequest({ ctx: await userCtx("productowner"), input: { requestId: r.id, decision: "approve" } }));
    expect(po.code).toBe("FORBIDDEN");
    const viewerDecide = await appError(decideRequest({ ctx: await userCtx("viewer"), input: { requestId: r.id, decision: "approve" } }));
    expect(viewerDecide.code).toBe("FORBIDDEN");
    expect(await db.approvalVote.count({ where: { requestId: r.id } })).toBe(0);
    expect((await requestRow(r.id)).status).toBe("pending");

    const lead = await userCtx("teamlead");
    const ok = await decideRequest({ ctx: lead, input: { requestId: r.id, decision: "approve", comment: "Go" } });
    expect(ok.status).toBe("approved");
    const after = await requestRow(r.id);
    expect(after.status).toBe("approved");
    expect(after.decidedAt).toBeInstanceOf(Date);
    const stored = await incidentRow(inc.key);
    expect(stored.status).toBe("rolling_back");
    expect(stored.rollbackStartedAt).toBeInstanceOf(Date);
    const approved = stored.timeline.filter((e) => e.kind === "rollback_approved");
    expect(approved).toHaveLength(1);
    expect(approved[0]).toMatchObject({ actorId: lead.actor.id });
    expect(approved[0]!.payload).toMatchObject({ requestId: r.id, decision: "approve", final: true, role: "teamlead", comment: "Go" });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { targetId: inc.key, action: "rollback.approve" } });
    expect(audit).toMatchObject({ actorId: lead.actor.id, actorRole: "teamlead" });
  });

  it("a viewer cannot request a rollback", async () => {
    const inc = await declare(await userCtx("oncall"), "MEDIUM");
    const err = await appError(requestRollback({ ctx: await userCtx("viewer"), input: rollbackInput(inc.key) }));
    expect(err.code).toBe("FORBIDDEN");
    expect(await db.rollbackRequest.count({ where: { incident: { key: inc.key } } })).toBe(0);
  });

  it("a team lead who requested cannot approve their own request; another team lead can", async () => {
    const lead = await userCtx("teamlead");
    const r = await pendingRequest("MEDIUM", lead);
    expect(r.status).toBe("pending");
    const own = await appError(decideRequest({ ctx: lead, input: { requestId: r.id, decision: "approve" } }));
    expect(own.code).toBe("FORBIDDEN");
    expect(own.message).toMatch(/cannot decide your own request/);
    const ownReject = await appError(decideRequest({ ctx: lead, input: { requestId: r.id, decision: "reject", comment: "Not like this" } }));
    expect(ownReject.code).toBe("FORBIDDEN");
    expect((await requestRow(r.id)).status).toBe("pending");
    const other = await decideRequest({ ctx: await userCtx("teamlead"), input: { requestId: r.id, decision: "approve" } });
    expect(other.status).toBe("approved");
  });
});

describe("LOW: a product owner approves", () => {
  it("a team lead is refused; a product owner approves and the rollback starts", async () => {
    const r = await pendingRequest("LOW");
    const req = await requestRow(r.id);
    expect(req).toMatchObject({ status: "pending", approverRoles: ["productowner"], severity: "LOW" });
    expect(req.expiresAt!.getTime() - req.createdAt.getTime()).toBeGreaterThan(239 * 60_000);

    const lead = await appError(decideRequest({ ctx: await userCtx("teamlead"), input: { requestId: r.id, decision: "approve" } }));
    expect(lead.code).toBe("FORBIDDEN");
    expect(lead.message).toMatch(/Only productowner/);
    const ok = await decideRequest({ ctx: await userCtx("productowner"), input: { requestId: r.id, decision: "approve" } });
    expect(ok.status).toBe("approved");
    expect((await incidentRow(r.key)).status).toBe("rolling_back");
  });
});

describe("rejection", () => {
  it("one rejection decides; a later approval is a conflict and nothing starts", async () => {
    const r = await pendingRequest("MEDIUM");
    const bare = await appError(decideRequest({ ctx: await userCtx("teamlead"), input: { requestId: r.id, decision: "reject" } }));
    expect(bare.fieldErrors.comment?.[0]).toMatch(/Say why you reject/);
    expect((await requestRow(r.id)).status).toBe("pending");
    const rej = await decideRequest({ ctx: await userCtx("teamlead"), input: { requestId: r.id, decision: "reject", comment: "Fix forward instead" } });
    expect(rej.status).toBe("rejected");
    const late = await appError(decideRequest({ ctx: await userCtx("teamlead"), input: { requestId: r.id, decision: "approve" } }));
    expect(late.code).toBe("CONFLICT");
    expect(late.message).toMatch(/already rejected/);
    const bg = await appError(breakGlass({ ctx: await userCtx("oncall"), input: { requestId: r.id, justification: "Customers are down, cannot wait for anyone" } }));
    expect(bg.code).toBe("CONFLICT");

    expect((await requestRow(r.id)).status).toBe("rejected");
    const stored = await incidentRow(r.key);
    expect(stored.status).toBe("detected");
    expect(stored.rollbackStartedAt).toBeNull();
    const rejected = stored.timeline.filter((e) => e.kind === "rollback_rejected");
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.payload).toMatchObject({ final: true, comment: "Fix forward instead" });
    expect(stored.timeline.filter((e) => e.kind === "rollback_approved")).toHaveLength(0);

    // A rejected request no longer blocks a new one.
    const again = await requestRollback({ ctx: r.requester, input: rollbackInput(r.key) });
    expect(again.status).toBe("pending");
    expect(again.id).not.toBe(r.id);
  });
});

// Derived from lib/auth/permissions.ts (rollback.request / rollback.decide / rollback.breakglass)
// and policy/default.yaml (initiators oncall, teamlead, admin for every severity; MEDIUM approver
// teamlead, LOW approver productowner; CRITICAL needs no decision). Deciding is tried by someone
// other than the requester; admin only decides after escalation level 2 (see the sweep tests).
type Gate = "request CRITICAL" | "request MEDIUM" | "request LOW" | "decide MEDIUM" | "decide LOW" | "break glass";
const ALLOWED = true;
const REFUSED = false;
const TABLE: Record<RoleName, Record<Gate, boolean>> = {
  //              request CRITICAL        request MEDIUM        request LOW        decide MEDIUM        decide LOW        break glass
  viewer:       { "request CRITICAL": REFUSED, "request MEDIUM": REFUSED, "request LOW": REFUSED, "decide MEDIUM": REFUSED, "decide LOW": REFUSED, "break glass": REFUSED },
  oncall:       { "request CRITICAL": ALLOWED, "request MEDIUM": ALLOWED, "request LOW": ALLOWED, "decide MEDIUM": REFUSED, "decide LOW": REFUSED, "break glass": ALLOWED },
  teamlead:     { "request CRITICAL": ALLOWED, "request MEDIUM": ALLOWED, "request LOW": ALLOWED, "decide MEDIUM": ALLOWED, "decide LOW": REFUSED, "break glass": ALLOWED },
  productowner: { "request CRITICAL": REFUSED, "request MEDIUM": REFUSED, "request LOW": REFUSED, "decide MEDIUM": REFUSED, "decide LOW": ALLOWED, "break glass": REFUSED },
  admin:        { "request CRITICAL": ALLOWED, "request MEDIUM": ALLOWED, "request LOW": ALLOWED, "decide MEDIUM": REFUSED, "decide LOW": REFUSED, "break glass": ALLOWED },
};
const CELLS = (Object.keys(TABLE) as RoleName[]).flatMap((role) => (Object.keys(TABLE[role]) as Gate[]).map((gate) => ({ role, gate, allowed: TABLE[role][gate] })));

describe("every role × every gate action", () => {
  it.each(CELLS)("$role / $gate → allowed: $allowed", async ({ role, gate, allowed }) => {
    const actor = await userCtx(role);
    const [verb, sev] = gate.split(" ") as ["request" | "decide" | "break", Gated | "glass"];
    let run: () => Promise<{ status: string }>;
    let expectStatus: string;
    let requestId: string | null = null;
    let key: string;
    if (verb === "request") {
      key = (await declare(await userCtx("oncall"), sev as Gated)).key;
      run = () => requestRollback({ ctx: actor, input: rollbackInput(key) });
      expectStatus = sev === "CRITICAL" ? "approved" : "pending";
    } else if (verb === "decide") {
      const r = await pendingRequest(sev as Gated);
      ({ key } = r);
      requestId = r.id;
      run = () => decideRequest({ ctx: actor, input: { requestId: r.id, decision: "approve" } });
      expectStatus = "approved";
    } else {
      const r = await pendingRequest("MEDIUM");
      ({ key } = r);
      requestId = r.id;
      run = () => breakGlass({ ctx: actor, input: { requestId: r.id, justification: "Checkout is down for everyone; no lead reachable." } });
      expectStatus = "overridden";
    }
    if (allowed) {
      const out = await run();
      expect(out.status).toBe(expectStatus);
      if (requestId) expect((await requestRow(requestId)).status).toBe(expectStatus);
    } else {
      const err = await appError(run());
      expect(err.code).toBe("FORBIDDEN");
      if (requestId) expect((await requestRow(requestId)).status).toBe("pending");
      else expect(await db.rollbackRequest.count({ where: { incident: { key } } })).toBe(0);
    }
  });
});

describe("concurrency", () => {
  it("20 team leads approving one MEDIUM request at once: exactly one decides, the rest get CONFLICT", async () => {
    const r = await pendingRequest("MEDIUM");
    const leads = await Promise.all(Array.from({ length: 20 }, () => userCtx("teamlead")));
    const results = await Promise.allSettled(leads.map((ctx) => decideRequest({ ctx, input: { requestId: r.id, decision: "approve" } })));
    const ok = results.filter((x) => x.status === "fulfilled");
    const failed = results.filter((x): x is PromiseRejectedResult => x.status === "rejected");
    expect(ok).toHaveLength(1);
    expect((ok[0] as PromiseFulfilledResult<{ status: string }>).value.status).toBe("approved");
    expect(failed.map((f) => (f.reason instanceof AppError ? f.reason.code : String(f.reason)))).toEqual(Array(19).fill("CONFLICT"));

    expect((await requestRow(r.id)).status).toBe("approved");
    expect(await db.approvalVote.count({ where: { requestId: r.id } })).toBe(1);
    const stored = await incidentRow(r.key);
    const approved = stored.timeline.filter((e) => e.kind === "rollback_approved");
    expect(approved).toHaveLength(1);
    expect(approved[0]!.payload).toMatchObject({ final: true });
    expect(stored.timeline.filter((e) => e.kind === "status_changed")).toHaveLength(1);
    expect(stored.status).toBe("rolling_back");
  });

  it("20 concurrent requests with the same idempotency key create exactly one request", async () => {
    const oncall = await userCtx("oncall");
    const inc = await declare(oncall, "MEDIUM");
    const input = rollbackInput(inc.key);
    const results = await Promise.all(Array.from({ length: 20 }, () => requestRollback({ ctx: oncall, input })));
    expect(new Set(results.map((x) => x.id)).size).toBe(1);
    expect(results.every((x) => x.status === "pending")).toBe(true);
    expect(await db.rollbackRequest.count({ where: { incident: { key: inc.key } } })).toBe(1);
    expect((await timelineKinds(inc.key)).filter((k) => k === "rollback_requested")).toHaveLength(1);
  });

  it("20 concurrent requests with different keys on one incident: one pending request, the rest CONFLICT", async () => {
    const inc = await declare(await userCtx("oncall"), "MEDIUM");
    const people = await Promise.all(Array.from({ length: 20 }, (_, i) => userCtx(i % 2 ? "oncall" : "teamlead")));
    const results = await Promise.allSettled(people.map((ctx) => requestRollback({ ctx, input: rollbackInput(inc.key) })));
    const ok = results.filter((x) => x.status === "fulfilled");
    const failed = results.filter((x): x is PromiseRejectedResult => x.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(failed.map((f) => (f.reason instanceof AppError ? f.reason.code : String(f.reason)))).toEqual(Array(19).fill("CONFLICT"));
    expect(await db.rollbackRequest.count({ where: { incident: { key: inc.key } } })).toBe(1);
    expect(await db.rollbackRequest.count({ where: { incident: { key: inc.key }, status: "pending" } })).toBe(1);
  });

  it("leaves the audit chain intact after all of that", async () => {
    const chain = await verifyAuditChain(db);
    expect(chain).toEqual({ ok: true, checked: await db.auditEvent.count() });
  });
});

describe("break-glass", () => {
  it("an on-call engineer overrides a pending MEDIUM gate: overridden, flagged for review, rolling back", async () => {
    const r = await pendingRequest("MEDIUM");
    const oncall = await userCtx("oncall");

    const short = await appError(breakGlass({ ctx: oncall, input: { requestId: r.id, justification: "urgent" } }));
    expect(short.code).toBe("VALIDATION");
    expect(Object.keys(short.fieldErrors)).toEqual(["justification"]);
    expect((await requestRow(r.id)).status).toBe("pending");
    expect((await incidentRow(r.key)).flaggedForReview).toBe(false);

    const justification = "Checkout is down for every customer and no team lead answers the phone.";
    const out = await breakGlass({ ctx: oncall, input: { requestId: r.id, justification } });
    expect(out.status).toBe("overridden");
    const req = await requestRow(r.id);
    expect(req).toMatchObject({ status: "overridden", breakGlassReason: justification });
    const stored = await incidentRow(r.key);
    expect(stored.flaggedForReview).toBe(true);
    expect(stored.status).toBe("rolling_back");
    const bg = stored.timeline.filter((e) => e.kind === "break_glass");
    expect(bg).toHaveLength(1);
    expect(bg[0]).toMatchObject({ actorId: oncall.actor.id });
    expect(bg[0]!.payload).toMatchObject({ requestId: r.id, justification, bypassed: ["teamlead"] });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { targetId: r.key, action: "rollback.break_glass" } });
    expect(audit.after).toMatchObject({ status: "overridden", justification, flaggedForReview: true });

    const late = await appError(decideRequest({ ctx: await userCtx("teamlead"), input: { requestId: r.id, decision: "approve" } }));
    expect(late.code).toBe("CONFLICT");
  });
});

describe("expiry and escalation (sweepApprovals with a future now)", () => {
  it("escalates a MEDIUM request at +15 min and +30 min (admin may then decide), expires it after 60 min, and a second sweep changes nothing", async () => {
    const a = await pendingRequest("MEDIUM");
    const b = await pendingRequest("MEDIUM");
    const created = (await requestRow(b.id)).createdAt.getTime();
    const at = (min: number) => new Date(created + min * 60_000);

    await sweepApprovals(at(14));
    expect((await requestRow(a.id)).escalationLevel).toBe(0);
    expect((await requestRow(b.id)).escalationLevel).toBe(0);

    const first = await sweepApprovals(at(15.2));
    expect(first.escalated).toBeGreaterThanOrEqual(2);
    for (const r of [a, b]) {
      const row = await requestRow(r.id);
      expect(row).toMatchObject({ status: "pending", escalationLevel: 1, approverRoles: ["teamlead"] });
      const esc = (await incidentRow(r.key)).timeline.filter((e) => e.kind === "rollback_escalated");
      expect(esc).toHaveLength(1);
      expect(esc[0]).toMatchObject({ actorType: "system", actorLabel: "Rollcall" });
      expect(esc[0]!.payload).toMatchObject({ level: 1, to: "DevOps lead", approverRoles: ["teamlead"] });
    }
    // An admin may not decide yet.
    const early = await appError(decideRequest({ ctx: await userCtx("admin"), input: { requestId: a.id, decision: "approve" } }));
    expect(early.code).toBe("FORBIDDEN");
    expect(await sweepApprovals(at(15.2))).toEqual({ expired: 0, escalated: 0 });

    await sweepApprovals(at(30.2));
    for (const r of [a, b]) {
      const row = await requestRow(r.id);
      expect(row).toMatchObject({ status: "pending", escalationLevel: 2, nextEscalationAt: null });
      expect(row.approverRoles.sort()).toEqual(["admin", "teamlead"]);
      const esc = (await incidentRow(r.key)).timeline.filter((e) => e.kind === "rollback_escalated");
      expect(esc).toHaveLength(2);
      expect(esc[1]!.payload).toMatchObject({ level: 2, to: "CTO" });
    }
    const audit = await db.auditEvent.findMany({ where: { targetId: a.key, action: "rollback.escalate" } });
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ actorType: "system", actorRole: null });

    // Level 2 names the CTO: an admin may now approve.
    const admin = await userCtx("admin");
    expect((await decideRequest({ ctx: admin, input: { requestId: a.id, decision: "approve" } })).status).toBe("approved");
    expect((await incidentRow(a.key)).status).toBe("rolling_back");

    const beforeExpiry = await sweepApprovals(at(59));
    expect(beforeExpiry.expired).toBe(0);
    expect((await requestRow(b.id)).status).toBe("pending");

    const expiry = await sweepApprovals(at(60.5));
    expect(expiry.expired).toBeGreaterThanOrEqual(1);
    const bRow = await requestRow(b.id);
    expect(bRow.status).toBe("expired");
    expect(bRow.decidedAt!.getTime()).toBe(at(60.5).getTime());
    expect((await requestRow(a.id)).status).toBe("approved");
    const bTimeline = await incidentRow(b.key);
    expect(bTimeline.timeline.filter((e) => e.kind === "rollback_expired")).toHaveLength(1);
    expect(bTimeline.status).toBe("detected");

    const timelineCount = await db.timelineEvent.count();
    const auditCount = await db.auditEvent.count();
    expect(await sweepApprovals(at(60.5))).toEqual({ expired: 0, escalated: 0 });
    expect(await sweepApprovals(at(120))).toEqual({ expired: 0, escalated: 0 });
    expect(await db.timelineEvent.count()).toBe(timelineCount);
    expect(await db.auditEvent.count()).toBe(auditCount);
  });

  it("an expired request cannot be decided even before the sweeper ran", async () => {
    const r = await pendingRequest("MEDIUM");
    await db.rollbackRequest.update({ where: { id: r.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const err = await appError(decideRequest({ ctx: await userCtx("teamlead"), input: { requestId: r.id, decision: "approve" } }));
    expect(err.code).toBe("CONFLICT");
    expect(err.message).toMatch(/expired/);
  });
});

describe("severity override at declaration", () => {
  it("refuses a severity other than the matrix's without a reason, records it with one, and the gate follows the chosen severity", async () => {
    const oncall = await userCtx("oncall");
    const before = await db.incident.count();
    const err = await appError(declare(oncall, "LOW", { severity: "HIGH" }));
    expect(err.code).toBe("VALIDATION");
    expect(Object.keys(err.fieldErrors)).toEqual(["severityReason"]);
    expect(err.fieldErrors.severityReason!.join(" ")).toMatch(/recommends LOW/);
    expect(await db.incident.count()).toBe(before);

    const reason = "Checkout button hidden for every mobile user";
    const inc = await declare(oncall, "LOW", { severity: "HIGH", severityReason: reason });
    expect(inc.severity).toBe("HIGH");
    const stored = await incidentRow(inc.key);
    expect(stored.severityOverride).toBe(reason);
    const decision = stored.decision as { severity: string; recommendedSeverity: string; approval: { mode: string }; responseMinutes: number };
    expect(decision).toMatchObject({ severity: "HIGH", recommendedSeverity: "LOW", approval: { mode: "none" }, responseMinutes: 10 });
    const ov = stored.timeline.filter((e) => e.kind === "severity_override");
    expect(ov).toHaveLength(1);
    expect(ov[0]!.payload).toMatchObject({ recommended: "LOW", chosen: "HIGH", reason });

    // HIGH needs no approval, whatever the trigger recommended.
    const r = await requestRollback({ ctx: oncall, input: rollbackInput(inc.key, { scope: "frontend" }) });
    expect(r.status).toBe("approved");
    expect((await incidentRow(inc.key)).status).toBe("rolling_back");
  });

  it("the matrix's own severity needs no reason", async () => {
    const inc = await declare(await userCtx("oncall"), "LOW");
    const stored = await incidentRow(inc.key);
    expect(stored.severityOverride).toBeNull();
    expect(stored.timeline.map((e) => e.kind)).not.toContain("severity_override");
  });
});

describe("policy registry", () => {
  let dir: string;
  afterAll(() => {
    setEnv("POLICY_FILE", DEFAULT_POLICY);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the last good policy on a broken edit, names file:line, and takes the fixed file", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "rollcall-policy-"));
    const file = path.join(dir, "policy.yaml");
    const good = readFileSync(DEFAULT_POLICY, "utf8");
    writeFileSync(file, good);
    utimesSync(file, new Date(1_000_000), new Date(1_000_000));
    setEnv("POLICY_FILE", file);

    const first = policyState();
    expect(first.errors).toEqual([]);
    expect(first.file).toBe(file);
    expect(first.active).not.toBeNull();
    const goodVersion = first.active!.version;
    expect(goodVersion).toBe(activePolicy().version);

    // CRITICAL's responseMinutes: 5 -> -1
    const lines = good.split("\n");
    const lineNo = lines.findIndex((l) => /^\s+responseMinutes: 5$/.test(l)) + 1;
    expect(lineNo).toBeGreaterThan(0);
    lines[lineNo - 1] = lines[lineNo - 1]!.replace("5", "-1");
    writeFileSync(file, lines.join("\n"));
    utimesSync(file, new Date(2_000_000), new Date(2_000_000));

    const broken = policyState();
    expect(broken.active?.version).toBe(goodVersion);
    expect(broken.errors.length).toBeGreaterThan(0);
    expect(broken.errors[0]).toMatchObject({ line: lineNo, path: "severities.0.responseMinutes" });
    expect(broken.errors[0]!.file.endsWith("policy.yaml")).toBe(true);
    // The verbs keep working on the last good version.
    expect(activePolicy().version).toBe(goodVersion);

    const fixed = good.replace("description: Severity and trigger", "description: Edited. Severity and trigger");
    writeFileSync(file, fixed);
    utimesSync(file, new Date(3_000_000), new Date(3_000_000));
    const after = policyState();
    expect(after.errors).toEqual([]);
    expect(after.active!.version).not.toBe(goodVersion);
    expect(after.active!.policy.description).toMatch(/^Edited\./);
    expect(activePolicy().version).toBe(after.active!.version);

    // The version is recorded (asynchronously) for the audit trail.
    await expect.poll(() => db.policyVersion.count({ where: { version: after.active!.version } })).toBe(1);
  });

  it("a policy may leave the start to a person: approval then starts nothing, and Start runs exactly what was approved", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "rollcall-policy-")), "policy.yaml");
    const text = readFileSync(DEFAULT_POLICY, "utf8").replace("approval: { mode: role, roles: [teamlead], selfApproval: false, expiresMinutes: 60 }", "approval: { mode: role, roles: [teamlead], selfApproval: false, expiresMinutes: 60, start: requester }");
    expect(text).toContain("start: requester");
    writeFileSync(file, text);
    setEnv("POLICY_FILE", file);
    try {
      const r = await pendingRequest("MEDIUM");
      expect((await requestRow(r.id)).autoStart).toBe(false);
      await decideRequest({ ctx: await userCtx("teamlead"), input: { requestId: r.id, decision: "approve" } });
      expect(await db.run.count({ where: { requestId: r.id } })).toBe(0);
      expect((await incidentRow(r.key)).status).toBe("detected");
      // A viewer cannot press Start; the requester can, and the run has the pinned parameters.
      expect((await appError(startApprovedRollback({ ctx: await userCtx("viewer"), input: { requestId: r.id } }))).code).toBe("FORBIDDEN");
      await startApprovedRollback({ ctx: r.requester, input: { requestId: r.id } });
      const run = await db.run.findUniqueOrThrow({ where: { requestId: r.id } });
      expect(run.params).toEqual((await requestRow(r.id)).params);
      expect((await incidentRow(r.key)).status).toBe("rolling_back");
    } finally {
      setEnv("POLICY_FILE", DEFAULT_POLICY);
    }
  });
});
