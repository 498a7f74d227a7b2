import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decrypt, encrypt, mask, parseKey } from "./crypto";

const key = randomBytes(32).toString("base64");

describe("crypto", () => {
  it("round-trips, with a fresh IV each time", () => {
    const secret = JSON.stringify({ webhookUrl: "https://hooks.slack.com/services/T000/B000/XXXXSECRET" });
    const a = encrypt(secret, key);
    const b = encrypt(secret, key);
    expect(a).not.toBe(b);
    expect(a).not.toContain("XXXXSECRET");
    expect(decrypt(a, key)).toBe(secret);
    expect(decrypt(b, parseKey(key))).toBe(secret);
  });

  it("detects tampering", () => {
    const sealed = encrypt("top secret", key);
    const parts = sealed.split(".");
    const data = Buffer.from(parts[3]!, "base64url");
    data[0] = data[0]! ^ 1;
    const tampered = [parts[0], parts[1], parts[2], data.toString("base64url")].join(".");
    expect(() => decrypt(tampered, key)).toThrow(/tampered/);
    expect(() => decrypt("v1.garbage", key)).toThrow(/Not an encrypted value/);
  });

  it("fails with the wrong key", () => {
    const sealed = encrypt("top secret", key);
    expect(() => decrypt(sealed, randomBytes(32).toString("base64"))).toThrow(/wrong COMMS_KEY/);
  });

  it("requires a 32-byte key", () => {
    expect(() => parseKey(randomBytes(16).toString("base64"))).toThrow(/32 bytes/);
    expect(() => encrypt("x", "not-a-key")).toThrow(/32 bytes/);
  });

  it.each([
    ["", "••••"],
    ["short", "••••"],
    ["whsec_1234567890abcd", "••••abcd"],
  ])("mask(%j) = %j", (secret, masked) => {
    expect(mask(secret)).toBe(masked);
  });
});
