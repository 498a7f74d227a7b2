import { z } from "zod";
import { singleLine } from "../validation/text.ts";
import { db, type Tx } from "../db/client.ts";
import { actorLabel, type Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { appendAudit } from "../audit/index.ts";
import { channelFor, type ChannelKind } from "./channels/index.ts";
import { decrypt, encrypt } from "./crypto.ts";
import { SEND_LEASE_MS, sendOnce } from "./deliver.ts";
import { commsKey } from "./key.ts";

/** The trigger of a channel test's Message: the first-run checklist looks for one delivered. */
export const CHANNEL_TEST_TRIGGER = "channel_test";
/** A test is sent while the admin waits, so it gets less time than the delivery loop's 15 s. */
export const CHANNEL_TEST_TIMEOUT_MS = 10_000;

/** Form fields that hold a secret, per kind: write-only, a blank one keeps the stored value. */
export const SECRET_FIELDS: Record<ChannelKind, readonly string[]> = {
  slack: ["webhookUrl"],
  teams: ["webhookUrl"],
  email: ["smtpUrl"],
  webhook: ["url", "secret"],
};

const ZChannelId = z.uuid("Choose a channel.");

export const ZTestChannel = z.object({ channelId: ZChannelId });

export const ZUpdateChannel = z.object({
  channelId: ZChannelId,
  name: singleLine().trim().min(2, "Name the channel.").max(80, "Names are limited to 80 characters."),
  // Only to refuse a change of kind with a clear message: the kind is never updated.
  kind: singleLine().optional(),
  webhookUrl: singleLine().trim().max(2000).default(""),
  smtpUrl: singleLine().trim().max(2000).default(""),
  from: singleLine().trim().max(300).default(""),
  to: singleLine().trim().max(2000).default(""),
  url: singleLine().trim().max(2000).default(""),
  secret: singleLine().max(500).default(""),
});
export type UpdateChannel = z.infer<typeof ZUpdateChannel>;

export const ZSetChannelActive = z.object({
  channelId: ZChannelId,
  active: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]),
});

export const ZDeleteChannel = z.object({
  channelId: ZChannelId,
  confirmName: singleLine().trim().max(200).default(""),
});

const channelSelect = { id: true, name: true, kind: true, active: true, configEncrypted: true } as const;

async function findChannel(tx: Tx, id: string) {
  const ch = await tx.channel.findUnique({ where: { id }, select: channelSelect });
  if (!ch) throw new AppError("NOT_FOUND", "That channel no longer exists; reload the page.");
  return ch;
}

function requireKey(): Buffer {
  const key = commsKey();
  if (!key) throw new AppError("CONFLICT", "Channels are not configured: set COMMS_KEY (32 bytes, base64).");
  return key;
}

/** The stored config, or null when this COMMS_KEY cannot decrypt it. */
function storedConfig(configEncrypted: string, key: Buffer): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(decrypt(configEncrypted, key));
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const redacted = (kind: ChannelKind, config: unknown) => (config ? channelFor(kind).redact(config) : { config: "cannot be decrypted" });

