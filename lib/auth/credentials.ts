import type { User as NextAuthUser } from "next-auth";
import { z } from "zod";
import { db, poolOf } from "../db/client.ts";
import { appendAudit } from "../audit/index.ts";
import type { RoleName } from "./permissions.ts";
import { dummyHash, verifyPassword } from "./password.ts";
import { signInThrottle } from "./throttle.ts";
import { CLIENT_IP_HEADER } from "./client-ip.ts";
import { pruneSessions, startSession } from "./sessions.ts";
import { replaceControlCharacters } from "../validation/text.ts";

const ZCredentials = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(200),
});

/** `sid`: the server-side session recorded for this sign-in (the JWT carries it). */
export type RollcallUser = NextAuthUser & { role: RoleName; sid?: string };

export type SignInFailure = "invalid-input" | "unknown-account" | "no-password" | "wrong-password" | "deactivated" | "locked";

export function clientIpOf(headers: unknown): string | null {
  if (!headers || typeof headers !== "object") return null;
  const h = headers as Record<string, string | string[] | undefined> & { get?: (k: string) => string | null };
  const v = typeof h.get === "function" ? h.get(CLIENT_IP_HEADER) : h[CLIENT_IP_HEADER];
  return (Array.isArray(v) ? v[0] : v) || null;
}

const SIGN_IN = { type: "system", label: "Sign-in" } as const;

/** One audit row per failed attempt: the email tried, the address (the row's ip) and why; never the password. */
async function auditFailure(email: string, ip: string | null, reason: SignInFailure, userId: string | null, extra: object = {}) {
  await db().$transaction((tx) =>
    appendAudit(tx, { actor: SIGN_IN, ip }, { action: "auth.signin_failed", targetType: "user", targetId: userId, after: { email, reason, method: "credentials", ...extra } }),
  );
}

function tooMany(until: Date): Error {
  return new Error(`Too many failed sign-in attempts from your network. Try again after ${until.toISOString().slice(11, 16)} UTC.`);
}

/**
 * The credentials provider's authorize(). A client locked out of an account is refused before the
 * password is checked (and not audited again: the lock was); every other failure counts against
 * the account-and-address and the address limits and is audited.
 */
export async function authorizeCredentials(raw: unknown, headers: unknown): Promise<RollcallUser | null> {
  const ip = clientIpOf(headers);
  // Whatever was typed is the throttle's key and goes into the audit row: no control characters.
  const rawEmail = typeof (raw as { email?: unknown } | null)?.email === "string" ? replaceControlCharacters((raw as { email: string }).email) : "";
  const parsed = ZCredentials.safeParse(raw);
  const email = (parsed.success ? parsed.data.email : rawEmail).trim().toLowerCase().slice(0, 254);
  const client = db();
  const pool = poolOf(client);
  if (!pool) throw new Error("sign-in throttling needs the database pool");
  const throttle = signInThrottle(pool);

  const until = await throttle.lockedUntil(email, ip);
  if (until) throw tooMany(until);

  const fail = async (reason: SignInFailure, userId: string | null) => {
    const result = await throttle.recordFailure(email, ip);
    await auditFailure(email, ip, reason, userId);
    if (result.lockStarted && result.lockedUntil) await auditFailure(email, ip, "locked", userId, { until: result.lockedUntil.toISOString() });
    return null;
  };

  if (!parsed.success) return fail("invalid-input", null);
  const user = await client.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, role: true, active: true, passwordHash: true },
  });
  const ok = await verifyPassword(parsed.data.password, user?.passwordHash ?? (await dummyHash()));
  if (!user) return fail("unknown-account", null);
  if (!user.passwordHash) return fail("no-password", user.id);
  if (!ok) return fail("wrong-password", user.id);
  if (!user.active) return fail("deactivated", user.id);

  await throttle.recordSuccess(email, ip);
  const session = await client.$transaction(async (tx) => {
    await pruneSessions(tx, user.id);
    const s = await startSession(tx, { userId: user.id, method: "credentials", ip });
    await appendAudit(
      tx,
      { actor: { type: "user", id: user.id, email: user.email, name: user.name, role: user.role }, ip },
      { action: "auth.signin", targetType: "user", targetId: user.id, after: { method: "credentials", session: s.id } },
    );
    return s;
  });
  return { id: user.id, email: user.email, name: user.name, role: user.role, sid: session.id };
}
