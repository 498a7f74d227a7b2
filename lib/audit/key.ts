import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "../env.ts";

// The audit chain's HMAC key never lives in the database: AUDIT_HMAC_KEY, or for the embedded quick
// start (and development) a key kept beside its data, DATA_DIR/audit-key, as COMMS_KEY does. Changing
// the key makes every row written under the old one fail verification: keep it with your backups.

const MIN_BYTES = 32;

export function parseAuditKey(base64: string): Buffer {
  const key = Buffer.from(base64.trim(), "base64");
  if (key.length < MIN_BYTES) {
    throw new Error(`AUDIT_HMAC_KEY must be at least ${MIN_BYTES} bytes, base64-encoded (got ${key.length} bytes); create one with: openssl rand -base64 32`);
  }
  return key;
}

/** Why this server has no audit key (production on DATABASE_URL without AUDIT_HMAC_KEY), or null. */
export function missingAuditKey(): string | null {
  const e = env();
  if (e.AUDIT_HMAC_KEY || e.ROLLCALL_EMBEDDED || e.NODE_ENV !== "production") return null;
  return "AUDIT_HMAC_KEY is required with DATABASE_URL in production: it keys the audit trail's hash chain (create one with: openssl rand -base64 32)";
}

const g = globalThis as unknown as { __rollcallAuditKey?: { source: string; key: Buffer } };

/**
 * The key of the audit chain; throws (with what to set) when this server has none. `create: false`
 * (audit:verify) never generates one: a fresh key would only make every row look tampered with.
 */
export function auditKey(opts: { create?: boolean } = {}): Buffer {
  const e = env();
  const file = path.resolve(e.DATA_DIR, "audit-key");
  const source = e.AUDIT_HMAC_KEY ? `env:${e.AUDIT_HMAC_KEY}` : `file:${file}`;
  if (g.__rollcallAuditKey?.source === source) return g.__rollcallAuditKey.key;
  const missing = missingAuditKey();
  if (missing) throw new Error(missing);
  let key: Buffer;
  if (e.AUDIT_HMAC_KEY) {
    key = parseAuditKey(e.AUDIT_HMAC_KEY);
  } else {
    let text = "";
    try {
      text = readFileSync(file, "utf8").trim();
    } catch {
      if (opts.create === false) {
        throw new Error(`no audit key: set AUDIT_HMAC_KEY to the key Rollcall runs with, or DATA_DIR to the directory holding its audit-key (${file} does not exist)`);
      }
      // Written aside and linked into place: of two processes starting at once, one key wins whole.
      mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
      writeFileSync(tmp, randomBytes(MIN_BYTES).toString("base64"), { mode: 0o600 });
      try {
        linkSync(tmp, file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      } finally {
        rmSync(tmp, { force: true });
      }
      text = readFileSync(file, "utf8").trim();
    }
    key = parseAuditKey(text);
  }
  g.__rollcallAuditKey = { source, key };
  return key;
}
