import { db, type Tx } from "../db/client.ts";
import type { Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { appendAudit } from "../audit/index.ts";
import { hashPassword } from "../auth/password.ts";
import { disconnectUser } from "../realtime/publish.ts";
import { revokeUserSessions } from "../auth/sessions.ts";
import { ZChangeRole, ZCreateUser, ZSetActive } from "./schemas.ts";

export async function createUser({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "user.manage");
  const parsed = ZCreateUser.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { password, ...data } = parsed.data;
  const passwordHash = await hashPassword(password);
  return db().$transaction(async (tx) => {
    const exists = await tx.user.findUnique({ where: { email: data.email }, select: { id: true } });
    if (exists) throw new AppError("CONFLICT", "A user with that email already exists.", { email: ["Already in use."] });
    const user = await tx.user.create({ data: { ...data, passwordHash }, select: { id: true, email: true, role: true } });
    await appendAudit(tx, ctx, { action: "user.create", targetType: "user", targetId: user.id, after: data });
    return user;
  });
}

/**
 * An admin may not demote or deactivate the last active admin: someone must be able to fix things.
 * An administrator whose invitation is still pending cannot sign in yet, so does not count.
 */
async function assertNotLastAdmin(tx: Tx, userId: string) {
  const target = await tx.user.findUnique({ where: { id: userId }, select: { role: true, active: true, inviteExpiresAt: true } });
  if (!target) throw new AppError("NOT_FOUND", "That user no longer exists.");
  if (target.role !== "admin" || !target.active || target.inviteExpiresAt) return target;
  const admins = await tx.user.count({ where: { role: "admin", active: true, inviteExpiresAt: null } });
  if (admins <= 1) throw new AppError("CONFLICT", "This is the last active administrator. Make someone else an administrator first.");
  return target;
}

export async function changeRole({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "user.manage");
  const parsed = ZChangeRole.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { userId, role } = parsed.data;
  await db().$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(7261002)`;
    const before = role === "admin" ? await tx.user.findUnique({ where: { id: userId }, select: { role: true } }) : await assertNotLastAdmin(tx, userId);
    if (!before) throw new AppError("NOT_FOUND", "That user no longer exists.");
    await tx.user.update({ where: { id: userId }, data: { role } });
    await appendAudit(tx, ctx, { action: "user.role", targetType: "user", targetId: userId, before: { role: before.role }, after: { role } });
  });
}

export async function setActive({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "user.manage");
  const parsed = ZSetActive.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { userId, active } = parsed.data;
  if (!active && ctx.actor.type === "user" && ctx.actor.id === userId) {
    throw new AppError("CONFLICT", "You cannot deactivate your own account.");
  }
  await db().$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(7261002)`;
    const before = active
      ? await tx.user.findUnique({ where: { id: userId }, select: { active: true } })
      : await assertNotLastAdmin(tx, userId);
    if (!before) throw new AppError("NOT_FOUND", "That user no longer exists.");
    await tx.user.update({ where: { id: userId }, data: { active } });
    // Reactivating must not bring back sessions that were open when the account was deactivated.
    if (!active) await revokeUserSessions(tx, userId, "deactivated");
    await appendAudit(tx, ctx, { action: active ? "user.activate" : "user.deactivate", targetType: "user", targetId: userId, before: { active: before.active }, after: { active } });
  });
  if (!active) disconnectUser(userId, "Your account was deactivated.");
}

export function listUsers() {
  return db().user.findMany({
    orderBy: [{ active: "desc" }, { name: "asc" }],
    select: { id: true, email: true, name: true, role: true, active: true, createdAt: true, inviteExpiresAt: true },
  });
}
