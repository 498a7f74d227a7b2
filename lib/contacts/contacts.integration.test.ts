import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { appError } from "../../test/app-error";
import type { Db } from "../db/client";
import type { Ctx } from "../auth/actor";
import type { RoleName } from "../auth/permissions";
import { setEnv } from "../env";
import { createIncident } from "../incidents/create-incident";
import { requestRollback } from "../approvals/request-rollback";
import { runbook, runbookDir } from "../runs/testing/harness";
import { sweepApprovals } from "../approvals/sweep";
import { addChannel, deliverDue } from "../comms/send-message";
import { SIGNATURE_HEADER } from "../comms/channels/webhook";
import { startTestServer, type TestServer } from "../executors/testing/http-server";
import { verifyAuditChain } from "../audit/verify";
import { createContact, deleteContact, updateContact } from "./manage-contacts";
import { escalationPath, saveEscalationPath } from "./escalation-path";

// Contacts and the escalation path against a real PostgreSQL, and escalations delivered to a
// real local HTTP receiver standing in for Slack and a signed webhook.

const HOOK_SECRET = "escalation-hook-secret-0123";
let db: Db;
let drop: () => Promise<void>;
let http: TestServer;
let serviceId: string;
const ctxs = {} as Record<RoleName, Ctx>;

beforeAll(async () => {
  setEnv("POLICY_FILE", "policy/default.yaml");
  runbookDir().write(runbook("login-rollback", [{ id: "one", title: "Roll back", executor: "shell", params: { argv: ["echo", "rolled back"] } }]));
  setEnv("NEXTAUTH_URL", "https://rollcall.example.test");
  ({ db, drop } = await freshDatabase("contacts"));
  setEnv("COMMS_KEY", randomBytes(32).toString("base64"));
  (globalThis as { __rollcallCommsKey?: unknown }).__rollcallCommsKey = undefined;
  for (const role of ["viewer", "oncall", "teamlead", "admin"] as const) {
    const u = await db.user.create({ data: { email: `${role}@contacts.test`, name: `Person ${role}`, role } });
    ctxs[role] = { actor: { type: "user", id: u.id, email: u.email, name: u.name, role }, ip: "203.0.113.7" };
  }
  serviceId = (await db.service.create({ data: { name: "Checkout", tier: "Critical", rtoMinutes: 5, rpoMinutes: 1, ownerTeam: "Payments" } })).id;
  http = await startTestServer(() => ({ status: 200, body: "ok" }));
});

afterAll(async () => {
  await http?.close();
  await drop?.();
});

const contactInput = (extra: Record<string, unknown> = {}) => ({ name: `Dana ${randomUUID().slice(0, 6)}`, title: "DevOps Lead", phone: "+1-555-0103", email: "devops@company.com", ...extra });

/** The form's field names: steps.<i>.<field>. */
function pathForm(baseVersion: number, steps: { afterMinutes: number | string; role: string; approverRole?: string; contactIds?: string[] }[]) {
  const out: Record<string, string | string[]> = { baseVersion: String(baseVersion) };
  steps.forEach((s, i) => {
    out[`steps.${i}.afterMinutes`] = String(s.afterMinutes);
    out[`steps.${i}.role`] = s.role;
    out[`steps.${i}.approverRole`] = s.approverRole ?? "";
    if (s.contactIds) out[`steps.${i}.contactIds`] = s.contactIds;
  });
  return out;
}

/** A MEDIUM incident (a team lead must approve) with a pending request by the on-call engineer. */
async function pendingMedium() {
  const inc = await createIncident({
    ctx: ctxs.oncall,
    input: { title: `Login slow ${randomUUID().slice(0, 6)}`, severity: "MEDIUM", triggerId: "performance_degradation", serviceIds: [serviceId] },
  });
  const r = await requestRollback({ ctx: ctxs.oncall, input: { key: inc.key, idempotencyKey: randomUUID(), scope: "application", target: "v2.13.4", runbook: "login-rollback", reason: "p95 went from 600 ms to 2.3 s" } });
  expect(r.status).toBe("pending");
  const row = await db.rollbackRequest.findUniqueOrThrow({ where: { id: r.id }, select: { createdAt: true } });
  return { key: inc.key, incidentId: inc.id, requestId: r.id, at: (min: number) => new Date(row.createdAt.getTime() + min * 60_000) };
}

