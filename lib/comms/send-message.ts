import { z } from "zod";
import { db } from "../db/client.ts";
import type { Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { recordIncidentChange } from "../incidents/record.ts";
import { appendAudit } from "../audit/index.ts";
import { SYSTEM, actorLabel } from "../auth/actor.ts";
import { publish, publishPublic } from "../realtime/publish.ts";
import { recordPublicUpdate } from "../status/publish-status.ts";
import { PUBLIC_STATUSES, PUBLIC_UPDATE_LIMIT } from "../status/schemas.ts";
import { rooms } from "../realtime/events.ts";
import { queueMessage, processDeliveries, type DeliveryOutcome } from "./deliver.ts";
import { AUDIENCES } from "./templates.ts";
import { createChannel } from "./channel-store.ts";
import { commsKey } from "./key.ts";
import { placeholderMessage } from "./placeholders.ts";
import { multiLine, singleLine } from "../validation/text.ts";

// Browsers submit a text area's line breaks as CRLF; channels' limits count what we send (LF, as multiLine stores it).
export const ZMessageBody = multiLine().trim().min(10, "Write the message (at least 10 characters).").max(100_000);

export const ZSendMessage = z
  .object({
    key: singleLine().max(40),
    templateName: singleLine().max(100).default(""),
    audience: z.enum(AUDIENCES as ["internal", "stakeholders", "customers"], "Choose an audience."),
    subject: singleLine().trim().min(3, "Write a subject.").max(300, "Subjects are limited to 300 characters."),
    body: ZMessageBody,
    channelIds: z.array(z.uuid()).default([]),
    // The status page as a channel: the body becomes a public update under a public title.
    statusPage: z.enum(["on", "off"]).default("off").transform((v) => v === "on"),
    publicTitle: singleLine().trim().max(120, "Public titles are limited to 120 characters.").default(""),
    publicStatus: z.enum(PUBLIC_STATUSES, "Choose a public status.").default("investigating"),
  })
  .superRefine((m, ctx) => {
    if (m.channelIds.length === 0 && !m.statusPage) ctx.addIssue({ code: "custom", path: ["channelIds"], message: "Choose at least one channel." });
    // Unfilled placeholders never reach customers (internal and stakeholder messages may carry them).
    if (m.audience === "customers" || m.statusPage) {
      const to = m.statusPage ? "the status page" : "customers";
      for (const field of ["subject", "body", ...(m.statusPage ? (["publicTitle"] as const) : [])] as const) {
        const message = placeholderMessage(m[field], to);
        if (message) ctx.addIssue({ code: "custom", path: [field], message });
      }
    }
    if (!m.statusPage) return;
    if (m.audience !== "customers") {
      ctx.addIssue({ code: "custom", path: ["statusPage"], message: `Only customer messages go on the public status page; this template is for ${m.audience}.` });
    }
    if (m.publicTitle.length < 5) ctx.addIssue({ code: "custom", path: ["publicTitle"], message: "Give the incident a public title (at least 5 characters)." });
    if (m.body.length > PUBLIC_UPDATE_LIMIT) {
      ctx.addIssue({ code: "custom", path: ["body"], message: `Status page: message too long (${m.body.length.toLocaleString("en-US")} characters; the limit is ${PUBLIC_UPDATE_LIMIT}).` });
    }
  });

/**
 * Queues a message to channels (delivery, with retries, happens in the background loop) and, when
 * the status page is ticked, posts its body there as a public update, all in one transaction.
 */
export async function sendMessage({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "comms.send");
  const parsed = ZSendMessage.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const m = parsed.data;
  if (m.statusPage) assertCan(ctx.actor, "status.publish");
  if (m.channelIds.length && !commsKey()) throw new AppError("CONFLICT", "Channels are not configured: set COMMS_KEY.");
  const out = await db().$transaction(async (tx) => {
    const inc = await tx.incident.findUnique({ where: { key: m.key }, select: { id: true, title: true, severity: true, status: true } });
    if (!inc) throw new AppError("NOT_FOUND", `Incident ${m.key} does not exist.`);
    const channels = await tx.channel.findMany({ where: { id: { in: m.channelIds }, active: true }, select: { id: true, name: true } });
    if (channels.length !== m.channelIds.length) throw new AppError("VALIDATION", "Please correct the highlighted fields.", { channelIds: ["A chosen channel no longer exists or is inactive."] });
    if (m.statusPage) {
      await recordPublicUpdate(tx, ctx, { incidentId: inc.id, key: m.key, publicTitle: m.publicTitle, status: m.publicStatus, body: m.body, showProgress: false });
    }
    if (!channels.length) return { inc, queued: null };
    const queued = await queueMessage(tx, {
      incidentId: inc.id,
      templateName: m.templateName || undefined,
      audience: m.audience,
      subject: m.subject,
      body: m.body,
      createdById: ctx.actor.type === "user" ? ctx.actor.id : undefined,
      channelIds: m.channelIds,
    });
    const names = [...channels.map((c) => c.name), ...(m.statusPage ? ["Status page"] : [])];
    await recordIncidentChange(tx, ctx, {
      incidentId: inc.id,
      incidentKey: m.key,
      kind: "message_sent",
      payload: { messageId: queued.messageId, template: m.templateName, audience: m.audience, subject: m.subject, channels: names },
      action: "comms.send",
      after: { messageId: queued.messageId, audience: m.audience, subject: m.subject, channels: names },
    });
    return { inc, queued };
  });
  if (m.statusPage) {
    publishPublic();
    publish([rooms.incident(m.key)], "incident:changed", { key: m.key, title: out.inc.title, severity: out.inc.severity, status: out.inc.status, kind: "note", by: actorLabel(ctx.actor), at: new Date().toISOString() });
  }
  return out.queued;
}

/** One pass of the delivery loop: sends what is due and puts every outcome on the timeline. */
export async function deliverDue(now = new Date()): Promise<DeliveryOutcome[]> {
  const key = commsKey();
  if (!key) return [];
  const outcomes = await processDeliveries(db(), now, { key });
  for (const o of outcomes) {
    if (!o.incidentId) continue;
    await db().$transaction(async (tx) => {
      const inc = await tx.incident.findUnique({ where: { id: o.incidentId! }, select: { key: true, title: true, severity: true, status: true } });
      if (!inc) return;
      await recordIncidentChange(tx, { actor: SYSTEM }, {
        incidentId: o.incidentId!,
        incidentKey: inc.key,
        kind: "message_delivery",
        payload: { channel: o.channelName, kind: o.kind, status: o.status, attempt: o.attempt, detail: o.detail, nextAttemptAt: o.nextAttemptAt },
        action: `comms.${o.status}`,
        after: { deliveryId: o.deliveryId, status: o.status, attempt: o.attempt },
      });
      publish([rooms.incident(inc.key)], "incident:changed", { ...inc, kind: "note", by: "Rollcall", at: new Date().toISOString() });
    });
  }
  return outcomes;
}

export const ZAddChannel = z.object({
  name: singleLine().trim().min(2, "Name the channel.").max(80),
  kind: z.enum(["slack", "teams", "email", "webhook"], "Choose a kind."),
  webhookUrl: singleLine().trim().max(2000).default(""),
  smtpUrl: singleLine().trim().max(2000).default(""),
  from: singleLine().trim().max(300).default(""),
  to: singleLine().trim().max(2000).default(""),
  url: singleLine().trim().max(2000).default(""),
  secret: singleLine().max(500).default(""),
});

/** Admins add channels; the config (with its secrets) is stored encrypted, never shown again. */
export async function addChannel({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "comms.manage");
  const parsed = ZAddChannel.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const c = parsed.data;
  const key = commsKey();
  if (!key) throw new AppError("CONFLICT", "Set COMMS_KEY (32 bytes, base64) to store channel secrets.");
  const config =
    c.kind === "slack" || c.kind === "teams"
      ? { webhookUrl: c.webhookUrl }
      : c.kind === "email"
        ? { smtpUrl: c.smtpUrl, from: c.from, to: c.to.split(/[,\s]+/).filter(Boolean) }
        : { url: c.url, secret: c.secret };
  return db().$transaction(async (tx) => {
    if (await tx.channel.findUnique({ where: { name: c.name }, select: { id: true } })) {
      throw new AppError("CONFLICT", "A channel with that name exists.", { name: ["Already in use."] });
    }
    let created: { id: string };
    try {
      created = await createChannel(tx, { name: c.name, kind: c.kind, config }, key);
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError("VALIDATION", (err as Error).message);
    }
    await appendAudit(tx, ctx, { action: "comms.channel_add", targetType: "channel", targetId: created.id, after: { name: c.name, kind: c.kind } });
    return created;
  });
}
