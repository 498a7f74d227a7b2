import { db } from "../db/client.ts";
import type { Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { appendAudit } from "../audit/index.ts";
import { generatePassword, hashPassword } from "../auth/password.ts";
import { revokeUserSessions } from "../auth/sessions.ts";
import { disconnectSessions } from "../realtime/publish.ts";
import { ZResetPassword } from "./schemas.ts";

/**
 * An administrator resets someone's password: a temporary password (returned once, stored only
 * hashed, never audited) replaces theirs, every session of theirs ends, and at their next sign-in
 * they must choose a new password before anything else works.
 */
export async function resetPassword({ ctx, input, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }) {
  assertCan(ctx.actor, "user.manage");
  const parsed = ZResetPassword.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { userId } = parsed.data;
  if (ctx.actor.type === "user" && ctx.actor.id === userId) {
    throw new AppError("CONFLICT", "Change your own password on your account page.");
  }
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  const { user, revoked } = await db().$transaction(async (tx) => {
    const target = await tx.user.findUnique({ where: { id: userId }, select: { id: true, email: true, name: true, active: true, inviteExpiresAt: true } });
    if (!target) throw new AppError("NOT_FOUND", "That user no longer exists.");
    if (!target.active) throw new AppError("CONFLICT", "This account is deactivated. Reactivate it first.");
    if (target.inviteExpiresAt) throw new AppError("CONFLICT", "This person has not accepted their invitation yet: send them a new link instead.");
    await tx.user.update({ where: { id: userId }, data: { passwordHash, mustChangePassword: true, passwordChangedAt: now } });
    const ids = await revokeUserSessions(tx, userId, "password-reset", { now });
    await appendAudit(tx, ctx, { action: "user.password_reset", targetType: "user", targetId: userId, after: { mustChangePassword: true, sessionsEnded: ids.length } });
    return { user: target, revoked: ids };
  });
  disconnectSessions(revoked, "An administrator reset your password.");
  return { user: { id: user.id, email: user.email, name: user.name }, password };
}
