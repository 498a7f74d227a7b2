import type { Db, Tx } from "../db/client";
import { AppError } from "../errors";
import { inTransaction } from "./tx";
import { placeholderMessage } from "./placeholders";
import { channelFor, checkLength, type ChannelKind, type SendResult } from "./channels";
import { decrypt } from "./crypto";
import type { Audience } from "./templates";

/** Wait after failed attempt n (1-based); after MAX_ATTEMPTS the delivery is given up. */
export const BACKOFF_MS = [5_000, 30_000, 120_000, 600_000] as const;
export const MAX_ATTEMPTS = 5;
/** A claimed delivery whose sender died is claimed again once this lease runs out. */
export const SEND_LEASE_MS = 120_000;

export type QueueMessageInput = {
  incidentId?: string | null;
  templateName?: string | null;
  audience: Audience;
  subject: string;
  body: string;
  createdById?: string | null;
  channelIds: string[];
  /** A rollback message: what prepared it (one per run and trigger). */
  trigger?: string | null;
  runId?: string | null;
  /** Send this draft: the draft row becomes the message (with the text as given here). */
  draftId?: string | null;
};

/**
 * Create the message and one pending delivery per channel, in the caller's transaction if given.
 * A message too long for any channel is refused (AppError VALIDATION naming the limit) before
 * anything is written or sent.
 */
export async function queueMessage(client: Db | Tx, input: QueueMessageInput, now: Date = new Date()) {
  return inTransaction(client, (tx) => queueIn(tx, input, now));
}

async function queueIn(client: Tx, input: QueueMessageInput, now: Date) {
  const ids = [...new Set(input.channelIds)];
  if (!ids.length) throw new AppError("VALIDATION", "Pick at least one channel.", { channelIds: ["Pick at least one channel."] });
  if (!input.subject.trim() || !input.body.trim()) throw new AppError("VALIDATION", "Subject and body are required.");
  // Every way to customers (composer, prepared drafts, automatic sends) passes here: no unfilled template text.
  if (input.audience === "customers") {
    const fieldErrors: Record<string, string[]> = {};
    for (const field of ["subject", "body"] as const) {
      const problem = placeholderMessage(input[field]);
      if (problem) fieldErrors[field] = [problem];
    }
    if (Object.keys(fieldErrors).length) throw new AppError("VALIDATION", "Fill in the template's placeholders before this reaches customers.", fieldErrors);
  }
  const channels = await client.channel.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, kind: true, active: true } });
  const missing = ids.filter((id) => !channels.some((c) => c.id === id && c.active));
  if (missing.length) throw new AppError("NOT_FOUND", `Channel not found or inactive: ${missing.join(", ")}`, { channelIds: ["Channel not found or inactive."] });

  const tooLong = channels.flatMap((c) => {
    const problem = checkLength(channelFor(c.kind), { subject: input.subject, body: input.body });
    return problem ? [`${c.name}: ${problem}`] : [];
  });
  if (tooLong.length) throw new AppError("VALIDATION", tooLong.join("; "), { body: tooLong });

  const names = new Map(channels.map((c) => [c.id, c.name]));
  const deliveries = { create: ids.map((channelId) => ({ channelId, channelName: names.get(channelId) ?? "", nextAttemptAt: now, createdAt: now })) };
  const select = { id: true, deliveries: { select: { id: true, channelId: true } } } as const;
  const message = input.draftId
    ? await client.message.update({
        where: { id: input.draftId },
        data: { subject: input.subject, body: input.body, status: "queued", sentAt: now, createdById: input.createdById ?? null, deliveries },
        select,
      })
    : await client.message.create({
        data: {
          incidentId: input.incidentId ?? null,
          templateName: input.templateName ?? null,
          audience: input.audience,
          subject: input.subject,
          body: input.body,
          trigger: input.trigger ?? null,
          runId: input.runId ?? null,
          sentAt: now,
          createdById: input.createdById ?? null,
          createdAt: now,
          deliveries,
        },
        select,
      });
  return { messageId: message.id, deliveries: message.deliveries.map((d) => ({ deliveryId: d.id, channelId: d.channelId })) };
}

export type DeliveryOutcome = {
  deliveryId: string;
  messageId: string;
  incidentId: string | null;
  /** Null when the channel was deleted while the delivery waited. */
  channelId: string | null;
  channelName: string;
  kind: ChannelKind | null;
  attempt: number;
  status: "delivered" | "failed" | "given_up";
  /** HTTP status or SMTP reply code, when there was one. */
  responseStatus: number | null;
  detail: string;
  nextAttemptAt: Date | null;
};

export type ProcessOptions = { key: Buffer | string; batchSize?: number; timeoutMs?: number };

type Claimed = { id: string; attempts: number };

/**
 * Claim due deliveries (FOR UPDATE SKIP LOCKED, so several processes can run this), send them,
 * and record delivered / failed (retry after BACKOFF_MS) / given_up. Every claimed delivery
 * yields an outcome, so the caller can write timeline events for each.
 */
