import "server-only";
import { cache } from "react";
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { db } from "../db/client.ts";
import { authOptions } from "./options.ts";
import { CLIENT_IP_HEADER } from "./client-ip.ts";
import type { Ctx } from "./actor.ts";
import { AppError } from "../errors.ts";
import { resolveSession, type ResolvedSession, type SessionUser } from "./sessions.ts";

export type { SessionUser };

/** Where someone who must choose a new password is sent, whatever they asked for. */
export const PASSWORD_CHANGE_PATH = "/account/password";

/**
 * The session the request's cookie names, re-read from the database on every request: a revoked
 * session (sign-out, password change, reset), a deactivation or a role change takes effect at once
 * rather than when the JWT expires.
 */
export const getSessionState = cache(async (): Promise<ResolvedSession | null> => {
  const session = await getServerSession(authOptions());
  const u = session?.user as { id?: unknown; sid?: unknown } | undefined;
  return resolveSession(db(), { uid: u?.id, sid: u?.sid });
});

/**
 * The signed-in user, or null. Someone who must first choose a new password counts as signed out
 * everywhere but the password page, so nothing else works for them.
 */
export const getSession = cache(async (): Promise<SessionUser | null> => {
  const s = await getSessionState();
  return s && !s.mustChangePassword ? s.user : null;
});

export async function requestIp(): Promise<string | null> {
  return (await headers()).get(CLIENT_IP_HEADER);
}

/** The context for a verb called from a server action or route: throws when signed out. */
export async function requireCtx(): Promise<Ctx> {
  const s = await getSessionState();
  if (!s) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again.");
  if (s.mustChangePassword) throw new AppError("FORBIDDEN", `Choose a new password first (${PASSWORD_CHANGE_PATH}).`);
  return { actor: { type: "user", ...s.user }, ip: await requestIp() };
}

/** For changing one's own password: allowed while a change is forced; names the current session. */
export async function requireAccountCtx(): Promise<{ ctx: Ctx; sessionId: string; forced: boolean }> {
  const s = await getSessionState();
  if (!s) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again.");
  return { ctx: { actor: { type: "user", ...s.user }, ip: await requestIp() }, sessionId: s.sid, forced: s.mustChangePassword };
}

/** For pages: the signed-in user, or a redirect to the login page (or to the password page). */
export async function requireUser(): Promise<SessionUser> {
  const s = await getSessionState();
  if (!s) redirect("/login");
  if (s.mustChangePassword) redirect(PASSWORD_CHANGE_PATH);
  return s.user;
}
