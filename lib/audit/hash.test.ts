import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { auditHmac, canonicalJson, GENESIS_HASH, legacyAuditHash } from "./hash";

const row = {
  actorType: "user", actorId: "u1", actorLabel: "Omar", actorRole: "oncall", action: "incident.declare",
  targetType: "incident", targetId: "INC-2026-1", before: null, after: { b: 1, a: [2, { d: 1, c: 2 }] }, ip: null,
  at: new Date("2026-11-23T10:00:00.123Z"),
};
const key = randomBytes(32);

describe("audit hashing", () => {
  it("canonical JSON ignores key order (jsonb reorders keys)", () => {
    expect(canonicalJson({ b: 1, a: { d: 1, c: 2 } })).toBe(canonicalJson({ a: { c: 2, d: 1 }, b: 1 }));
    expect(canonicalJson({ n: 12n })).toBe('{"n":"12"}');
  });

  it("chains: the same row after a different predecessor hashes differently", () => {
    const h1 = auditHmac(key, GENESIS_HASH, row);
    expect(h1).toMatch(/^[0-9a-f]{64}$/);
    expect(auditHmac(key, h1, row)).not.toBe(h1);
  });

  it("any field change changes the hash", () => {
    const h = auditHmac(key, GENESIS_HASH, row);
    expect(auditHmac(key, GENESIS_HASH, { ...row, actorLabel: "Mallory" })).not.toBe(h);
    expect(auditHmac(key, GENESIS_HASH, { ...row, after: { b: 2, a: [2, { d: 1, c: 2 }] } })).not.toBe(h);
    expect(auditHmac(key, GENESIS_HASH, { ...row, at: new Date(row.at.getTime() + 1) })).not.toBe(h);
  });

  it("is keyed: without the key (plain SHA-256, or another key) the hash cannot be reproduced", () => {
    const h = auditHmac(key, GENESIS_HASH, row);
    expect(legacyAuditHash(GENESIS_HASH, row)).not.toBe(h);
    expect(auditHmac(randomBytes(32), GENESIS_HASH, row)).not.toBe(h);
    expect(auditHmac(Buffer.from(key), GENESIS_HASH, row)).toBe(h);
  });
});