export async function processDeliveries(db: Db, now: Date, opts: ProcessOptions): Promise<DeliveryOutcome[]> {
  const limit = opts.batchSize ?? 20;
  const lease = new Date(now.getTime() + SEND_LEASE_MS);

  // Senders that died with their last allowed attempt in flight: give up visibly, do not resend.
  const expired = await db.$queryRaw<Claimed[]>`
    update "Delivery" set "status" = 'given_up', "lastError" = coalesce("lastError" || '; ', '') || 'sender stopped during the last attempt'
    where "status" = 'sending' and "nextAttemptAt" <= ${now} and "attempts" >= ${MAX_ATTEMPTS}
    returning "id", "attempts"`;

  const claimed = await db.$queryRaw<Claimed[]>`
    with due as (
      select "id" from "Delivery"
      where "status" in ('pending', 'failed', 'sending') and "nextAttemptAt" <= ${now} and "attempts" < ${MAX_ATTEMPTS}
      order by "nextAttemptAt", "createdAt"
      for update skip locked
      limit ${limit}
    )
    update "Delivery" d set "status" = 'sending', "attempts" = d."attempts" + 1, "lastAttemptAt" = ${now}, "nextAttemptAt" = ${lease}
    from due where d."id" = due."id"
    returning d."id", d."attempts"`;

  const all = [...expired, ...claimed];
  if (!all.length) return [];
  const rows = await db.delivery.findMany({
    where: { id: { in: all.map((r) => r.id) } },
    select: {
      id: true, lastError: true, channelName: true,
      message: { select: { id: true, incidentId: true, audience: true, subject: true, body: true } },
      channel: { select: { id: true, name: true, kind: true, active: true, configEncrypted: true } },
    },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));

  const outcome = (row: (typeof rows)[number], attempt: number, status: DeliveryOutcome["status"], result: Pick<SendResult, "status" | "detail">, next: Date | null): DeliveryOutcome => ({
    deliveryId: row.id, messageId: row.message.id, incidentId: row.message.incidentId, channelId: row.channel?.id ?? null,
    channelName: row.channel?.name ?? row.channelName, kind: row.channel?.kind ?? null, attempt, status, responseStatus: result.status, detail: result.detail, nextAttemptAt: next,
  });

  const results: DeliveryOutcome[] = expired.flatMap((e) => {
    const row = byId.get(e.id);
    return row ? [outcome(row, e.attempts, "given_up", { status: null, detail: row.lastError ?? "" }, null)] : [];
  });

  const sent = await Promise.all(
    claimed.map(async (c) => {
      const row = byId.get(c.id);
      if (!row) return null;
      const result = await attempt(row, opts);
      if (result.ok) {
        await db.delivery.updateMany({ where: { id: row.id, status: "sending" }, data: { status: "delivered", deliveredAt: now, lastError: null, nextAttemptAt: now } });
        return outcome(row, c.attempts, "delivered", result, null);
      }
      const giveUp = !result.retryable || c.attempts >= MAX_ATTEMPTS;
      const next = giveUp ? null : new Date(now.getTime() + (BACKOFF_MS[c.attempts - 1] ?? 600_000));
      const detail = result.detail.slice(0, 1000);
      await db.delivery.updateMany({
        where: { id: row.id, status: "sending" },
        data: giveUp ? { status: "given_up", lastError: detail, nextAttemptAt: now } : { status: "failed", lastError: detail, nextAttemptAt: next ?? now },
      });
      return outcome(row, c.attempts, giveUp ? "given_up" : "failed", { status: result.status, detail }, next);
    }),
  );
  return [...results, ...sent.filter((o): o is DeliveryOutcome => o !== null)];
}

type Row = {
  id: string;
  message: { id: string; incidentId: string | null; audience: string; subject: string; body: string };
  channel: SendChannel | null;
};

async function attempt(row: Row, opts: ProcessOptions): Promise<SendResult> {
  return sendOnce(row.channel, { ...row.message, deliveryId: row.id }, opts);
}

export type SendChannel = { kind: ChannelKind; active: boolean; configEncrypted: string };
export type SendMessage = { id: string; deliveryId: string; incidentId: string | null; audience: string; subject: string; body: string };

/**
 * One attempt to send a message to a channel, as the delivery loop and a channel test make it.
 * Never throws: a deleted or inactive channel, or a config that cannot be decrypted, is a
 * permanent failure; a sender that throws (a timeout) is worth retrying.
 */
export async function sendOnce(channel: SendChannel | null, m: SendMessage, opts: { key: Buffer | string; timeoutMs?: number }): Promise<SendResult> {
  if (!channel) return { ok: false, status: null, detail: "Channel was deleted", retryable: false };
  if (!channel.active) return { ok: false, status: null, detail: "Channel is inactive", retryable: false };
  let config: unknown;
  try {
    config = JSON.parse(decrypt(channel.configEncrypted, opts.key));
  } catch (e) {
    return { ok: false, status: null, detail: (e as Error).message, retryable: false };
  }
  const message = { subject: m.subject, body: m.body, meta: { messageId: m.id, deliveryId: m.deliveryId, incidentId: m.incidentId, audience: m.audience } };
  try {
    return await channelFor(channel.kind).send(message, config, AbortSignal.timeout(opts.timeoutMs ?? 15_000));
  } catch (e) {
    return { ok: false, status: null, detail: (e as Error).message, retryable: true };
  }
}