export function testMessageText(channelName: string, by: string, at: Date) {
  const when = `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return {
    subject: `Rollcall test message for ${channelName}`,
    body: `Rollcall test message to the channel ${channelName}, sent by ${by} at ${when}.\nIf you can read this, incident messages and escalations sent to ${channelName} arrive here. No action is needed.`,
  };
}

export type ChannelTestResult = { ok: boolean; status: number | null; detail: string; kind: ChannelKind; channelName: string; messageId: string; deliveryId: string };

/**
 * Sends a test message to a channel while the admin waits and records it like every message:
 * a Message (trigger channel_test, no incident) with one Delivery holding the real outcome.
 * The record and its audit row are written first, so nothing is sent without them.
 */
export async function sendTestMessage({ ctx, input }: { ctx: Ctx; input: unknown }, opts: { timeoutMs?: number } = {}): Promise<ChannelTestResult> {
  assertCan(ctx.actor, "comms.manage");
  const parsed = ZTestChannel.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const key = requireKey();
  const now = new Date();
  const prepared = await db().$transaction(async (tx) => {
    const ch = await findChannel(tx, parsed.data.channelId);
    if (!ch.active) throw new AppError("CONFLICT", `“${ch.name}” is disabled: enable it before sending a test message.`);
    const text = testMessageText(ch.name, actorLabel(ctx.actor), now);
    // Claimed as "sending" with the loop's lease: if this process dies mid-send, the loop retries it.
    const message = await tx.message.create({
      data: {
        incidentId: null,
        trigger: CHANNEL_TEST_TRIGGER,
        audience: "internal",
        ...text,
        sentAt: now,
        createdById: ctx.actor.type === "user" ? ctx.actor.id : null,
        createdAt: now,
        deliveries: {
          create: [{ channelId: ch.id, channelName: ch.name, status: "sending", attempts: 1, lastAttemptAt: now, nextAttemptAt: new Date(now.getTime() + SEND_LEASE_MS), createdAt: now }],
        },
      },
      select: { id: true, deliveries: { select: { id: true } } },
    });
    const deliveryId = message.deliveries[0]!.id;
    await appendAudit(tx, ctx, { action: "comms.channel_test", targetType: "channel", targetId: ch.id, after: { name: ch.name, kind: ch.kind, messageId: message.id, deliveryId } });
    return { ch, text, messageId: message.id, deliveryId };
  });

  const { ch, text, messageId, deliveryId } = prepared;
  const result = await sendOnce(ch, { id: messageId, deliveryId, incidentId: null, audience: "internal", ...text }, { key, timeoutMs: opts.timeoutMs ?? CHANNEL_TEST_TIMEOUT_MS });
  const detail = result.detail.slice(0, 1000);
  const done = new Date();
  // A test is sent once and never retried by the loop: the admin sees the outcome and can test again.
  await db().delivery.updateMany({
    where: { id: deliveryId, status: "sending" },
    data: result.ok ? { status: "delivered", deliveredAt: done, lastError: null, nextAttemptAt: done } : { status: "given_up", lastError: detail, nextAttemptAt: done },
  });
  return { ok: result.ok, status: result.status, detail, kind: ch.kind, channelName: ch.name, messageId, deliveryId };
}

/** The config to store: given secrets replace the stored ones, blank ones keep them. */
function mergedConfig(kind: ChannelKind, u: UpdateChannel, stored: Record<string, unknown> | null) {
  const keep = (field: string, given: string) => {
    if (given !== "") return given;
    if (!stored) throw new AppError("VALIDATION", "Please correct the highlighted fields.", { [field]: ["The stored value cannot be decrypted with this COMMS_KEY: enter it again."] });
    return stored[field];
  };
  switch (kind) {
    case "slack":
    case "teams":
      return { webhookUrl: keep("webhookUrl", u.webhookUrl) };
    case "email":
      return { smtpUrl: keep("smtpUrl", u.smtpUrl), from: u.from, to: u.to.split(/[,\s]+/).filter(Boolean) };
    case "webhook":
      return { url: keep("url", u.url), secret: keep("secret", u.secret) };
  }
}

const FORM_FIELDS = new Set(["webhookUrl", "smtpUrl", "from", "to", "url", "secret"]);

/** validateConfig's "path: message" errors, put on the form's fields where there is one. */
function configFieldErrors(errors: string[]) {
  const out: Record<string, string[]> = {};
  for (const e of errors) {
    const at = e.indexOf(": ");
    const field = at > 0 ? e.slice(0, at).split(".")[0]! : "";
    const key = FORM_FIELDS.has(field) ? field : "config";
    (out[key] ??= []).push(key === "config" ? e : e.slice(at + 2));
  }
  return out;
}

/**
 * Renames a channel and changes its settings. Secrets are write-only: a blank secret field keeps
 * the stored value. The kind cannot change. The audit row holds redacted configs only.
 */
export async function updateChannel({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "comms.manage");
  const parsed = ZUpdateChannel.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const u = parsed.data;
  const key = requireKey();
  return db().$transaction(async (tx) => {
    const ch = await findChannel(tx, u.channelId);
    const c = channelFor(ch.kind);
    if (u.kind && u.kind !== ch.kind) {
      throw new AppError("VALIDATION", "The kind of a channel cannot change.", {
        kind: [`This is a ${c.label} channel; its kind cannot change. Add a new channel of the other kind, then delete this one.`],
      });
    }
    const stored = storedConfig(ch.configEncrypted, key);
    const check = c.validateConfig(mergedConfig(ch.kind, u, stored));
    if (!check.ok) throw new AppError("VALIDATION", "The channel settings are not valid.", configFieldErrors(check.errors));
    if (await tx.channel.findFirst({ where: { name: u.name, NOT: { id: ch.id } }, select: { id: true } })) {
      throw new AppError("CONFLICT", `Another channel is already called “${u.name}”.`, { name: [`Another channel is already called “${u.name}”.`] });
    }
    const replaced = SECRET_FIELDS[ch.kind].filter((f) => u[f as keyof UpdateChannel] !== "");
    const storedCheck = stored ? c.validateConfig(stored) : null;
    const unchanged = u.name === ch.name && storedCheck?.ok === true && JSON.stringify(storedCheck.config) === JSON.stringify(check.config);
    if (unchanged) return { id: ch.id, name: ch.name, changed: false };
    try {
      await tx.channel.update({ where: { id: ch.id }, data: { name: u.name, configEncrypted: encrypt(JSON.stringify(check.config), key) } });
    } catch (e) {
      if ((e as { code?: string }).code === "P2002") throw new AppError("CONFLICT", `Another channel is already called “${u.name}”.`, { name: [`Another channel is already called “${u.name}”.`] });
      throw e;
    }
    await appendAudit(tx, ctx, {
      action: "comms.channel_update",
      targetType: "channel",
      targetId: ch.id,
      before: { name: ch.name, kind: ch.kind, config: redacted(ch.kind, stored) },
      after: { name: u.name, kind: ch.kind, config: c.redact(check.config), secretsReplaced: replaced },
    });
    return { id: ch.id, name: u.name, changed: true };
  });
}

/**
 * Disables or enables a channel. A disabled channel is not offered in the composer, and its
 * waiting deliveries are given up as "Channel is inactive" when their turn comes (deliver.ts).
 */
export async function setChannelActive({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "comms.manage");
  const parsed = ZSetChannelActive.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { channelId, active } = parsed.data;
  return db().$transaction(async (tx) => {
    const ch = await findChannel(tx, channelId);
    if (ch.active === active) return { id: ch.id, name: ch.name, active, changed: false };
    await tx.channel.update({ where: { id: ch.id }, data: { active } });
    await appendAudit(tx, ctx, {
      action: active ? "comms.channel_enable" : "comms.channel_disable",
      targetType: "channel",
      targetId: ch.id,
      before: { name: ch.name, active: ch.active },
      after: { name: ch.name, active },
    });
    return { id: ch.id, name: ch.name, active, changed: true };
  });
}

/**
 * Deletes a channel once its name is typed to confirm. Its message history stays (deliveries keep
 * channelName, their channelId becomes null); deliveries still waiting are given up, in the same
 * transaction, and contacts lose the link to it.
 */
export async function deleteChannel({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "comms.manage");
  const parsed = ZDeleteChannel.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { channelId, confirmName } = parsed.data;
  const key = commsKey();
  return db().$transaction(async (tx) => {
    const ch = await findChannel(tx, channelId);
    if (confirmName !== ch.name) {
      throw new AppError("VALIDATION", "Type the channel's name to confirm.", { confirmName: [`Type “${ch.name}” exactly to delete this channel.`] });
    }
    const gaveUp = await tx.delivery.updateMany({
      where: { channelId: ch.id, status: { in: ["pending", "failed", "sending"] } },
      data: { status: "given_up", lastError: "Channel was deleted", nextAttemptAt: new Date() },
    });
    await tx.channel.delete({ where: { id: ch.id } });
    await appendAudit(tx, ctx, {
      action: "comms.channel_delete",
      targetType: "channel",
      targetId: ch.id,
      before: { name: ch.name, kind: ch.kind, active: ch.active, config: redacted(ch.kind, key ? storedConfig(ch.configEncrypted, key) : null) },
      after: { deliveriesGivenUp: gaveUp.count },
    });
    return { name: ch.name, deliveriesGivenUp: gaveUp.count };
  });
}
