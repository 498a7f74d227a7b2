import { db, poolOf } from "../db/client.ts";
import type { Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { appendAudit } from "../audit/index.ts";
import { hashPassword, verifyPassword } from "../auth/password.ts";
import { revokeUserSessions } from "../auth/sessions.ts";
import { signInThrottle } from "../auth/throttle.ts";
import { disconnectSessions } from "../realtime/publish.ts";
import { ZChangePassword } from "./schemas.ts";

const wrongCurrent = () => new AppError("VALIDATION", "Please correct the highlighted fields.", { current: ["That is not your current password."] });

/**
 * Changes the signed-in person's own password: the current one is required (guesses count against
 * the sign-in throttle for their account and address), the new one follows the one password rule,
 * every other session of theirs ends, and a forced change (after a reset or the setup password) is
 * cleared. `sessionId` is the session making the change; it stays signed in.
 */
export async function changeOwnPassword({ ctx, sessionId, input, now = new Date() }: { ctx: Ctx; sessionId: string; input: unknown; now?: Date }) {
  assertCan(ctx.actor, "account.manage");
  if (ctx.actor.type !== "user") throw new AppError("FORBIDDEN", "Only a signed-in person can change their own password.");
  const parsed = ZChangePassword.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { current, password } = parsed.data;
  const userId = ctx.actor.id;
  const client = db();
  const me = await client.user.findUnique({ where: { id: userId }, select: { email: true, passwordHash: true, mustChangePassword: true } });
  if (!me) throw new AppError("NOT_FOUND", "Your account no longer exists.");
  if (!me.passwordHash) throw new AppError("CONFLICT", "Your account signs in with single sign-on: it has no password here to change.");

  const pool = poolOf(client);
  if (!pool) throw new Error("password changes need the database pool");
  const throttle = signInThrottle(pool);
  const ip = ctx.ip ?? null;
  const until = await throttle.lockedUntil(me.email, ip);
  if (until) throw new AppError("RATE_LIMITED", `Too many wrong passwords. Try again after ${until.toISOString().slice(11, 16)} UTC.`);
  if (!(await verifyPassword(current, me.passwordHash))) {
    await throttle.recordFailure(me.email, ip);
    await client.$transaction((tx) =>
      appendAudit(tx, ctx, { action: "user.password_change_failed", targetType: "user", targetId: userId, after: { reason: "wrong-current-password" } }),
    );
    throw wrongCurrent();
  }
  if (await verifyPassword(password, me.passwordHash)) {
    throw new AppError("VALIDATION", "Please correct the highlighted fields.", { password: ["Choose a password different from the current one."] });
  }

  const passwordHash = await hashPassword(password);
  const revoked = await client.$transaction(async (tx) => {
    // Compare-and-set: a reset or another change in between makes this one fail, not overwrite it.
    const { count } = await tx.user.updateMany({
      where: { id: userId, passwordHash: me.passwordHash },
      data: { passwordHash, mustChangePassword: false, passwordChangedAt: now },
    });
    if (count !== 1) throw new AppError("CONFLICT", "Your password was changed meanwhile. Sign in again.");
    const ids = await revokeUserSessions(tx, userId, "password-changed", { except: sessionId, now });
    await appendAudit(tx, ctx, {
      action: "user.password_change",
      targetType: "user",
      targetId: userId,
      after: { forced: me.mustChangePassword, otherSessionsEnded: ids.length },
    });
    return ids;
  });
  disconnectSessions(revoked, "Your password was changed. Sign in again with the new one.");
  await throttle.recordSuccess(me.email, ip);
  return { forced: me.mustChangePassword, otherSessionsEnded: revoked.length };
}
