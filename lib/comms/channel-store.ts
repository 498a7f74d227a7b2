import { z } from "zod";
import type { Db, Tx } from "../db/client";
import { AppError } from "../errors";
import { CHANNEL_KINDS, channelFor, type ChannelKind } from "./channels";
import { decrypt, encrypt } from "./crypto";
import { inTransaction } from "./tx";
import { singleLine } from "../validation/text";

export const ZCreateChannel = z.object({
  name: singleLine().trim().min(1).max(100),
  kind: z.enum(CHANNEL_KINDS as [ChannelKind, ...ChannelKind[]]),
  config: z.unknown(),
});
export type CreateChannel = z.infer<typeof ZCreateChannel>;

/** Validate the kind's config and store it encrypted: the row never holds a secret in clear. */
export async function createChannel(client: Db | Tx, input: CreateChannel, key: Buffer | string) {
  return inTransaction(client, (tx) => createIn(tx, input, key));
}

async function createIn(client: Tx, input: CreateChannel, key: Buffer | string) {
  const parsed = ZCreateChannel.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const check = channelFor(parsed.data.kind).validateConfig(parsed.data.config);
  if (!check.ok) throw new AppError("VALIDATION", "The channel settings are not valid.", { config: check.errors });
  const existing = await client.channel.findUnique({ where: { name: parsed.data.name }, select: { id: true } });
  if (existing) throw new AppError("CONFLICT", `A channel named "${parsed.data.name}" already exists.`, { name: ["Already taken."] });
  return client.channel.create({
    data: { name: parsed.data.name, kind: parsed.data.kind, configEncrypted: encrypt(JSON.stringify(check.config), key) },
    select: { id: true, name: true, kind: true, active: true },
  });
}

/** The most recent test message to a channel (a Delivery whose message has trigger channel_test). */
export type LastTest = { status: "pending" | "sending" | "delivered" | "failed" | "given_up"; at: Date; error: string | null };

export type ChannelView = {
  id: string;
  name: string;
  kind: ChannelKind;
  active: boolean;
  /** Masked by the kind's redact: safe to show and to send to the browser. */
  config: Record<string, string>;
  lastTest: LastTest | null;
  /** Deliveries still to be attempted (pending, failed and waiting to retry, or being sent). */
  waiting: number;
};

/** Channels as a page may show them: config decrypted only to be masked. */
export async function listChannels(db: Db, key: Buffer | string): Promise<ChannelView[]> {
  const rows = await db.channel.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, kind: true, active: true, configEncrypted: true } });
  const ids = rows.map((r) => r.id);
  const [tests, waiting] = await Promise.all([
    db.delivery.findMany({
      where: { channelId: { in: ids }, message: { trigger: "channel_test" } },
      orderBy: { createdAt: "desc" },
      distinct: ["channelId"],
      select: { channelId: true, status: true, lastError: true, deliveredAt: true, lastAttemptAt: true, createdAt: true },
    }),
    db.delivery.groupBy({ by: ["channelId"], where: { channelId: { in: ids }, status: { in: ["pending", "failed", "sending"] } }, _count: { _all: true } }),
  ]);
  const lastTests = new Map(tests.map((t) => [t.channelId, { status: t.status, at: t.deliveredAt ?? t.lastAttemptAt ?? t.createdAt, error: t.lastError }]));
  const waitingBy = new Map(waiting.map((w) => [w.channelId, w._count._all]));
  return rows.map(({ configEncrypted, ...row }) => {
    let config: Record<string, string>;
    try {
      config = channelFor(row.kind).redact(JSON.parse(decrypt(configEncrypted, key)));
    } catch {
      config = { config: "cannot be decrypted with the current COMMS_KEY" };
    }
    return { ...row, config, lastTest: lastTests.get(row.id) ?? null, waiting: waitingBy.get(row.id) ?? 0 };
  });
}
