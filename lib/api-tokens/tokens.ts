import { createHash, randomBytes } from "node:crypto";
import { db, type Tx } from "../db/client.ts";
import type { Actor, Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { isRole } from "../auth/permissions.ts";
import { appendAudit } from "../audit/index.ts";
import { AppError } from "../errors.ts";
import { SCOPES, ZCreateToken, ZRevokeToken, ZRotateToken, type Scope } from "./schemas.ts";

/** Secret scanners recognise Rollcall tokens by this prefix. */
export const TOKEN_PREFIX = "rc_";

export const hashToken = (secret: string) => createHash("sha256").update(secret).digest("hex");

function newSecret() {
  const secret = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { secret, tokenHash: hashToken(secret), prefix: secret.slice(0, TOKEN_PREFIX.length + 6) };
}

function userOf(ctx: Ctx) {
  if (ctx.actor.type !== "user") throw new AppError("FORBIDDEN", "Only a signed-in person manages API tokens.");
  return ctx.actor;
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import("zod").ZodError } }, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw AppError.validation(r.error);
  return r.data;
}

async function insertToken(tx: Tx, userId: string, data: { name: string; scopes: string[]; expiresAt: Date; rotatedFromId?: string }) {
  const s = newSecret();
  const row = await tx.apiToken.create({
    data: { userId, name: data.name, scopes: data.scopes, expiresAt: data.expiresAt, rotatedFromId: data.rotatedFromId ?? null, tokenHash: s.tokenHash, prefix: s.prefix },
    select: { id: true, name: true, scopes: true, expiresAt: true, prefix: true },
  });
  return { ...row, secret: s.secret };
}

/** Creates a token for the signed-in user. The secret is in the result and nowhere else. */
export async function createApiToken({ ctx, input, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }) {
  assertCan(ctx.actor, "account.manage");
  const user = userOf(ctx);
  const data = parse(ZCreateToken, input);
  const expiresAt = new Date(now.getTime() + data.expiresInDays * 86_400_000);
  return db().$transaction(async (tx) => {
    const t = await insertToken(tx, user.id, { name: data.name, scopes: data.scopes, expiresAt });
    await appendAudit(tx, ctx, { action: "apiToken.create", targetType: "apiToken", targetId: t.id, after: { name: t.name, scopes: t.scopes, expiresAt } });
    return t;
  });
}

/** Revokes a token: its owner may, and an administrator may revoke anyone's. */
export async function revokeApiToken({ ctx, input, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }) {
  assertCan(ctx.actor, "account.manage");
  const user = userOf(ctx);
  const { tokenId } = parse(ZRevokeToken, input);
  await db().$transaction(async (tx) => {
    const t = await tx.apiToken.findUnique({ where: { id: tokenId }, select: { userId: true, name: true, revokedAt: true } });
    if (!t) throw new AppError("NOT_FOUND", "That token does not exist.");
    if (t.userId !== user.id) assertCan(ctx.actor, "user.manage");
    if (t.revokedAt) return;
    await tx.apiToken.update({ where: { id: tokenId }, data: { revokedAt: now } });
    await appendAudit(tx, ctx, { action: "apiToken.revoke", targetType: "apiToken", targetId: tokenId, before: { name: t.name, ownerId: t.userId } });
  });
}

/**
 * A new secret with the same name, scopes and lifetime; the old one keeps working for
 * `overlapHours` (never past its own expiry), so a pipeline can switch without an outage.
 */
export async function rotateApiToken({ ctx, input, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }) {
  assertCan(ctx.actor, "account.manage");
  const user = userOf(ctx);
  const { tokenId, overlapHours } = parse(ZRotateToken, input);
  return db().$transaction(async (tx) => {
    const old = await tx.apiToken.findUnique({ where: { id: tokenId }, select: { userId: true, name: true, scopes: true, expiresAt: true, createdAt: true, revokedAt: true } });
    if (!old || old.userId !== user.id) throw new AppError("NOT_FOUND", "That token does not exist.");
    if (old.revokedAt || (old.expiresAt && old.expiresAt <= now)) throw new AppError("CONFLICT", "That token is revoked or expired: create a new one.");
    const lifetime = (old.expiresAt ?? new Date(old.createdAt.getTime() + 90 * 86_400_000)).getTime() - old.createdAt.getTime();
    const t = await insertToken(tx, user.id, { name: old.name, scopes: old.scopes, expiresAt: new Date(now.getTime() + lifetime), rotatedFromId: tokenId });
    const oldUntil = new Date(Math.min(now.getTime() + overlapHours * 3_600_000, old.expiresAt?.getTime() ?? Infinity));
    await tx.apiToken.update({ where: { id: tokenId }, data: { expiresAt: oldUntil } });
    await appendAudit(tx, ctx, { action: "apiToken.rotate", targetType: "apiToken", targetId: t.id, before: { tokenId, expiresAt: old.expiresAt }, after: { oldValidUntil: oldUntil } });
    return { ...t, oldValidUntil: oldUntil };
  });
}

export type TokenActor = { actor: Extract<Actor, { type: "token" }>; tokenId: string; scopes: Scope[] };

/**
 * The actor a bearer secret stands for, or null: unknown, revoked, expired, or its owner
 * deactivated or still invited. The role is read now, so a demotion narrows the token at once.
 */
export async function resolveApiToken(secret: string, now = new Date()): Promise<TokenActor | null> {
  if (!secret.startsWith(TOKEN_PREFIX)) return null;
  const t = await db().apiToken.findUnique({
    where: { tokenHash: hashToken(secret) },
    select: { id: true, name: true, scopes: true, expiresAt: true, revokedAt: true, lastUsedAt: true, user: { select: { id: true, email: true, role: true, active: true, inviteExpiresAt: true } } },
  });
  if (!t || t.revokedAt || (t.expiresAt && t.expiresAt <= now)) return null;
  if (!t.user.active || t.user.inviteExpiresAt || !isRole(t.user.role)) return null;
  // Last used to the minute: one write per token per minute, not one per call.
  if (!t.lastUsedAt || now.getTime() - t.lastUsedAt.getTime() > 60_000) {
    await db().apiToken.update({ where: { id: t.id }, data: { lastUsedAt: now } });
  }
  return {
    actor: { type: "token", id: t.id, label: `${t.name} (token of ${t.user.email})`, role: t.user.role, userId: t.user.id },
    tokenId: t.id,
    scopes: t.scopes.filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)),
  };
}

/** The signed-in user's tokens, newest first, without secrets. */
export async function listOwnTokens(userId: string) {
  return db().apiToken.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, scopes: true, prefix: true, expiresAt: true, lastUsedAt: true, revokedAt: true, createdAt: true, rotatedFromId: true },
  });
}

/** Every user's tokens, for administrators. */
export async function listAllTokens() {
  return db().apiToken.findMany({
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, scopes: true, prefix: true, expiresAt: true, lastUsedAt: true, revokedAt: true, createdAt: true, user: { select: { email: true, name: true } } },
  });
}
