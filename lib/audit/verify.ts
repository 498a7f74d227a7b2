import type { Db } from "../db/client.ts";
import { auditHmac, GENESIS_HASH, legacyAuditHash, type AuditContent } from "./hash.ts";
import { auditKey } from "./key.ts";
import { ANCHOR_FILE, type Anchor, type AnchorProblem } from "./anchor.ts";

export type VerifyResult =
  | { ok: true; checked: number; legacy?: number; anchored?: number }
  | { ok: false; checked: number; brokenAt: string; reason: string };

export type VerifyOptions = {
  batch?: number;
  /** Default: this server's audit key. */
  key?: Buffer;
  /** Anchors to hold the chain to (readAnchors), oldest first; problems found reading them fail it. */
  anchors?: Anchor[];
  anchorProblems?: AnchorProblem[];
};

/** Everything a walk found: the result, plus the head it verified up to (what audit:verify anchors). */
export type ChainReport = {
  ok: boolean;
  checked: number;
  /** Rows hashed without the key (written before the keyed chain); accepted only before it began. */
  legacy: number;
  /** Anchors the chain was held to and matched. */
  anchored: number;
  head: { id: string; hash: string } | null;
  brokenAt?: string;
  reason?: string;
};

const when = (a: Anchor) => a.at.replace("T", " ").replace(/\.\d+Z$/, " UTC");

/**
 * Walks the chain in id order, recomputing every keyed hash. Any edited, removed or reordered row
 * breaks it; so does a row rehashed without the key, and, against anchors, a chain that lost rows
 * after an anchor or no longer holds an anchored head.
 *
 * Legacy rows (plain SHA-256, from before the keyed chain) are accepted only as a prefix: before the
 * first keyed row, and not after the first anchor's head (the first anchor marks where they end).
 */
export async function walkAuditChain(db: Db, opts: VerifyOptions = {}): Promise<ChainReport> {
  const key = opts.key ?? auditKey();
  const anchors = opts.anchors ?? [];
  const report: ChainReport = { ok: true, checked: 0, legacy: 0, anchored: 0, head: null };
  const broken = (brokenAt: string, reason: string): ChainReport => ({ ...report, ok: false, brokenAt, reason });

  const problem = opts.anchorProblems?.[0];
  if (problem) return broken(`${ANCHOR_FILE} line ${problem.line}`, `the anchor is ${problem.message}`);

  const byHead = new Map<string, Anchor[]>();
  for (const a of anchors) {
    if (a.headId === null) report.anchored++;
    else byHead.set(a.headId, [...(byHead.get(a.headId) ?? []), a]);
  }
  // undefined: no anchors, legacy rows may run up to the first keyed row; null: none allowed at all.
  const first = anchors[0];
  const legacyUpTo = first === undefined ? undefined : first.headId === null ? null : BigInt(first.headId);

  let prev = GENESIS_HASH;
  let keyedSeen = false;
  let cursor: bigint | undefined;
  const batch = opts.batch ?? 1000;
  for (;;) {
    const rows = await db.auditEvent.findMany({
      where: cursor === undefined ? {} : { id: { gt: cursor } },
      orderBy: { id: "asc" },
      take: batch,
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      const id = row.id.toString();
      if (row.prevHash !== prev) return broken(id, "previous hash does not match the row before it");
      const content: AuditContent = {
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
      };
      if (auditHmac(key, prev, content) === row.hash) {
        keyedSeen = true;
      } else if (legacyAuditHash(prev, content) === row.hash) {
        if (keyedSeen) return broken(id, "hashed without the audit key after the keyed chain began: rewritten");
        if (legacyUpTo === null || (legacyUpTo !== undefined && row.id > legacyUpTo)) {
          return broken(id, `hashed without the audit key after the first anchor (${when(first!)}): rewritten`);
        }
        report.legacy++;
      } else {
        return broken(id, "row content does not match its hash");
      }
      report.checked++;
      for (const a of byHead.get(id) ?? []) {
        if (a.headHash !== row.hash) return broken(id, `the row differs from the anchor written ${when(a)}: the chain was rewritten`);
        if (a.rows !== report.checked) {
          return broken(id, `${report.checked} rows up to here, but the anchor written ${when(a)} recorded ${a.rows}: rows were removed or inserted`);
        }
        report.anchored++;
        byHead.delete(id);
      }
      prev = row.hash;
      report.head = { id, hash: row.hash };
      cursor = row.id;
    }
  }
  // An anchored head the walk never reached: the rows up to it (at least the newest) are gone.
  const missing = [...byHead.values()].flat().sort((a, b) => b.rows - a.rows)[0];
  if (missing) {
    const end = report.head ? `ends at row ${report.head.id}` : "is empty";
    return broken(missing.headId!, `the anchor written ${when(missing)} recorded ${missing.rows} rows up to row ${missing.headId}, but the chain has ${report.checked} and ${end}: rows were deleted`);
  }
  return report;
}

/** The chain's verdict: { ok, checked } (with legacy and anchored counts when there are any). */
export async function verifyAuditChain(db: Db, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const r = await walkAuditChain(db, opts);
  if (!r.ok) return { ok: false, checked: r.checked, brokenAt: r.brokenAt!, reason: r.reason! };
  return { ok: true, checked: r.checked, ...(r.legacy ? { legacy: r.legacy } : {}), ...(r.anchored ? { anchored: r.anchored } : {}) };
}
