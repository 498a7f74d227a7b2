import { createHash, createHmac } from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

/** JSON with sorted keys, so the hash survives jsonb reordering keys on the way through PostgreSQL. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "bigint") return JSON.stringify(value.toString());
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export type AuditContent = {
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  actorRole: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  at: Date;
};

function body(row: AuditContent): string {
  return canonicalJson({ ...row, at: row.at.toISOString() });
}

/**
 * The keyed chain: HMAC-SHA256 under a key the database never holds (lib/audit/key.ts), so whoever
 * can write the table cannot recompute a row's hash after editing it, nor the hashes after it.
 */
export function auditHmac(key: Buffer, prevHash: string, row: AuditContent): string {
  return createHmac("sha256", key).update(prevHash).update("\n").update(body(row)).digest("hex");
}

/**
 * Rows written before the keyed chain (plain SHA-256, anyone can recompute it). Verification accepts
 * them only before the first keyed row and the first anchor (see verify.ts); new rows are never legacy.
 */
export function legacyAuditHash(prevHash: string, row: AuditContent): string {
  return createHash("sha256").update(prevHash).update("\n").update(body(row)).digest("hex");
}

/** Values stored in before/after: JSON-safe (bigints as strings, dates as ISO). */
export function toJsonSafe(value: unknown): unknown {
  return JSON.parse(canonicalJson(value));
}
