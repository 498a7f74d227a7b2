import type { Tx } from "../db/client.ts";
import { actorFields, actorRole, type Ctx } from "../auth/actor.ts";
import { auditHmac, GENESIS_HASH, toJsonSafe, type AuditContent } from "./hash.ts";
import { auditKey } from "./key.ts";
import { AUDIT_CHAIN_LOCK } from "../db/locks.ts";

// One lock serialises chain appends across instances sharing the database.

export type AuditInput = {
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
};

/** Appends one audit row, chained by an HMAC under the audit key, inside the caller's transaction. */
export async function appendAudit(tx: Tx, ctx: Ctx, input: AuditInput) {
  // Before the lock: a server without a key fails here, and its change with it.
  const key = auditKey();
  await tx.$executeRaw`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
  const last = await tx.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { hash: true } });
  const prevHash = last?.hash ?? GENESIS_HASH;
  const a = actorFields(ctx.actor);
  const content: AuditContent = {
    actorType: a.actorType,
    actorId: a.actorId,
    actorLabel: a.actorLabel,
    actorRole: actorRole(ctx.actor),
    action: input.action,
    targetType: input.targetType,
    targetId: input.targetId ?? null,
    before: input.before === undefined ? null : toJsonSafe(input.before),
    after: input.after === undefined ? null : toJsonSafe(input.after),
    ip: ctx.ip ?? null,
    at: new Date(),
  };
  const hash = auditHmac(key, prevHash, content);
  await tx.auditEvent.create({
    data: {
      ...content,
      before: content.before ?? undefined,
      after: content.after ?? undefined,
      prevHash,
      hash,
    },
  });
}
