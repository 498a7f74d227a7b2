import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import type { Db } from "../db/client";
import { setEnv } from "../env";
import { RunEngine } from "../runs/engine";
import { startRun } from "../runs/start-run";
import { operateRun } from "../runs/operate";
import { ENGINE_TIMINGS, appError, declare, drillRun, expectRunbooksLoad, liveRun, runbook, runbookDir, service, until, userCtx, waitForRun, type UserCtx } from "../runs/testing/harness";
import { postPublicUpdate } from "../status/publish-status";
import { addChannel, deliverDue } from "./send-message";
import { discardDraft, incidentDrafts, sendDraft } from "./drafts";
import { myDueUpdates, remindDueUpdates } from "./reminders";

// Messages Rollcall prepares when a live rollback starts, completes or fails, sent in one click (or
// automatically when the severity's policy says so) to a real local Slack stand-in; and reminders
// when a stakeholder update is due.

let db: Db;
let drop: () => Promise<void>;
let engine: RunEngine;
let server: Server;
let hookUrl: string;
const received: { path: string; body: string }[] = [];
let serviceId: string;
let oncall: UserCtx;
let viewer: UserCtx;
let admin: UserCtx;
let slackId: string;

const sh = (id: string, script: string) => ({ id, title: `Step ${id}`, executor: "shell", params: { argv: ["sh", "-c", script] } });

function usePolicy(transform: (yaml: string) => string) {
  const dir = mkdtempSync(path.join(tmpdir(), "rollcall-policy-"));
  const file = path.join(dir, "policy.yaml");
  writeFileSync(file, transform(readFileSync("policy/default.yaml", "utf8")));
  setEnv("POLICY_FILE", file);
}

