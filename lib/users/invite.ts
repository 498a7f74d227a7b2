import { createHash, randomBytes } from "node:crypto";
import { db } from "../db/client.ts";
import { env } from "../env.ts";
import type { Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { appendAudit } from "../audit/index.ts";
import { hashPassword } from "../auth/password.ts";
import type { RoleName } from "../auth/permissions.ts";
import { disconnectUser } from "../realtime/publish.ts";
import { ZAcceptInvite, ZInviteTarget, ZInviteUser } from "./schemas.ts";

export const INVITE_TTL_DAYS = 7;
const INVITE_TTL_MS = INVITE_TTL_DAYS * 24 * 60 * 60 * 1000;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** One message for an unknown, used, revoked or expired link: which of these it was is nobody's business. */
export const INVITE_NOT_VALID = "This invitation link is not valid any more: ask an administrator for a new one.";

export function hashInviteToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** `<NEXTAUTH_URL>/invite/<token>`; the launcher always sets NEXTAUTH_URL, tests may not. */
export function inviteLink(token: string): string {
  const base = env().NEXTAUTH_URL?.replace(/\/+$/, "") ?? "";
  return `${base}/invite/${token}`;
}

function newInvite(now: Date) {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashInviteToken(token), expiresAt: new Date(now.getTime() + INVITE_TTL_MS) };
}

type InvitedUser = { id: string; email: string; name: string; role: RoleName };
/** The token leaves the server once, in this value; only its hash is stored. */
export type IssuedInvite = { user: InvitedUser; token: string; link: string; expiresAt: Date };

const invitedSelect = { id: true, email: true, name: true, role: true } as const;

export async function inviteUser({ ctx, input, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }): Promise<IssuedInvite> {
  assertCan(ctx.actor, "user.manage");
  const parsed = ZInviteUser.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const data = parsed.data;
  const invite = newInvite(now);
  const user = await db().$transaction(async (tx) => {
    const exists = await tx.user.findUnique({ where: { email: data.email }, select: { id: true, active: true, passwordHash: true, inviteTokenHash: true } });
    // Someone whose invitation was revoked (never signed in) may be invited again.
    if (exists && !exists.active && !exists.passwordHash && !exists.inviteTokenHash) {
      const again = await tx.user.update({
        where: { id: exists.id },
        data: { name: data.name, role: data.role, active: true, inviteTokenHash: invite.tokenHash, inviteExpiresAt: invite.expiresAt },
        select: invitedSelect,
      });
      await appendAudit(tx, ctx, { action: "user.invite", targetType: "user", targetId: again.id, before: { active: false, revokedInvitation: true }, after: { ...data, expiresAt: invite.expiresAt.toISOString() } });
      return again;
    }
    if (exists) throw new AppError("CONFLICT", "A user with that email already exists.", { email: ["Already in use."] });
    const created = await tx.user.create({
      data: { ...data, passwordHash: null, inviteTokenHash: invite.tokenHash, inviteExpiresAt: invite.expiresAt },
      select: invitedSelect,
    });
    await appendAudit(tx, ctx, {
      action: "user.invite",
      targetType: "user",
      targetId: created.id,
      after: { ...data, expiresAt: invite.expiresAt.toISOString() },
    });
    return created;
  });
  return { user, token: invite.token, link: inviteLink(invite.token), expiresAt: invite.expiresAt };
}

// A pending invitation: an active user who has not set a password and still holds an expiry
// (accepting and revoking both clear it; a user created with a password never had one).
const pendingWhere = { active: true, passwordHash: null, inviteExpiresAt: { not: null } } as const;

const NOT_PENDING = "This user has no pending invitation: they have accepted it, or it was revoked.";

/** A new link for someone who has not accepted yet (expired or not); the old link stops working. */
export async function reissueInvite({ ctx, input, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }): Promise<IssuedInvite> {
  assertCan(ctx.actor, "user.manage");
  const parsed = ZInviteTarget.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { userId } = parsed.data;
  const invite = newInvite(now);
  const user = await db().$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: userId }, select: { ...invitedSelect, inviteExpiresAt: true } });
    if (!before) throw new AppError("NOT_FOUND", "That user no longer exists.");
    // Conditional on still being pending, so a reissue racing an accept cannot undo it.
    const { count } = await tx.user.updateMany({
      where: { id: userId, ...pendingWhere },
      data: { inviteTokenHash: invite.tokenHash, inviteExpiresAt: invite.expiresAt },
    });
    if (count !== 1) throw new AppError("CONFLICT", NOT_PENDING);
    await appendAudit(tx, ctx, {
      action: "user.invite_reissue",
      targetType: "user",
      targetId: userId,
      before: { expiresAt: before.inviteExpiresAt?.toISOString() ?? null },
      after: { expiresAt: invite.expiresAt.toISOString() },
    });
    const { inviteExpiresAt: _drop, ...u } = before;
    return u;
  });
  return { user, token: invite.token, link: inviteLink(invite.token), expiresAt: invite.expiresAt };
}

