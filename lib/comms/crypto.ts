import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

// Channel secrets at rest: AES-256-GCM, "v1.<iv>.<tag>.<ciphertext>" (base64url parts).
// The key is passed in (from COMMS_KEY via lib/env.ts) so this module stays testable.

const VERSION = "v1";

/** Parse a base64 key; it must decode to exactly 32 bytes. */
export function parseKey(base64: string): Buffer {
  const key = Buffer.from(base64.trim(), "base64");
  if (key.length !== 32) throw new Error(`COMMS_KEY must be 32 bytes base64-encoded (got ${key.length} bytes); create one with: openssl rand -base64 32`);
  return key;
}

const asKey = (key: Buffer | string) => (typeof key === "string" ? parseKey(key) : key);

export function encrypt(plaintext: string, key: Buffer | string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", asKey(key), iv);
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(".");
}

/** Throws when the key is wrong or the ciphertext was altered (GCM authentication). */
export function decrypt(sealed: string, key: Buffer | string): string {
  const [version, iv, tag, data, ...rest] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || data === undefined || rest.length) throw new Error("Not an encrypted value");
  const decipher = createDecipheriv("aes-256-gcm", asKey(key), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("Could not decrypt: wrong COMMS_KEY or tampered value");
  }
}

/** For display: never more than the last 4 characters, and none of a short secret. */
export function mask(secret: string): string {
  if (secret.length < 12) return "••••";
  return `••••${secret.slice(-4)}`;
}
