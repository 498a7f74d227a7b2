import type { Db, Tx } from "../db/client.ts";
import type { RoleName } from "./permissions.ts";

/** How long a sign-in lasts; the session cookie (JWT) and its row end together. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export type SessionRevokeReason = "signed-out" | "password-changed" | "password-reset" | "deactivated";

export type SessionUser = { id: string; email: string; name: string; role: RoleName };

/** A live session: its user, and whether they must choose a new password before anything else. */
export type ResolvedSession = { sid: string; user: SessionUser; mustChangePassword: boolean };

/** Records a sign-in; the id goes into the JWT and is checked on every request and socket. */
export async function startSession(db: Db | Tx, input: { userId: string; method: string; ip?: string | null; now?: Date }) {
  const now = input.now ?? new Date();
  return db.userSession.create({
    data: {
      userId: input.userId,
      method: input.method,
      ip: input.ip ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000),
    },
    select: { id: true, expiresAt: true },
  });
}

/**
 * The session a cookie names, if it was not revoked, has not expired, belongs to the cookie's user
 * and that user is active. A cookie without a session id (issued before sessions were recorded)
 * names nothing.
 */
export async function resolveSession(db: Db, token: Record<string, unknown> | null | undefined, now = new Date()): Promise<ResolvedSession | null> {
  const uid = typeof token?.uid === "string" ? token.uid : null;
  const sid = typeof token?.sid === "string" ? token.sid : null;
  if (!uid || !sid || !/^[0-9a-f-]{36}$/i.test(sid)) return null;
  const row = await db.userSession.findUnique({
    where: { id: sid },
    select: {
      userId: true,
      method: true,
      revokedAt: true,
      expiresAt: true,
      user: { select: { id: true, email: true, name: true, role: true, active: true, mustChangePassword: true } },
    },
  });
  if (!row || row.userId !== uid || row.revokedAt || row.expiresAt <= now || !row.user.active) return null;
  const { id, email, name, role } = row.user;
  // A forced change is about the password: a single sign-on session is not held by it.
  return { sid, user: { id, email, name, role }, mustChangePassword: row.user.mustChangePassword && row.method === "credentials" };
}

/** Revokes one session (sign-out). Returns whether it was live. */
export async function revokeSession(db: Db | Tx, sid: string, reason: SessionRevokeReason, now = new Date()): Promise<boolean> {
  const { count } = await db.userSession.updateMany({ where: { id: sid, revokedAt: null }, data: { revokedAt: now, revokedReason: reason } });
  return count > 0;
}

/** Revokes every live session of a user but `except`; returns the revoked ids (their sockets are dropped after commit). */
export async function revokeUserSessions(tx: Db | Tx, userId: string, reason: SessionRevokeReason, opts: { except?: string; now?: Date } = {}): Promise<string[]> {
  const now = opts.now ?? new Date();
  const live = await tx.userSession.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now }, ...(opts.except ? { id: { not: opts.except } } : {}) },
    select: { id: true },
  });
  if (live.length === 0) return [];
  const ids = live.map((s) => s.id);
  await tx.userSession.updateMany({ where: { id: { in: ids }, revokedAt: null }, data: { revokedAt: now, revokedReason: reason } });
  return ids;
}

/** Rows of sessions that ended more than a day ago say nothing a cookie could still use. */
export async function pruneSessions(db: Db | Tx, userId: string, now = new Date()) {
  await db.userSession.deleteMany({ where: { userId, expiresAt: { lt: new Date(now.getTime() - 24 * 60 * 60 * 1000) } } });
}
