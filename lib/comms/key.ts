import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "../env.ts";
import { parseKey } from "./crypto.ts";

const g = globalThis as unknown as { __rollcallCommsKey?: Buffer | null };

/**
 * The key that encrypts channel secrets: COMMS_KEY, or for the embedded quick start a key kept
 * beside its data (DATA_DIR/comms-key). Null means channels cannot be saved or used.
 */
export function commsKey(): Buffer | null {
  if (g.__rollcallCommsKey !== undefined) return g.__rollcallCommsKey;
  const e = env();
  if (e.COMMS_KEY) return (g.__rollcallCommsKey = parseKey(e.COMMS_KEY));
  if (!e.ROLLCALL_EMBEDDED) return (g.__rollcallCommsKey = null);
  const file = path.resolve(e.DATA_DIR, "comms-key");
  let text = "";
  try {
    text = readFileSync(file, "utf8").trim();
  } catch {
    text = randomBytes(32).toString("base64");
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text, { mode: 0o600 });
  }
  return (g.__rollcallCommsKey = parseKey(text));
}
