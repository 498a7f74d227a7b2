import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import type { Db } from "../db/client";
import { isAppError } from "../errors";
import { startTestServer, type Received, type TestServer } from "../executors/testing/http-server";
import { createChannel, listChannels } from "./channel-store";
import type { ChannelKind } from "./channels";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from "./channels/webhook";
import { BACKOFF_MS, MAX_ATTEMPTS, processDeliveries, queueMessage, type DeliveryOutcome } from "./deliver";
import { saveTemplate, currentTemplates } from "./template-store";

// Deliveries to real local receivers: an HTTP server standing in for Slack, Teams and a signed
// webhook (it checks the HMAC itself), and an SMTP server; then the failure paths.

const KEY = randomBytes(32).toString("base64");
const HOOK_SECRET = "hook-secret-9f8e7d6c5b4a";
const SLACK_TOKEN = "T0SECRET/B0SECRET/slacktoken77";
const HOSTILE = `Checkout <script>alert("x")</script> & "friends"`;

let db: Db;
let drop: () => Promise<void>;
let http: TestServer;
let smtp: SMTPServer;
let smtpPort: number;
let flakyDown = true;
const mails: { from: string; to: string[]; raw: string }[] = [];
const hmacChecks: { path: string; valid: boolean }[] = [];

function validSignature(r: Received): boolean {
  const header = String(r.headers[SIGNATURE_HEADER.toLowerCase()] ?? "");
  const expected = `sha256=${createHmac("sha256", HOOK_SECRET).update(r.body).digest("hex")}`;
  const stamp = Number(r.headers[TIMESTAMP_HEADER.toLowerCase()]);
  const signedStamp = (JSON.parse(r.body) as { timestamp: number }).timestamp;
  return header.length === expected.length && timingSafeEqual(Buffer.from(header), Buffer.from(expected)) && stamp === signedStamp && Math.abs(Date.now() / 1000 - stamp) < 300;
}

const decodeQuotedPrintable = (s: string) => s.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