beforeAll(async () => {
  ({ db, drop } = await freshDatabase("drafts"));
  setEnv("POLICY_FILE", "policy/default.yaml");
  setEnv("COMMS_KEY", randomBytes(32).toString("base64"));
  (globalThis as { __rollcallCommsKey?: unknown }).__rollcallCommsKey = undefined;
  serviceId = (await service(db)).id;
  oncall = await userCtx(db, "oncall");
  viewer = await userCtx(db, "viewer");
  admin = await userCtx(db, "admin");
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/incident-slack`;
  slackId = (await addChannel({ ctx: admin, input: { name: "incident-slack", kind: "slack", webhookUrl: hookUrl } })).id;

  const rb = runbookDir();
  rb.write(runbook("quick-rollback", [sh("deploy", "echo deploying v1"), sh("check", "echo healthy")]));
  rb.write(runbook("breaks", [sh("deploy", "echo deploying; exit 4"), sh("never", "echo never")]));
  await expectRunbooksLoad(["quick-rollback", "breaks"]);
  engine = new RunEngine({ db, ...ENGINE_TIMINGS });
  await engine.start();
});

afterAll(async () => {
  await engine?.stop();
  server?.close();
  setEnv("POLICY_FILE", "policy/default.yaml");
  await drop?.();
});

const draftsOf = async (key: string) => {
  const inc = await db.incident.findUniqueOrThrow({ where: { key }, select: { id: true } });
  return db.message.findMany({ where: { incidentId: inc.id }, orderBy: { createdAt: "asc" }, select: { id: true, status: true, trigger: true, subject: true, body: true, sentAt: true, deliveries: { select: { status: true } } } });
};
const timelineKinds = async (key: string) =>
  (await db.incident.findUniqueOrThrow({ where: { key }, select: { timeline: { orderBy: { id: "asc" }, select: { kind: true, payload: true } } } })).timeline;

describe("drafts prepared by a live rollback (policy: drafts only)", () => {
  it("start and completion each prepare one draft from the incident, on the timeline and in the audit trail", async () => {
    const r = await liveRun(oncall, serviceId, "quick-rollback");
    await waitForRun(db, r.runId, ["succeeded"]);
    const msgs = await draftsOf(r.key);
    expect(msgs.map((m) => [m.trigger, m.status, m.deliveries.length])).toEqual([
      ["rollback_started", "draft", 0],
      ["rollback_completed", "draft", 0],
    ]);
    // Filled from the incident: the key is in the seed template's subject, no unfilled "{{".
    expect(msgs[0]!.subject).toContain(r.key);
    expect(msgs[1]!.body).toContain("PRODUCTION ROLLBACK COMPLETED");
    expect(msgs.map((m) => m.body).join("")).not.toContain("{{");
    const tl = await timelineKinds(r.key);
    expect(tl.filter((e) => e.kind === "message_draft").map((e) => (e.payload as { trigger: string }).trigger)).toEqual(["rollback_started", "rollback_completed"]);
    expect(await db.auditEvent.count({ where: { action: "comms.draft", targetId: r.key } })).toBe(2);
    expect((await incidentDrafts(r.key)).map((d) => d.label)).toEqual(["Rollback completed", "Rollback started"]);
  });

  it("a failing step of a live rollback prepares the 'rollback failed' draft once, even when retried and failing again", async () => {
    const r = await liveRun(oncall, serviceId, "breaks");
    const paused = await waitForRun(db, r.runId, ["paused"]);
    await operateRun({ ctx: oncall, input: { runId: r.runId, action: "retry", stepId: paused.steps[0]!.id } });
    await until("the retry to fail again", async () => (await db.stepRun.findFirst({ where: { runId: r.runId, index: 0, attempt: 2, status: "failed" } })) ?? null);
    const msgs = await draftsOf(r.key);
    expect(msgs.map((m) => m.trigger)).toEqual(["rollback_started", "rollback_failed"]);
    expect(msgs[1]!.subject).toContain("ROLLBACK FAILED");
  });

  it("dry runs and drills prepare nothing", async () => {
    const inc = await declare(oncall, serviceId);
    const dry = await startRun({ ctx: oncall, input: { key: inc.key, runbook: "quick-rollback", mode: "dry_run", params: {} } });
    await waitForRun(db, dry.runId, ["succeeded"]);
    const drill = await drillRun(oncall, inc.key, "quick-rollback");
    await waitForRun(db, drill.runId, ["succeeded"]);
    expect(await draftsOf(inc.key)).toEqual([]);
  });
});

describe("sending and discarding a draft", () => {
  it("one click sends the (edited) draft to a real Slack receiver; it leaves the drafts; a second send is refused", async () => {
    const r = await liveRun(oncall, serviceId, "quick-rollback");
    await waitForRun(db, r.runId, ["succeeded"]);
    const [started] = await draftsOf(r.key);
    const before = received.length;
    await sendDraft({ ctx: oncall, input: { key: r.key, messageId: started!.id, subject: started!.subject, body: `${started!.body}\r\nEdited by the commander.`, channelIds: [slackId] } });
    const sent = (await draftsOf(r.key)).find((m) => m.id === started!.id)!;
    expect(sent.status).toBe("queued");
    // A browser's CRLF is stored (and counted against limits) as the LF that is sent.
    expect(sent.body.endsWith("\nEdited by the commander.")).toBe(true);
    expect(sent.body).not.toContain("\r");
    expect(sent.sentAt).not.toBeNull();
    await deliverDue();
    const got = received.slice(before);
    expect(got).toHaveLength(1);
    expect(got[0]!.body).toContain("Edited by the commander.");
    expect(got[0]!.body).toContain(r.key);
    expect((await draftsOf(r.key)).find((m) => m.id === started!.id)!.deliveries).toEqual([{ status: "delivered" }]);
    const tl = await timelineKinds(r.key);
    expect(tl.some((e) => e.kind === "message_sent" && (e.payload as { trigger?: string }).trigger === "rollback_started")).toBe(true);
    expect(tl.some((e) => e.kind === "message_delivery" && (e.payload as { status: string }).status === "delivered")).toBe(true);
    expect((await appError(sendDraft({ ctx: oncall, input: { key: r.key, messageId: started!.id, subject: started!.subject, body: started!.body, channelIds: [slackId] } }))).code).toBe("CONFLICT");
    expect((await incidentDrafts(r.key)).map((d) => d.trigger)).toEqual(["rollback_completed"]);
  });

  it("a viewer may neither send nor discard; nothing changes", async () => {
    const r = await liveRun(oncall, serviceId, "quick-rollback");
    await waitForRun(db, r.runId, ["succeeded"]);
    const [d] = await draftsOf(r.key);
    expect((await appError(sendDraft({ ctx: viewer, input: { key: r.key, messageId: d!.id, subject: d!.subject, body: d!.body, channelIds: [slackId] } }))).code).toBe("FORBIDDEN");
    expect((await appError(discardDraft({ ctx: viewer, input: { key: r.key, messageId: d!.id } }))).code).toBe("FORBIDDEN");
    expect((await draftsOf(r.key)).map((m) => m.status)).toEqual(["draft", "draft"]);
  });

  it("too long for Slack: refused with the limit before anything is sent, the draft kept as it was", async () => {
    const r = await liveRun(oncall, serviceId, "quick-rollback");
    await waitForRun(db, r.runId, ["succeeded"]);
    const [d] = await draftsOf(r.key);
    const err = await appError(sendDraft({ ctx: oncall, input: { key: r.key, messageId: d!.id, subject: d!.subject, body: "x".repeat(50_000), channelIds: [slackId] } }));
    expect(err.code).toBe("VALIDATION");
    expect(err.message).toMatch(/incident-slack/);
    const after = (await draftsOf(r.key)).find((m) => m.id === d!.id)!;
    expect([after.status, after.body, after.deliveries.length]).toEqual(["draft", d!.body, 0]);
  });

  it("a discarded draft is kept for the record but can no longer be sent", async () => {
    const r = await liveRun(oncall, serviceId, "quick-rollback");
    await waitForRun(db, r.runId, ["succeeded"]);
    const [d] = await draftsOf(r.key);
    await discardDraft({ ctx: oncall, input: { key: r.key, messageId: d!.id } });
    expect((await draftsOf(r.key)).find((m) => m.id === d!.id)!.status).toBe("discarded");
    expect((await appError(sendDraft({ ctx: oncall, input: { key: r.key, messageId: d!.id, subject: d!.subject, body: d!.body, channelIds: [slackId] } }))).message).toMatch(/discarded/);
    expect(await db.auditEvent.count({ where: { action: "comms.discard_draft", targetId: r.key } })).toBe(1);
  });
});

describe("policy: a severity's messages go out without a click", () => {
  it("HIGH with autoSend to incident-slack: start and completion are sent and delivered, no drafts", async () => {
    usePolicy((y) => y.replace(/(- id: HIGH[\s\S]*?updateIntervalMinutes: 30)/, "$1\n    messages: { autoSend: true, channels: [incident-slack] }"));
    try {
      const before = received.length;
      const r = await liveRun(oncall, serviceId, "quick-rollback");
      await waitForRun(db, r.runId, ["succeeded"]);
      const msgs = await draftsOf(r.key);
      expect(msgs.map((m) => [m.trigger, m.status])).toEqual([["rollback_started", "queued"], ["rollback_completed", "queued"]]);
      await deliverDue();
      expect(received.slice(before).map((x) => x.path)).toEqual(["/hooks/incident-slack", "/hooks/incident-slack"]);
      const sentEvents = (await timelineKinds(r.key)).filter((e) => e.kind === "message_sent");
      expect(sentEvents.map((e) => (e.payload as { automatic?: boolean }).automatic)).toEqual([true, true]);
    } finally {
      setEnv("POLICY_FILE", "policy/default.yaml");
    }
  });

  it("autoSend naming a channel that does not exist keeps a draft and says why on the timeline", async () => {
    usePolicy((y) => y.replace(/(- id: HIGH[\s\S]*?updateIntervalMinutes: 30)/, "$1\n    messages: { autoSend: true, channels: [no-such-channel] }"));
    try {
      const r = await liveRun(oncall, serviceId, "quick-rollback");
      await waitForRun(db, r.runId, ["succeeded"]);
      expect((await draftsOf(r.key)).map((m) => m.status)).toEqual(["draft", "draft"]);
      const draftEvent = (await timelineKinds(r.key)).find((e) => e.kind === "message_draft")!;
      expect((draftEvent.payload as { notSent: string }).notSent).toMatch(/no active channel named “no-such-channel”/);
    } finally {
      setEnv("POLICY_FILE", "policy/default.yaml");
    }
  });
});

describe("update reminders", () => {
  it("once the cadence's update is due the commander is reminded once; a public update moves the next due time", async () => {
    const inc = await declare(oncall, serviceId, "CRITICAL");
    const row = await db.incident.findUniqueOrThrow({ where: { key: inc.key }, select: { detectedAt: true, decision: true } });
    expect((row.decision as { updateIntervalMinutes: number }).updateIntervalMinutes).toBe(15); // seed 000's CRITICAL cadence, via policy/default.yaml
    const early = new Date(row.detectedAt.getTime() + 14 * 60_000);
    expect((await remindDueUpdates(early)).filter((x) => x.incidentKey === inc.key)).toEqual([]);
    expect(await myDueUpdates(oncall.actor.id, early)).toEqual([]);

    const late = new Date(row.detectedAt.getTime() + 16 * 60_000);
    const first = (await remindDueUpdates(late)).filter((x) => x.incidentKey === inc.key);
    expect(first).toHaveLength(1);
    expect(first[0]!.userId).toBe(oncall.actor.id);
    expect((await remindDueUpdates(late)).filter((x) => x.incidentKey === inc.key)).toEqual([]);
    expect((await myDueUpdates(oncall.actor.id, late)).map((d) => d.key)).toContain(inc.key);
    expect((await myDueUpdates(viewer.actor.id, late)).map((d) => d.key)).not.toContain(inc.key);
    expect((await timelineKinds(inc.key)).filter((e) => e.kind === "update_reminder")).toHaveLength(1);

    await postPublicUpdate({ ctx: oncall, input: { key: inc.key, publicTitle: "Checkout errors", status: "investigating", body: "We are rolling back the checkout deploy." } });
    expect((await myDueUpdates(oncall.actor.id, new Date())).map((d) => d.key)).not.toContain(inc.key);
  });
});
