import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "../env";
import { auditKey, missingAuditKey } from "./key";

const VARS = ["AUDIT_HMAC_KEY", "DATA_DIR", "NODE_ENV", "ROLLCALL_EMBEDDED", "DATABASE_URL"] as const;
let saved: Record<string, string | undefined>;
let dir: string;

function setVars(vars: Partial<Record<(typeof VARS)[number], string | undefined>>) {
  const env = process.env as Record<string, string | undefined>;
  for (const k of VARS) {
    const v = vars[k];
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  resetEnvCache();
}

beforeEach(() => {
  saved = Object.fromEntries(VARS.map((k) => [k, process.env[k]]));
  dir = mkdtempSync(path.join(os.tmpdir(), "rollcall-audit-key-"));
});

afterEach(() => {
  setVars(saved);
  rmSync(dir, { recursive: true, force: true });
});

describe("the audit key", () => {
  it("quick start: generated once into DATA_DIR/audit-key (owner-only) and reused", () => {
    setVars({ DATA_DIR: dir, NODE_ENV: "production", ROLLCALL_EMBEDDED: "1" });
    const key = auditKey();
    expect(key.length).toBe(32);
    const file = path.join(dir, "audit-key");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, "utf8"), "base64").equals(key)).toBe(true);
    expect(auditKey().equals(key)).toBe(true);
  });

  it("audit:verify never generates a key: it says where it looked", () => {
    setVars({ DATA_DIR: dir });
    expect(() => auditKey({ create: false })).toThrow(`no audit key: set AUDIT_HMAC_KEY to the key Rollcall runs with, or DATA_DIR to the directory holding its audit-key (${path.join(dir, "audit-key")} does not exist)`);
    const key = auditKey();
    expect(auditKey({ create: false }).equals(key)).toBe(true);
  });

  it("AUDIT_HMAC_KEY wins, and must be at least 32 bytes", () => {
    const key = randomBytes(48);
    setVars({ DATA_DIR: dir, AUDIT_HMAC_KEY: key.toString("base64"), NODE_ENV: "production" });
    expect(auditKey().equals(key)).toBe(true);
    setVars({ DATA_DIR: dir, AUDIT_HMAC_KEY: randomBytes(16).toString("base64"), NODE_ENV: "production" });
    expect(() => auditKey()).toThrow("AUDIT_HMAC_KEY must be at least 32 bytes, base64-encoded (got 16 bytes); create one with: openssl rand -base64 32");
  });

  it("production on DATABASE_URL without AUDIT_HMAC_KEY: no key, and it says what to set", () => {
    setVars({ DATA_DIR: dir, NODE_ENV: "production", DATABASE_URL: "postgresql://db.example/rollcall" });
    expect(missingAuditKey()).toMatch(/^AUDIT_HMAC_KEY is required with DATABASE_URL in production/);
    expect(() => auditKey()).toThrow(/AUDIT_HMAC_KEY is required/);
    expect(() => readFileSync(path.join(dir, "audit-key"))).toThrow();
  });
});