const timeline = (incidentId: string) => db.timelineEvent.findMany({ where: { incidentId }, orderBy: { id: "asc" }, select: { kind: true, payload: true } });

describe("contacts", () => {
  it("only admins manage contacts; every change is audited and field errors name the field", async () => {
    for (const role of ["viewer", "oncall", "teamlead"] as const) {
      expect((await appError(createContact({ ctx: ctxs[role], input: contactInput() }))).code).toBe("FORBIDDEN");
    }
    const bad = await appError(createContact({ ctx: ctxs.admin, input: contactInput({ name: "", email: "not-an-email", phone: "call me" }) }));
    expect(bad.code).toBe("VALIDATION");
    expect(Object.keys(bad.fieldErrors).sort()).toEqual(["email", "name", "phone"]);
    expect(await db.contact.count()).toBe(0);

    const slack = await addChannel({ ctx: ctxs.admin, input: { name: "#devops", kind: "slack", webhookUrl: `${http.url}/slack/devops` } });
    const c = await createContact({ ctx: ctxs.admin, input: contactInput({ name: "Dana DevOps", userId: ctxs.teamlead.actor.type === "user" ? ctxs.teamlead.actor.id : "", channelIds: [slack.id] }) });
    const stored = await db.contact.findUniqueOrThrow({ where: { id: c.id }, select: { name: true, title: true, userId: true, channels: { select: { channelId: true } } } });
    expect(stored).toMatchObject({ name: "Dana DevOps", title: "DevOps Lead", channels: [{ channelId: slack.id }] });
    expect(stored.userId).not.toBeNull();

    const unknown = await appError(updateContact({ ctx: ctxs.admin, input: { ...contactInput(), contactId: c.id, channelIds: [randomUUID()] } }));
    expect(unknown.fieldErrors.channelIds).toEqual(["A chosen channel no longer exists; reload the page."]);
    await updateContact({ ctx: ctxs.admin, input: { contactId: c.id, name: "Dana DevOps", title: "DevOps Lead", phone: "+1-555-0199", channelIds: [] } });
    expect(await db.contactChannel.count({ where: { contactId: c.id } })).toBe(0);

    const audit = await db.auditEvent.findMany({ where: { targetType: "contact", targetId: c.id }, orderBy: { id: "asc" }, select: { action: true, actorRole: true, before: true, after: true } });
    expect(audit.map((a) => a.action)).toEqual(["contact.create", "contact.update"]);
    expect(audit[1]).toMatchObject({ actorRole: "admin", before: { phone: "+1-555-0103", channelIds: [slack.id] }, after: { phone: "+1-555-0199", channelIds: [] } });

    await deleteContact({ ctx: ctxs.admin, input: { contactId: c.id } });
    expect(await db.contact.count({ where: { id: c.id } })).toBe(0);
    expect(await db.auditEvent.count({ where: { action: "contact.delete", targetId: c.id } })).toBe(1);
  });
});