/** Withdraws a pending invitation: the link stops working and the account is deactivated. */
export async function revokeInvite({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<InvitedUser> {
  assertCan(ctx.actor, "user.manage");
  const parsed = ZInviteTarget.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { userId } = parsed.data;
  const target = await db().$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: userId }, select: { ...invitedSelect, inviteExpiresAt: true } });
    if (!before) throw new AppError("NOT_FOUND", "That user no longer exists.");
    const { count } = await tx.user.updateMany({
      where: { id: userId, ...pendingWhere },
      data: { active: false, inviteTokenHash: null, inviteExpiresAt: null },
    });
    if (count !== 1) throw new AppError("CONFLICT", NOT_PENDING);
    await appendAudit(tx, ctx, {
      action: "user.invite_revoke",
      targetType: "user",
      targetId: userId,
      before: { active: true, expiresAt: before.inviteExpiresAt?.toISOString() ?? null },
      after: { active: false },
    });
    return before;
  });
  // An invitee cannot have a password session, but single sign-on may have let them in.
  disconnectUser(userId, "Your invitation was withdrawn.");
  const { inviteExpiresAt: _drop, ...u } = target;
  return u;
}

export type Invitation = { email: string; name: string; role: RoleName };

/**
 * The invitation a link stands for, or null when it is unknown, used, revoked, expired or its
 * user deactivated. Looked up by the SHA-256 of the token, never by email: a visitor steers the
 * token, not its hash, so the index comparison's timing teaches them nothing about stored ones.
 */
export async function findInvitation(token: string, now: Date = new Date()): Promise<(Invitation & { id: string }) | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const hash = hashInviteToken(token);
  const row = await db().user.findUnique({
    where: { inviteTokenHash: hash },
    select: { ...invitedSelect, active: true, passwordHash: true, inviteExpiresAt: true },
  });
  if (!row?.inviteExpiresAt || !row.active || row.passwordHash) return null;
  if (row.inviteExpiresAt.getTime() <= now.getTime()) return null;
  return { id: row.id, email: row.email, name: row.name, role: row.role };
}

/**
 * The invited person chooses a password. Public by design: the token is the credential, so there
 * is no permission check; the audit row names the invitee. One conditional update makes the token
 * single-use even when two requests race.
 */
export async function acceptInvite({ input, ip = null, now = new Date() }: { input: unknown; ip?: string | null; now?: Date }): Promise<Invitation> {
  const parsed = ZAcceptInvite.safeParse(input);
  if (!parsed.success) {
    if (parsed.error.issues.some((i) => i.path[0] === "token")) throw new AppError("NOT_FOUND", INVITE_NOT_VALID);
    throw AppError.validation(parsed.error);
  }
  const { token, password } = parsed.data;
  // Checked before hashing, so a stream of made-up tokens costs no scrypt work.
  const invitation = await findInvitation(token, now);
  if (!invitation) throw new AppError("NOT_FOUND", INVITE_NOT_VALID);
  const passwordHash = await hashPassword(password);
  await db().$transaction(async (tx) => {
    const { count } = await tx.user.updateMany({
      where: { id: invitation.id, inviteTokenHash: hashInviteToken(token), inviteExpiresAt: { gt: now }, active: true, passwordHash: null },
      data: { passwordHash, inviteTokenHash: null, inviteExpiresAt: null },
    });
    if (count !== 1) throw new AppError("NOT_FOUND", INVITE_NOT_VALID);
    await appendAudit(
      tx,
      { actor: { type: "user", ...invitation }, ip },
      {
        action: "user.invite_accept",
        targetType: "user",
        targetId: invitation.id,
        after: { method: "invitation" },
      },
    );
  });
  return { email: invitation.email, name: invitation.name, role: invitation.role };
}

export type InviteStatus = { state: "pending" | "expired"; label: string };

/** "Invitation pending, expires in 6 days" or "Invitation expired", for the users list. */
export function inviteStatus(expiresAt: Date, now: Date): InviteStatus {
  const ms = expiresAt.getTime() - now.getTime();
  if (ms <= 0) return { state: "expired", label: "Invitation expired" };
  const minutes = Math.max(1, Math.round(ms / 60_000));
  const hours = Math.round(ms / 3_600_000);
  const days = Math.round(ms / 86_400_000);
  const left = minutes < 60 ? plural(minutes, "minute") : hours < 48 ? plural(hours, "hour") : plural(days, "day");
  return { state: "pending", label: `Invitation pending, expires in ${left}` };
}

function plural(n: number, unit: string) {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}
