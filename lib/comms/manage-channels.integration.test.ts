import { randomBytes, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { appError } from "../../test/app-error";
import { withAuditDown } from "../../test/audit-down";
import type { Db } from "../db/client";
import type { Ctx } from "../auth/actor";
import type { RoleName } from "../auth/permissions";
import { setEnv } from "../env";
import { startTestServer, type TestServer } from "../executors/testing/http-server";
import { verifyAuditChain } from "../audit/verify";
import { addChannel, deliverDue } from "./send-message";
import { listChannels } from "./channel-store";
import { decrypt } from "./crypto";
import { queueMessage } from "./deliver";
import { commsKey } from "./key";
import { CHANNEL_TEST_TRIGGER, deleteChannel, sendTestMessage, setChannelActive, updateChannel } from "./manage-channels";

// Channel management against a real PostgreSQL: test messages to a real local HTTP receiver
// (standing in for Slack) and a real SMTP server that checks the password it is given.

const SMTP_PASSWORD = "sm7p-Passw0rd-kept";
let db: Db;
let drop: () => Promise<void>;
let http: TestServer;
let smtp: SMTPServer;
let smtpPort: number;
const mails: { user: string; to: string[]; raw: string }[] = [];
const ctxs = {} as Record<RoleName, Ctx>;

beforeAll(async () => {
  ({ db, drop } = await freshDatabase("channels"));
  setEnv("COMMS_KEY", randomBytes(32).toString("base64"));
  (globalThis as { __rollcallCommsKey?: unknown }).__rollcallCommsKey = undefined;
  for (const role of ["viewer", "oncall", "teamlead", "productowner", "admin"] as const) {
    const u = await db.user.create({ data: { email: `${role}@channels.test`, name: `Person ${role}`, role } });
    ctxs[role] = { actor: { type: "user", id: u.id, email: u.email, name: u.name, role }, ip: "203.0.113.9" };
  }
  http = await startTestServer((r) => {
    if (r.url.includes("/fail/")) return { status: 500, body: "boom" };
    if (r.url.includes("/slow/")) return { status: 200, body: "late", delayMs: 3_000 };
    return { status: 200, body: "ok" };
  });
  smtp = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === "rollcall" && auth.password === SMTP_PASSWORD) return callback(null, { user: auth.username });
      return callback(new Error("Invalid username or password"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({ user: String(session.user), to: session.envelope.rcptTo.map((t) => t.address), raw: Buffer.concat(chunks).toString("utf8") });
        callback();
      });
    },
  });
  await new Promise<void>((ok) => smtp.listen(0, "127.0.0.1", () => ok()));
  smtpPort = (smtp.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await http?.close();
  await new Promise<void>((ok) => (smtp ? smtp.close(() => ok()) : ok()));
  await drop?.();
});

const short = () => randomUUID().slice(0, 8);
/** A Slack channel whose webhook URL ends in a secret token; `mode` picks how the receiver answers. */
async function slackChannel(mode: "ok" | "fail" | "slow" = "ok") {
  const token = `TOKEN${short()}SECRET`;
  const path = `/services/${mode}/${token}`;
  const ch = await addChannel({ ctx: ctxs.admin, input: { name: `#ops-${short()}`, kind: "slack", webhookUrl: `${http.url}${path}` } });
  return { ...ch, name: (await db.channel.findUniqueOrThrow({ where: { id: ch.id } })).name, token, path };
}
const hitsTo = (path: string) => http.received.filter((r) => r.url === path);
const storedConfig = async (id: string) => JSON.parse(decrypt((await db.channel.findUniqueOrThrow({ where: { id } })).configEncrypted, commsKey()!)) as Record<string, unknown>;
const audits = (targetId: string) => db.auditEvent.findMany({ where: { targetId }, orderBy: { id: "asc" }, select: { action: true, actorLabel: true, before: true, after: true } });
const testDeliveries = (channelName: string) =>
  db.delivery.findMany({ where: { channelName, message: { trigger: CHANNEL_TEST_TRIGGER } }, select: { status: true, lastError: true, channelId: true, deliveredAt: true, message: true } });