describe("the escalation path: the policy's until an admin saves one, then every saved version", () => {
  it("falls back to the policy, saves versions with audit, refuses bad paths and stale forms, and protects contacts on it", async () => {
    const fromPolicy = await escalationPath(db);
    expect(fromPolicy).toMatchObject({ source: "policy", version: 0 });
    expect(fromPolicy.steps.map((s) => [s.afterMinutes, s.role, s.approverRole ?? null])).toEqual([
      [0, "On-call engineer", null], [15, "DevOps lead", "teamlead"], [30, "CTO", "admin"],
    ]);

    expect((await appError(saveEscalationPath({ ctx: ctxs.teamlead, input: pathForm(0, [{ afterMinutes: 0, role: "On-call" }]) }))).code).toBe("FORBIDDEN");

    const bad = await appError(saveEscalationPath({ ctx: ctxs.admin, input: pathForm(0, [{ afterMinutes: 5, role: "On-call" }, { afterMinutes: 3, role: "" , approverRole: "root" }]) }));
    expect(bad.code).toBe("VALIDATION");
    expect(bad.fieldErrors).toMatchObject({
      "steps.0.afterMinutes": [expect.stringContaining("starts at 0") as string],
      "steps.1.afterMinutes": ["Must be later than step 1 (5 min)."],
      "steps.1.role": [expect.stringContaining("Name the step") as string],
      "steps.1.approverRole": ["Choose a role from the list."],
    });
    const ghost = await appError(saveEscalationPath({ ctx: ctxs.admin, input: pathForm(0, [{ afterMinutes: 0, role: "On-call", contactIds: [randomUUID()] }]) }));
    expect(Object.keys(ghost.fieldErrors)).toEqual(["steps.0.contactIds"]);
    expect(await db.escalationPathVersion.count()).toBe(0);

    const lead = await createContact({ ctx: ctxs.admin, input: contactInput({ name: "Lee Lead" }) });
    expect(await saveEscalationPath({ ctx: ctxs.admin, input: pathForm(0, [{ afterMinutes: 0, role: "On-call" }, { afterMinutes: 20, role: "DevOps lead", approverRole: "teamlead", contactIds: [lead.id] }]) })).toEqual({ version: 1 });
    const stale = await appError(saveEscalationPath({ ctx: ctxs.admin, input: pathForm(0, [{ afterMinutes: 0, role: "Someone else" }]) }));
    expect(stale.code).toBe("CONFLICT");
    expect(await saveEscalationPath({ ctx: ctxs.admin, input: pathForm(1, [{ afterMinutes: 0, role: "On-call" }, { afterMinutes: 25, role: "DevOps lead", approverRole: "teamlead", contactIds: [lead.id] }]) })).toEqual({ version: 2 });

    const now = await escalationPath(db);
    expect(now).toMatchObject({ source: "saved", version: 2, savedBy: "Person admin" });
    expect(now.steps[1]).toMatchObject({ afterMinutes: 25, contactIds: [lead.id] });
    expect(await db.escalationPathVersion.count()).toBe(2);
    const audit = await db.auditEvent.findMany({ where: { action: "escalation.save" }, orderBy: { id: "asc" }, select: { targetId: true, before: true, after: true } });
    expect(audit.map((a) => a.targetId)).toEqual(["1", "2"]);
    expect(audit[0]!.before).toMatchObject({ source: "policy", version: 0 });
    expect(audit[1]!.before).toMatchObject({ source: "saved", version: 1, steps: [{ role: "On-call" }, { afterMinutes: 20 }] });

    const inUse = await appError(deleteContact({ ctx: ctxs.admin, input: { contactId: lead.id } }));
    expect(inUse.code).toBe("CONFLICT");
    expect(inUse.message).toContain("Lee Lead is on the escalation path (step 2, DevOps lead)");
    expect(await db.contact.count({ where: { id: lead.id } })).toBe(1);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });
});

