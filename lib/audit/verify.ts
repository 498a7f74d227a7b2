import type { Db } from "../db/client.ts";
import { auditHash, GENESIS_HASH } from "./hash.ts";

export type VerifyResult =
  | { ok: true; checked: number }
  | { ok: false; checked: number; brokenAt: string; reason: string };

/** Walks the chain in id order, recomputing every hash. Any edited, removed or reordered row breaks it. */
export async function verifyAuditChain(db: Db, batch = 1000): Promise<VerifyResult> {
  let prev = GENESIS_HASH;
  let cursor: bigint | undefined;
  let checked = 0;
  for (;;) {
    const rows = await db.auditEvent.findMany({
      where: cursor === undefined ? {} : { id: { gt: cursor } },
      orderBy: { id: "asc" },
      take: batch,
    });
    if (rows.length === 0) return { ok: true, checked };
    for (const row of rows) {
      if (row.prevHash !== prev) {
        return { ok: false, checked, brokenAt: row.id.toString(), reason: "previous hash does not match the row before it" };
      }
      const expected = auditHash(prev, {
        actorType: row.actorType,
        actorId: row.actorId,
        actorLabel: row.actorLabel,
        actorRole: row.actorRole,
        action: row.action,
        targetType: row.targetType,
        targetId: row.targetId,
        before: row.before,
        after: row.after,
        ip: row.ip,
        at: row.at,
      });
      if (expected !== row.hash) {
        return { ok: false, checked, brokenAt: row.id.toString(), reason: "row content does not match its hash" };
      }
      prev = row.hash;
      checked++;
      cursor = row.id;
    }
  }
}