async function closedPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((ok) => s.listen(0, "127.0.0.1", () => ok()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

async function channel(name: string, kind: ChannelKind, config: unknown) {
  return (await createChannel(db, { name, kind, config }, KEY)).id;
}

async function queue(channelIds: string[], body = HOSTILE, now = new Date()) {
  return queueMessage(db, { audience: "stakeholders", templateName: "emergency-notification", subject: "Rollback started INC-1", body, channelIds }, now);
}

const mine = (outcomes: DeliveryOutcome[], messageId: string) => outcomes.filter((o) => o.messageId === messageId);
const later = (t: Date, ms: number) => new Date(t.getTime() + ms);

beforeAll(async () => {
  ({ db, drop } = await freshDatabase("comms"));
  http = await startTestServer((r) => {
    if (r.url.startsWith("/hook")) {
      const valid = validSignature(r);
      hmacChecks.push({ path: r.url, valid });
      return valid ? { status: 204 } : { status: 401, body: "bad signature" };
    }
    if (r.url.startsWith("/flaky")) return flakyDown ? { status: 500, body: "upstream exploded" } : { status: 200, body: "ok" };
    return { status: 200, body: "ok" };
  });
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((t) => t.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
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

describe("channel secrets", () => {
  it("are stored encrypted and listed masked", async () => {
    await channel("ops-slack-secret", "slack", { webhookUrl: `${http.url}/slack/services/${SLACK_TOKEN}` });
    await channel("partner-hook-secret", "webhook", { url: `${http.url}/hook`, secret: HOOK_SECRET });
    await channel("mail-secret", "email", { smtpUrl: `smtp://rollcall:sm7p-passw0rd@127.0.0.1:${smtpPort}`, from: "rollcall@example.com", to: ["ops@example.com"] });
    const rows = await db.$queryRaw<unknown[]>`select * from "Channel" where "name" like '%-secret'`;
    expect(rows).toHaveLength(3);
    const stored = JSON.stringify(rows);
    for (const secret of [SLACK_TOKEN, "slacktoken77", HOOK_SECRET, "sm7p-passw0rd"]) expect(stored).not.toContain(secret);

    const shown = JSON.stringify(await listChannels(db, KEY));
    for (const secret of [SLACK_TOKEN, HOOK_SECRET, "sm7p-passw0rd"]) expect(shown).not.toContain(secret);
    expect(shown).toContain("mail-secret");
  });

  it("refuses an invalid config with the reason", async () => {
    const err: unknown = await createChannel(db, { name: "bad", kind: "webhook", config: { url: `${http.url}/hook`, secret: "short" } }, KEY).catch((e: unknown) => e);
    expect(isAppError(err) && err.fieldErrors.config?.join(" ")).toContain("at least 16");
  });
});

describe("delivery to local receivers", () => {
  it("delivers to Slack, Teams, a signed webhook and email, escaped for each", async () => {
    const ids = [
      await channel("slack", "slack", { webhookUrl: `${http.url}/slack/services/T1/B1/x` }),
      await channel("teams", "teams", { webhookUrl: `${http.url}/teams/webhookb2/x` }),
      await channel("hook", "webhook", { url: `${http.url}/hook/ok`, secret: HOOK_SECRET }),
      await channel("mail", "email", { smtpUrl: `smtp://127.0.0.1:${smtpPort}`, from: "rollcall@example.com", to: ["ops@example.com", "cto@example.com"] }),
    ];
    const now = new Date();
    const { messageId } = await queue(ids, `${HOSTILE}\nSecond line`, now);
    const outcomes = mine(await processDeliveries(db, now, { key: KEY }), messageId);

    expect(outcomes.map((o) => [o.kind, o.status, o.attempt]).sort()).toEqual([
      ["email", "delivered", 1], ["slack", "delivered", 1], ["teams", "delivered", 1], ["webhook", "delivered", 1],
    ]);
    const slackReq = http.received.find((r) => r.url.startsWith("/slack/services/T1"))!;
    const slackBody = JSON.parse(slackReq.body) as { text: string };
    expect(slackBody.text).toBe('*Rollback started INC-1*\nCheckout &lt;script&gt;alert("x")&lt;/script&gt; &amp; "friends"\nSecond line');

    const teamsCard = JSON.parse(http.received.find((r) => r.url.startsWith("/teams"))!.body) as Record<string, string>;
    expect(teamsCard["@type"]).toBe("MessageCard");
    expect(teamsCard.text).toBe("Checkout &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;friends&quot;<br>Second line");

    expect(hmacChecks.filter((c) => c.path === "/hook/ok")).toEqual([{ path: "/hook/ok", valid: true }]);
    const hookBody = JSON.parse(http.received.find((r) => r.url === "/hook/ok")!.body) as Record<string, string>;
    expect(hookBody).toMatchObject({ type: "rollcall.message", messageId, subject: "Rollback started INC-1", body: `${HOSTILE}\nSecond line` });

    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.to).toEqual(["ops@example.com", "cto@example.com"]);
    expect(mail.raw).toMatch(/^Subject: Rollback started INC-1\r?$/m);
    const [plainPart, htmlPart] = decodeQuotedPrintable(mail.raw).split(/^Content-Type: text\/html.*$/m);
    expect(plainPart).toContain(`${HOSTILE}\r\nSecond line`);
    expect(htmlPart).toContain("Checkout &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;friends&quot;");
    expect(htmlPart).not.toContain("<script>");

    const rows = await db.delivery.findMany({ where: { messageId }, select: { status: true, attempts: true, deliveredAt: true, lastError: true } });
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r).toEqual({ status: "delivered", attempts: 1, deliveredAt: now, lastError: null });
  });

  it("a receiver returning 500 is retried with backoff, then delivered when it recovers", async () => {
    flakyDown = true;
    const id = await channel("flaky", "slack", { webhookUrl: `${http.url}/flaky` });
    const t0 = new Date();
    const { messageId } = await queue([id], "hello", t0);
    const hits = () => http.received.filter((r) => r.url === "/flaky").length;

    const [first] = mine(await processDeliveries(db, t0, { key: KEY }), messageId);
    expect(first).toMatchObject({ status: "failed", attempt: 1, responseStatus: 500, nextAttemptAt: later(t0, BACKOFF_MS[0]) });
    expect(first?.detail).toContain("upstream exploded");

    // Not due yet: nothing is sent.
    expect(mine(await processDeliveries(db, later(t0, BACKOFF_MS[0] - 1), { key: KEY }), messageId)).toEqual([]);
    expect(hits()).toBe(1);

    const t1 = later(t0, BACKOFF_MS[0]);
    const [second] = mine(await processDeliveries(db, t1, { key: KEY }), messageId);
    expect(second).toMatchObject({ status: "failed", attempt: 2, nextAttemptAt: later(t1, BACKOFF_MS[1]) });
    const row = await db.delivery.findFirstOrThrow({ where: { messageId }, select: { status: true, lastError: true } });
    expect(row).toEqual({ status: "failed", lastError: expect.stringContaining("HTTP 500") as string });

    flakyDown = false;
    const t2 = later(t1, BACKOFF_MS[1]);
    const [third] = mine(await processDeliveries(db, t2, { key: KEY }), messageId);
    expect(third).toMatchObject({ status: "delivered", attempt: 3, nextAttemptAt: null });
    expect(hits()).toBe(3);
    expect(await db.delivery.findFirstOrThrow({ where: { messageId }, select: { status: true, deliveredAt: true, attempts: true } })).toEqual({ status: "delivered", deliveredAt: t2, attempts: 3 });
  });

  it("SMTP down: failed, retried on schedule, then given up after the last attempt and visible", async () => {
    const port = await closedPort();
    const id = await channel("mail-down", "email", { smtpUrl: `smtp://127.0.0.1:${port}`, from: "rollcall@example.com", to: ["ops@example.com"] });
    let t = new Date();
    const { messageId } = await queue([id], "hello", t);
    const seen: string[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const [o] = mine(await processDeliveries(db, t, { key: KEY }), messageId);
      expect(o?.attempt).toBe(attempt);
      expect(o?.detail).toContain("ECONNREFUSED");
      seen.push(o!.status);
      if (attempt < MAX_ATTEMPTS) {
        expect(o?.nextAttemptAt).toEqual(later(t, BACKOFF_MS[attempt - 1]!));
        t = o!.nextAttemptAt!;
      }
    }
    expect(seen).toEqual(["failed", "failed", "failed", "failed", "given_up"]);
    expect(mine(await processDeliveries(db, later(t, 86_400_000), { key: KEY }), messageId)).toEqual([]);
    expect(await db.delivery.findFirstOrThrow({ where: { messageId }, select: { status: true, attempts: true, lastError: true, deliveredAt: true } })).toEqual({
      status: "given_up", attempts: MAX_ATTEMPTS, lastError: expect.stringContaining("ECONNREFUSED") as string, deliveredAt: null,
    });
  });

  it("a webhook signed with the wrong secret is rejected by the receiver and given up at once", async () => {
    const id = await channel("hook-wrong-secret", "webhook", { url: `${http.url}/hook/wrong`, secret: "not-the-receivers-secret" });
    const now = new Date();
    const { messageId } = await queue([id], "hello", now);
    const [o] = mine(await processDeliveries(db, now, { key: KEY }), messageId);
    expect(hmacChecks.filter((c) => c.path === "/hook/wrong")).toEqual([{ path: "/hook/wrong", valid: false }]);
    expect(o).toMatchObject({ status: "given_up", attempt: 1, responseStatus: 401 });
  });

  it("refuses a message too long for a channel, with the limit, before writing or sending anything", async () => {
    const slackId = await channel("slack-long", "slack", { webhookUrl: `${http.url}/slack/long` });
    const mailId = await channel("mail-long", "email", { smtpUrl: `smtp://127.0.0.1:${smtpPort}`, from: "rollcall@example.com", to: ["ops@example.com"] });
    const before = await db.message.count();
    const err: unknown = await queue([slackId, mailId], "x".repeat(40_001)).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe("VALIDATION");
    expect((err as Error).message).toContain("slack-long: Message too long for Slack incoming webhook");
    expect((err as Error).message).toContain("the limit is 40000");
    expect((err as Error).message).not.toContain("mail-long");
    expect(await db.message.count()).toBe(before);
    await processDeliveries(db, new Date(), { key: KEY });
    expect(http.received.filter((r) => r.url === "/slack/long")).toEqual([]);
  });

  it("queues inside the caller's transaction: a rollback leaves no message behind", async () => {
    const id = await channel("slack-tx", "slack", { webhookUrl: `${http.url}/slack/tx` });
    const before = await db.message.count();
    const err: unknown = await db
      .$transaction(async (tx) => {
        await queueMessage(tx, { audience: "internal", subject: "s", body: "b", channelIds: [id] });
        expect(await tx.message.count()).toBe(before + 1);
        throw new Error("caller failed after queueing");
      })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe("caller failed after queueing");
    expect(await db.message.count()).toBe(before);
  });

  it("two concurrent processors send each delivery once", async () => {
    const ids = await Promise.all(["a", "b", "c", "d", "e", "f"].map((n) => channel(`parallel-${n}`, "slack", { webhookUrl: `${http.url}/parallel/${n}` })));
    const now = new Date();
    const { messageId } = await queue(ids, "hello", now);
    const [a, b] = await Promise.all([processDeliveries(db, now, { key: KEY, batchSize: 4 }), processDeliveries(db, now, { key: KEY, batchSize: 4 })]);
    const both = [...mine(a, messageId), ...mine(b, messageId)];
    expect(both.filter((o) => o.status === "delivered")).toHaveLength(6);
    expect(new Set(both.map((o) => o.deliveryId)).size).toBe(6);
    expect(http.received.filter((r) => r.url.startsWith("/parallel/"))).toHaveLength(6);
  });

  it("a wrong COMMS_KEY gives up visibly instead of dropping the message", async () => {
    const id = await channel("slack-wrong-key", "slack", { webhookUrl: `${http.url}/slack/wrong-key` });
    const now = new Date();
    const { messageId } = await queue([id], "hello", now);
    const [o] = mine(await processDeliveries(db, now, { key: randomBytes(32) }), messageId);
    expect(o).toMatchObject({ status: "given_up", detail: expect.stringContaining("wrong COMMS_KEY") as string });
  });
});

describe("templates", () => {
  it("keeps every version and rejects template errors with the allowed names", async () => {
    const v1 = await saveTemplate(db, { name: "customer-notice", audience: "customers", subject: "Service disruption", body: "Back within {{ eta }}." });
    const v2 = await saveTemplate(db, { name: "customer-notice", audience: "customers", subject: "Service disruption", body: "Back within {{ eta }}, sorry." });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(await db.messageTemplate.count({ where: { name: "customer-notice" } })).toBe(2);

    const err: unknown = await saveTemplate(db, { name: "customer-notice", audience: "customers", subject: "x", body: "{{ customer }} {{ eta" }).catch((e: unknown) => e);
    expect(isAppError(err) && err.fieldErrors.body?.join(" ")).toMatch(/Unknown variable "customer"; allowed: key, title,.*never closed/);
    expect(await db.messageTemplate.count({ where: { name: "customer-notice" } })).toBe(2);

    const current = await currentTemplates(db);
    expect(current.find((t) => t.name === "customer-notice")).toMatchObject({ version: 2, body: "Back within {{ eta }}, sorry." });
    expect(current.find((t) => t.name === "emergency-notification")).toMatchObject({ version: null, audience: "stakeholders" });
  });
});