describe("escalations delivered through the step's contacts' channels", () => {
  it("queues a message with the escalation, delivers it to a real Slack and a signed webhook receiver, and shows it delivered on the timeline", async () => {
    const slack = await addChannel({ ctx: ctxs.admin, input: { name: "#escalations", kind: "slack", webhookUrl: `${http.url}/slack/escalations` } });
    const hook = await addChannel({ ctx: ctxs.admin, input: { name: "pager-hook", kind: "webhook", url: `${http.url}/hook/pager`, secret: HOOK_SECRET } });
    const devops = await createContact({ ctx: ctxs.admin, input: contactInput({ name: "Devi DevOps", channelIds: [slack.id, hook.id] }) });
    const cto = await createContact({ ctx: ctxs.admin, input: contactInput({ name: "Cara CTO", title: "CTO", channelIds: [] }) });
    const base = (await escalationPath(db)).version;
    await saveEscalationPath({
      ctx: ctxs.admin,
      input: pathForm(base, [
        { afterMinutes: 0, role: "On-call engineer" },
        { afterMinutes: 20, role: "DevOps lead", approverRole: "teamlead", contactIds: [devops.id] },
        { afterMinutes: 40, role: "CTO", approverRole: "admin", contactIds: [cto.id] },
      ]),
    });

    const r = await pendingMedium();
    // The saved path says 20 min, later than MEDIUM's 15 min target: nothing at 15 (the policy's time).
    expect(await sweepApprovals(r.at(15.5))).toEqual({ expired: 0, escalated: 0 });
    expect(await db.message.count({ where: { incidentId: r.incidentId } })).toBe(0);

    const t = r.at(20.5);
    expect((await sweepApprovals(t)).escalated).toBe(1);
    const message = await db.message.findFirstOrThrow({ where: { incidentId: r.incidentId }, select: { subject: true, body: true, audience: true, deliveries: { select: { status: true } } } });
    expect(message.audience).toBe("internal");
    expect(message.subject).toBe(`Escalated to DevOps lead: rollback approval waiting on ${r.key} (MEDIUM)`);
    expect(message.deliveries).toEqual([{ status: "pending" }, { status: "pending" }]);
    let events = await timeline(r.incidentId);
    const escalated = events.filter((e) => e.kind === "rollback_escalated");
    expect(escalated).toHaveLength(1);
    expect(escalated[0]!.payload).toMatchObject({ to: "DevOps lead", contact: "Devi DevOps (DevOps Lead)", notifiedVia: ["#escalations", "pager-hook"].sort(), undelivered: null });

    const outcomes = (await deliverDue(t)).filter((o) => o.incidentId === r.incidentId);
    expect(outcomes.map((o) => [o.channelName, o.status]).sort()).toEqual([["#escalations", "delivered"], ["pager-hook", "delivered"]]);

    const slackReq = http.received.find((x) => x.url === "/slack/escalations")!;
    const text = (JSON.parse(slackReq.body) as { text: string }).text;
    expect(text).toContain(`Escalated to DevOps lead: rollback approval waiting on ${r.key} (MEDIUM)`);
    expect(text).toContain("has a rollback request waiting for approval since");
    expect(text).toContain("(20 min ago)");
    expect(text).toContain("roll back application to v2.13.4, requested by Person oncall");
    expect(text).toContain("Who may decide now: Team lead.");
    expect(text).toContain("https://rollcall.example.test/approvals");

    const hookReq = http.received.find((x) => x.url === "/hook/pager")!;
    expect(hookReq.headers[SIGNATURE_HEADER.toLowerCase()]).toBe(`sha256=${createHmac("sha256", HOOK_SECRET).update(hookReq.body).digest("hex")}`);
    expect((JSON.parse(hookReq.body) as { body: string }).body).toContain("Escalated to: DevOps lead (step 2 of 3).");

    events = await timeline(r.incidentId);
    const delivered = events.filter((e) => e.kind === "message_delivery").map((e) => e.payload as { channel: string; status: string });
    expect(delivered.map((d) => [d.channel, d.status]).sort()).toEqual([["#escalations", "delivered"], ["pager-hook", "delivered"]]);

    // The CTO step has a contact but no channel: the timeline says it could not be delivered.
    expect((await sweepApprovals(r.at(40.5))).escalated).toBe(1);
    const toCto = (await timeline(r.incidentId)).filter((e) => e.kind === "rollback_escalated")[1]!;
    expect(toCto.payload).toMatchObject({ to: "CTO", contact: "Cara CTO (CTO)", notifiedVia: [], messageId: null, undelivered: "No channel is configured for Cara CTO (CTO); add one at /admin/contacts." });
    expect(await db.message.count({ where: { incidentId: r.incidentId } })).toBe(1);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "rollback.escalate", targetId: r.key }, orderBy: { id: "desc" }, select: { after: true } });
    expect(audit.after).toMatchObject({ escalationLevel: 2, undelivered: expect.stringContaining("No channel") as string });
  });

  it("a step without contacts (the policy's path) records that nobody could be reached, with the policy's text", async () => {
    await db.escalationPathVersion.deleteMany();
    expect((await escalationPath(db)).source).toBe("policy");
    const r = await pendingMedium();
    expect((await sweepApprovals(r.at(15.5))).escalated).toBe(1);
    const e = (await timeline(r.incidentId)).find((x) => x.kind === "rollback_escalated")!;
    expect(e.payload).toMatchObject({ to: "DevOps lead", notifiedVia: [], undelivered: expect.stringContaining("No contact is set for DevOps lead") as string });
    expect((e.payload as { undelivered: string }).undelivered).toContain("+1-555-0103 (devops@company.com)");
    expect(await db.message.count({ where: { incidentId: r.incidentId } })).toBe(0);
  });
});