async function counts() {
  return { messages: await db.message.count(), deliveries: await db.delivery.count(), audit: await db.auditEvent.count(), channels: await db.channel.count() };
}

describe("a test message", () => {
  it("is delivered to the real receiver at once and recorded as a message, a delivery and an audit row; the loop never sends it again", async () => {
    const ch = await slackChannel();
    const r = await sendTestMessage({ ctx: ctxs.admin, input: { channelId: ch.id } });
    expect(r).toMatchObject({ ok: true, status: 200, kind: "slack", channelName: ch.name });

    const got = hitsTo(ch.path);
    expect(got).toHaveLength(1);
    const text = (JSON.parse(got[0]!.body) as { text: string }).text;
    expect(text).toContain(`Rollcall test message for ${ch.name}`);
    expect(text).toContain("sent by Person admin at");

    const [d, ...more] = await testDeliveries(ch.name);
    expect(more).toEqual([]);
    expect(d).toMatchObject({ status: "delivered", lastError: null, channelId: ch.id });
    expect(d!.deliveredAt).toBeInstanceOf(Date);
    expect(d!.message).toMatchObject({ incidentId: null, trigger: "channel_test", audience: "internal", subject: `Rollcall test message for ${ch.name}`, createdById: ctxs.admin.actor.type === "user" ? ctxs.admin.actor.id : "" });
    expect(d!.message.body).toMatch(/sent by Person admin at \d{4}-\d\d-\d\d \d\d:\d\d UTC/);

    expect(await audits(ch.id)).toEqual([
      expect.objectContaining({ action: "comms.channel_add" }),
      expect.objectContaining({ action: "comms.channel_test", actorLabel: "Person admin", after: expect.objectContaining({ name: ch.name, messageId: d!.message.id }) }),
    ]);
    // The first-run checklist's contract: a delivered Delivery whose message is a channel test.
    expect(await db.delivery.count({ where: { status: "delivered", message: { trigger: "channel_test" } } })).toBeGreaterThan(0);

    const view = (await listChannels(db, commsKey()!)).find((c) => c.id === ch.id)!;
    expect(view.lastTest).toMatchObject({ status: "delivered", error: null });

    await deliverDue(new Date(Date.now() + 30 * 60_000));
    expect(hitsTo(ch.path)).toHaveLength(1);
  });

  it("to a receiver answering 500 records the failure with its error, and is not retried", async () => {
    const ch = await slackChannel("fail");
    const r = await sendTestMessage({ ctx: ctxs.admin, input: { channelId: ch.id } });
    expect(r).toMatchObject({ ok: false, status: 500, detail: "HTTP 500: boom" });
    expect(await testDeliveries(ch.name)).toEqual([expect.objectContaining({ status: "given_up", lastError: "HTTP 500: boom", channelId: ch.id })]);
    const view = (await listChannels(db, commsKey()!)).find((c) => c.id === ch.id)!;
    expect(view.lastTest).toMatchObject({ status: "given_up", error: "HTTP 500: boom" });
    await deliverDue(new Date(Date.now() + 30 * 60_000));
    expect(hitsTo(ch.path)).toHaveLength(1);
  });

  it("gives up after its timeout and says so", async () => {
    const ch = await slackChannel("slow");
    const started = Date.now();
    const r = await sendTestMessage({ ctx: ctxs.admin, input: { channelId: ch.id } }, { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/timeout|aborted/i);
    expect(await testDeliveries(ch.name)).toEqual([expect.objectContaining({ status: "given_up", lastError: r.detail })]);
  });

  it("is refused for a disabled channel, with a clear message, and nothing is written or sent", async () => {
    const ch = await slackChannel();
    await setChannelActive({ ctx: ctxs.admin, input: { channelId: ch.id, active: "false" } });
    const before = await counts();
    const err = await appError(sendTestMessage({ ctx: ctxs.admin, input: { channelId: ch.id } }));
    expect(err.code).toBe("CONFLICT");
    expect(err.message).toBe(`“${ch.name}” is disabled: enable it before sending a test message.`);
    expect(await counts()).toEqual(before);
    expect(hitsTo(ch.path)).toHaveLength(0);
  });
});

describe("editing a channel", () => {
  it("renames it and keeps its secret when the field is left blank; a given secret replaces it; the audit never holds one", async () => {
    const ch = await slackChannel();
    const renamed = `#renamed-${short()}`;
    expect(await updateChannel({ ctx: ctxs.admin, input: { channelId: ch.id, name: renamed, webhookUrl: "" } })).toMatchObject({ name: renamed, changed: true });
    expect((await db.channel.findUniqueOrThrow({ where: { id: ch.id } })).name).toBe(renamed);
    expect(await storedConfig(ch.id)).toEqual({ webhookUrl: `${http.url}${ch.path}` });
    await sendTestMessage({ ctx: ctxs.admin, input: { channelId: ch.id } });
    expect(hitsTo(ch.path)).toHaveLength(1);

    const newToken = `NEWTOKEN${short()}SECRET`;
    const newPath = `/services/ok/${newToken}`;
    await updateChannel({ ctx: ctxs.admin, input: { channelId: ch.id, name: renamed, webhookUrl: `${http.url}${newPath}` } });
    expect(await storedConfig(ch.id)).toEqual({ webhookUrl: `${http.url}${newPath}` });
    await sendTestMessage({ ctx: ctxs.admin, input: { channelId: ch.id } });
    expect(hitsTo(newPath)).toHaveLength(1);
    expect(hitsTo(ch.path)).toHaveLength(1);

    const updates = (await audits(ch.id)).filter((a) => a.action === "comms.channel_update");
    expect(updates).toHaveLength(2);
    expect(updates[0]).toMatchObject({ before: { name: ch.name, kind: "slack" }, after: { name: renamed, secretsReplaced: [] } });
    expect(updates[1]).toMatchObject({ after: { secretsReplaced: ["webhookUrl"] } });
    const trail = JSON.stringify(await db.auditEvent.findMany({ select: { action: true, before: true, after: true } }));
    expect(trail).toContain("••••");
    for (const secret of [ch.token, newToken]) expect(trail).not.toContain(secret);
  });

  it("of a signed webhook keeps the signing secret when blank and replaces it when given", async () => {
    const secret = `whsec-${short()}-${short()}`;
    const hook = await addChannel({ ctx: ctxs.admin, input: { name: `hook-${short()}`, kind: "webhook", url: `${http.url}/hook/${short()}`, secret } });
    const name = (await db.channel.findUniqueOrThrow({ where: { id: hook.id } })).name;
    const url = (await storedConfig(hook.id)).url;
    await updateChannel({ ctx: ctxs.admin, input: { channelId: hook.id, name, url: "", secret: "" } });
    expect(await storedConfig(hook.id)).toEqual({ url, secret });
    const replaced = `whsec-new-${short()}-${short()}`;
    await updateChannel({ ctx: ctxs.admin, input: { channelId: hook.id, name, url: "", secret: replaced } });
    expect(await storedConfig(hook.id)).toEqual({ url, secret: replaced });
    const trail = JSON.stringify(await audits(hook.id));
    expect(trail).not.toContain(secret);
    expect(trail).not.toContain(replaced);
  });

  it("of an email channel keeps the SMTP password when blank: the test message still signs in and reaches the new recipients", async () => {
    const mail = await addChannel({
      ctx: ctxs.admin,
      input: { name: `mail-${short()}`, kind: "email", smtpUrl: `smtp://rollcall:${SMTP_PASSWORD}@127.0.0.1:${smtpPort}`, from: "rollcall@example.test", to: "ops@example.test" },
    });
    const name = (await db.channel.findUniqueOrThrow({ where: { id: mail.id } })).name;
    await updateChannel({ ctx: ctxs.admin, input: { channelId: mail.id, name, smtpUrl: "", from: "rollcall@example.test", to: "ops@example.test, cto@example.test" } });
    const r = await sendTestMessage({ ctx: ctxs.admin, input: { channelId: mail.id } });
    expect(r).toMatchObject({ ok: true, status: 250, kind: "email" });
    expect(mails.at(-1)).toMatchObject({ user: "rollcall", to: ["ops@example.test", "cto@example.test"] });
    expect(JSON.stringify(await audits(mail.id))).not.toContain(SMTP_PASSWORD);
  });

  it("refuses a change of kind, a name already taken and invalid settings, each on its field, changing nothing", async () => {
    const ch = await slackChannel();
    const other = await slackChannel();
    const before = await counts();
    const kind = await appError(updateChannel({ ctx: ctxs.admin, input: { channelId: ch.id, name: ch.name, kind: "teams" } }));
    expect(kind.fieldErrors.kind?.[0]).toContain("its kind cannot change");
    const taken = await appError(updateChannel({ ctx: ctxs.admin, input: { channelId: ch.id, name: other.name } }));
    expect(taken.fieldErrors.name).toEqual([`Another channel is already called “${other.name}”.`]);
    const bad = await appError(updateChannel({ ctx: ctxs.admin, input: { channelId: ch.id, name: ch.name, webhookUrl: "not a url" } }));
    expect(bad.fieldErrors.webhookUrl?.length).toBe(1);
    expect(await counts()).toEqual(before);
    expect((await db.channel.findUniqueOrThrow({ where: { id: ch.id } })).name).toBe(ch.name);
    expect(await storedConfig(ch.id)).toEqual({ webhookUrl: `${http.url}${ch.path}` });
  });
});

describe("disabling and enabling", () => {
  it("a disabled channel is refused for new messages and its waiting deliveries are given up; enabling it lets messages through again", async () => {
    const ch = await slackChannel();
    const queued = await queueMessage(db, { audience: "internal", subject: "Queued before disable", body: "Queued before the channel was disabled.", channelIds: [ch.id] });
    expect(await setChannelActive({ ctx: ctxs.admin, input: { channelId: ch.id, active: "false" } })).toMatchObject({ active: false, changed: true });
    expect((await db.channel.findUniqueOrThrow({ where: { id: ch.id } })).active).toBe(false);
    expect((await appError(queueMessage(db, { audience: "internal", subject: "After", body: "After it was disabled.", channelIds: [ch.id] }))).code).toBe("NOT_FOUND");

    const outcome = (await deliverDue(new Date())).find((o) => o.messageId === queued.messageId);
    expect(outcome).toMatchObject({ status: "given_up", detail: "Channel is inactive" });
    expect(hitsTo(ch.path)).toHaveLength(0);

    expect(await setChannelActive({ ctx: ctxs.admin, input: { channelId: ch.id, active: "true" } })).toMatchObject({ active: true, changed: true });
    expect((await sendTestMessage({ ctx: ctxs.admin, input: { channelId: ch.id } })).ok).toBe(true);
    expect(hitsTo(ch.path)).toHaveLength(1);
    expect((await audits(ch.id)).map((a) => a.action)).toEqual(["comms.channel_add", "comms.channel_disable", "comms.channel_enable", "comms.channel_test"]);

    // Enabling what is enabled changes nothing and writes nothing.
    const before = await counts();
    expect(await setChannelActive({ ctx: ctxs.admin, input: { channelId: ch.id, active: true } })).toMatchObject({ changed: false });
    expect(await counts()).toEqual(before);
  });
});

describe("deleting a channel", () => {
  it("needs its name typed; keeps the message history under its name, gives up waiting deliveries and unlinks contacts", async () => {
    const ch = await slackChannel();
    await sendTestMessage({ ctx: ctxs.admin, input: { channelId: ch.id } });
    const queued = await queueMessage(db, { audience: "internal", subject: "Waiting", body: "Waiting to be delivered.", channelIds: [ch.id] }, new Date(Date.now() + 60 * 60_000));
    const contact = await db.contact.create({ data: { name: "Dana", title: "DevOps Lead", channels: { create: [{ channelId: ch.id }] } } });

    const before = await counts();
    for (const confirmName of ["", "wrong", ch.name.toUpperCase()]) {
      const err = await appError(deleteChannel({ ctx: ctxs.admin, input: { channelId: ch.id, confirmName } }));
      expect(err.fieldErrors.confirmName).toEqual([`Type “${ch.name}” exactly to delete this channel.`]);
    }
    expect(await counts()).toEqual(before);

    expect(await deleteChannel({ ctx: ctxs.admin, input: { channelId: ch.id, confirmName: ` ${ch.name} ` } })).toEqual({ name: ch.name, deliveriesGivenUp: 1 });
    expect(await db.channel.findUnique({ where: { id: ch.id } })).toBeNull();
    expect(await testDeliveries(ch.name)).toEqual([expect.objectContaining({ status: "delivered", channelId: null })]);
    const waiting = await db.delivery.findFirstOrThrow({ where: { messageId: queued.messageId } });
    expect(waiting).toMatchObject({ status: "given_up", lastError: "Channel was deleted", channelId: null, channelName: ch.name });
    expect(await db.contact.findUniqueOrThrow({ where: { id: contact.id }, select: { name: true, channels: true } })).toEqual({ name: "Dana", channels: [] });

    const del = (await audits(ch.id)).at(-1)!;
    expect(del).toMatchObject({ action: "comms.channel_delete", before: { name: ch.name, kind: "slack", config: { webhookUrl: expect.stringContaining("••••") } }, after: { deliveriesGivenUp: 1 } });
    expect(JSON.stringify(del)).not.toContain(ch.token);
    // Nothing is sent for the deleted channel later.
    await deliverDue(new Date(Date.now() + 2 * 60 * 60_000));
    expect(hitsTo(ch.path)).toHaveLength(1);
  });
});

describe("who may manage channels", () => {
  it("every verb is refused for viewer, on-call, team lead and product owner, and writes nothing", async () => {
    const ch = await slackChannel();
    const before = await counts();
    for (const role of ["viewer", "oncall", "teamlead", "productowner"] as const) {
      const ctx = ctxs[role];
      const calls = [
        sendTestMessage({ ctx, input: { channelId: ch.id } }),
        updateChannel({ ctx, input: { channelId: ch.id, name: `#taken-over-${short()}`, webhookUrl: "http://127.0.0.1:9/evil" } }),
        setChannelActive({ ctx, input: { channelId: ch.id, active: "false" } }),
        deleteChannel({ ctx, input: { channelId: ch.id, confirmName: ch.name } }),
      ];
      for (const call of calls) expect((await appError(call)).code).toBe("FORBIDDEN");
    }
    expect(await counts()).toEqual(before);
    expect(await db.channel.findUniqueOrThrow({ where: { id: ch.id }, select: { name: true, active: true } })).toEqual({ name: ch.name, active: true });
    expect(await storedConfig(ch.id)).toEqual({ webhookUrl: `${http.url}${ch.path}` });
    expect(hitsTo(ch.path)).toHaveLength(0);
  });
});

describe("without its audit row", () => {
  it("no verb changes anything, and no test message is sent", async () => {
    const ch = await slackChannel();
    await queueMessage(db, { audience: "internal", subject: "Waiting", body: "Waiting to be delivered.", channelIds: [ch.id] }, new Date(Date.now() + 60 * 60_000));
    const before = await counts();
    await withAuditDown(db, async () => {
      await expect(sendTestMessage({ ctx: ctxs.admin, input: { channelId: ch.id } })).rejects.toThrow(/audit store unavailable/);
      await expect(updateChannel({ ctx: ctxs.admin, input: { channelId: ch.id, name: `#other-${short()}`, webhookUrl: `${http.url}/services/ok/other` } })).rejects.toThrow(/audit store unavailable/);
      await expect(setChannelActive({ ctx: ctxs.admin, input: { channelId: ch.id, active: "false" } })).rejects.toThrow(/audit store unavailable/);
      await expect(deleteChannel({ ctx: ctxs.admin, input: { channelId: ch.id, confirmName: ch.name } })).rejects.toThrow(/audit store unavailable/);
    });
    expect(await counts()).toEqual(before);
    expect(await db.channel.findUniqueOrThrow({ where: { id: ch.id }, select: { name: true, active: true } })).toEqual({ name: ch.name, active: true });
    expect(await storedConfig(ch.id)).toEqual({ webhookUrl: `${http.url}${ch.path}` });
    expect(await db.delivery.count({ where: { channelId: ch.id, status: "pending" } })).toBe(1);
    expect(hitsTo(ch.path)).toHaveLength(0);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });
});
