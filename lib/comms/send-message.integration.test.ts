import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import type { Db } from "../db/client";
import type { Ctx } from "../auth/actor";
import type { RoleName } from "../auth/permissions";
import { setEnv } from "../env";
import { isAppError } from "../errors";
import { createIncident } from "../incidents/create-incident";
import { addChannel, deliverDue, sendMessage } from "./send-message";
import { composerData } from "./composer-data";
import { listChannels } from "./channel-store";
import { commsKey } from "./key";

let db: Db;
let drop: () => Promise<void>;
let server: Server;
let url: string;
let failNext = 0;
const received: string[] = [];
const ctxs = {} as Record<RoleName, Ctx>;

beforeAll(async () => {
  ({ db, drop } = await freshDatabase("comms"));
  setEnv("COMMS_KEY", randomBytes(32).toString("base64"));
  (globalThis as { __rollcallCommsKey?: unknown }).__rollcallCommsKey = undefined;
  for (const role of ["viewer", "oncall", "admin"] as const) {
    const u = await db.user.create({ data: { email: `${role}@comms.test`, name: `Person ${role}`, role } });
    ctxs[role] = { actor: { type: "user", id: u.id, email: u.email, name: u.name, role } };
  }
  // A local stand-in for Slack: records what it received; answers 500 while failNext > 0.
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      if (failNext > 0) {
        failNext--;
        res.writeHead(500).end("boom");
        return;
      }
      received.push(body);
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/T000/B000/SECRETPART`;
});
afterAll(async () => {
  server.close();
  await drop();
});

describe("sending a message from an incident", () => {
  it("fills a seed template from the incident, delivers to a real receiver, retries a 500, and records every outcome on the timeline", async () => {
    const svc = await db.service.create({ data: { name: "Checkout", tier: "Critical", rtoMinutes: 5, rpoMinutes: 1, ownerTeam: "Pay" } });
    const inc = await createIncident({ ctx: ctxs.oncall, input: { title: "Checkout <down>", trigger: "manual", severity: "CRITICAL", serviceIds: [svc.id] } });
    const ch = await addChannel({ ctx: ctxs.admin, input: { name: "#incidents", kind: "slack", webhookUrl: url } });

    const view = await listChannels(db, commsKey()!);
    expect(JSON.stringify(view)).not.toContain("SECRETPART");
    expect(JSON.stringify(await db.channel.findMany())).not.toContain("SECRETPART");

    const data = await composerData(inc.key);
    const t = data!.templates.find((x) => x.name === "emergency-notification")!;
    expect(t.body).toContain(inc.key);
    expect(t.subject).toContain("Checkout <down>");

    failNext = 1;
    await sendMessage({ ctx: ctxs.oncall, input: { key: inc.key, templateName: t.name, audience: t.audience, subject: t.subject, body: t.body, channelIds: [ch.id] } });
    const first = await deliverDue(new Date());
    expect(first.map((o) => o.status)).toEqual(["failed"]);
    const second = await deliverDue(new Date(Date.now() + 10_000));
    expect(second.map((o) => o.status)).toEqual(["delivered"]);
    expect(received).toHaveLength(1);
    expect(received[0]).toContain(inc.key);
    expect(received[0]).toContain("Checkout &lt;down&gt;"); // Slack mrkdwn escaping

    const kinds = (await db.timelineEvent.findMany({ where: { incident: { key: inc.key } }, orderBy: { id: "asc" }, select: { kind: true, payload: true } }))
      .filter((e) => e.kind.startsWith("message"))
      .map((e) => [e.kind, (e.payload as { status?: string }).status ?? null]);
    expect(kinds).toEqual([["message_sent", null], ["message_delivery", "failed"], ["message_delivery", "delivered"]]);
  });

  it("refuses a viewer, and a non-admin adding channels", async () => {
    const err = await sendMessage({ ctx: ctxs.viewer, input: {} }).then(() => null, (e: unknown) => e);
    expect(isAppError(err) && err.code).toBe("FORBIDDEN");
    const err2 = await addChannel({ ctx: ctxs.oncall, input: { name: "x", kind: "slack", webhookUrl: url } }).then(() => null, (e: unknown) => e);
    expect(isAppError(err2) && err2.code).toBe("FORBIDDEN");
  });
});

describe("the status page as a channel", () => {
  async function incidentWithChannel() {
    const svc = await db.service.create({ data: { name: `Status ${Math.random().toString(36).slice(2, 8)}`, tier: "Critical", rtoMinutes: 5, rpoMinutes: 1, ownerTeam: "Pay" } });
    const inc = await createIncident({ ctx: ctxs.oncall, input: { title: "Checkout errors for db-7", trigger: "manual", severity: "HIGH", serviceIds: [svc.id] } });
    const ch = await addChannel({ ctx: ctxs.admin, input: { name: `#status-${Math.random().toString(36).slice(2, 8)}`, kind: "slack", webhookUrl: url } });
    const shipped = (await composerData(inc.key))!.templates.find((x) => x.name === "customer-notice")!;
    // No rollback yet, so no ETA: the commander writes one (an unfilled "[eta]" is refused for customers).
    const t = { ...shipped, body: shipped.body.replace("[eta]", "30 minutes") };
    return { inc, ch, t };
  }
  const publicUpdates = (incidentId: string) => db.publicUpdate.findMany({ where: { incidentId }, select: { body: true, status: true } });

  it("a customer notice goes to Slack and, as a public update under a public title, to the status page, in one go", async () => {
    const { inc, ch, t } = await incidentWithChannel();
    await sendMessage({ ctx: ctxs.oncall, input: { key: inc.key, templateName: t.name, audience: t.audience, subject: t.subject, body: t.body, channelIds: [ch.id], statusPage: "on", publicTitle: "Checkout is slow", publicStatus: "identified" } });
    expect(await publicUpdates(inc.id)).toEqual([{ body: t.body, status: "identified" }]);
    expect((await db.incident.findUniqueOrThrow({ where: { id: inc.id } })).publicTitle).toBe("Checkout is slow");
    const sent = await db.timelineEvent.findFirstOrThrow({ where: { incidentId: inc.id, kind: "message_sent" } });
    expect((sent.payload as { channels: string[] }).channels).toEqual([expect.stringMatching(/^#status-/), "Status page"]);
    expect(await db.timelineEvent.count({ where: { incidentId: inc.id, kind: "public_update" } })).toBe(1);
  });

  it("the status page alone needs no other channel", async () => {
    const { inc, t } = await incidentWithChannel();
    await sendMessage({ ctx: ctxs.oncall, input: { key: inc.key, templateName: t.name, audience: t.audience, subject: t.subject, body: t.body, statusPage: "on", publicTitle: "Checkout is slow" } });
    expect(await publicUpdates(inc.id)).toEqual([{ body: t.body, status: "investigating" }]);
    expect(await db.message.count({ where: { incidentId: inc.id } })).toBe(0);
  });

  it("refuses an internal or stakeholder message, a missing public title and a body over 2,000 characters; nothing is written", async () => {
    const { inc, ch, t } = await incidentWithChannel();
    const base = { key: inc.key, templateName: t.name, subject: t.subject, channelIds: [ch.id], statusPage: "on" };
    const internal = await sendMessage({ ctx: ctxs.oncall, input: { ...base, audience: "internal", body: t.body, publicTitle: "Checkout is slow" } }).then(() => null, (e: unknown) => e);
    expect(isAppError(internal) && internal.fieldErrors?.statusPage).toEqual(["Only customer messages go on the public status page; this template is for internal."]);
    const untitled = await sendMessage({ ctx: ctxs.oncall, input: { ...base, audience: "customers", body: t.body, publicTitle: "" } }).then(() => null, (e: unknown) => e);
    expect(isAppError(untitled) && untitled.fieldErrors?.publicTitle).toEqual(["Give the incident a public title (at least 5 characters)."]);
    const long = await sendMessage({ ctx: ctxs.oncall, input: { ...base, audience: "customers", body: "x".repeat(2001), publicTitle: "Checkout is slow" } }).then(() => null, (e: unknown) => e);
    expect(isAppError(long) && long.fieldErrors?.body).toEqual(["Status page: message too long (2,001 characters; the limit is 2000)."]);
    expect(await publicUpdates(inc.id)).toEqual([]);
    expect(await db.message.count({ where: { incidentId: inc.id } })).toBe(0);
  });

  it("without the status page, at least one channel is still needed", async () => {
    const { inc, t } = await incidentWithChannel();
    const err = await sendMessage({ ctx: ctxs.oncall, input: { key: inc.key, templateName: t.name, audience: t.audience, subject: t.subject, body: t.body } }).then(() => null, (e: unknown) => e);
    expect(isAppError(err) && err.fieldErrors?.channelIds).toEqual(["Choose at least one channel."]);
  });
});
