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
import type { RoleName } from "./permissions.ts";

export type SessionUser = { id: string; email: string; name: string; role: RoleName };

/**
 * The signed-in user, re-read from the database on every request so a deactivation or role
 * change takes effect at once rather than when the JWT expires.
 */
export const getSession = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(authOptions());
  const uid = (session?.user as { id?: string } | undefined)?.id;
  if (!uid) return null;
  const user = await db().user.findUnique({
    where: { id: uid },
    select: { id: true, email: true, name: true, role: true, active: true },
  });
  if (!user || !user.active) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
});

export async function requestIp(): Promise<string | null> {
  return (await headers()).get(CLIENT_IP_HEADER);
}

/** The context for a verb called from a server action or route: throws when signed out. */
export async function requireCtx(): Promise<Ctx> {
  const user = await getSession();
  if (!user) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again.");
  return { actor: { type: "user", ...user }, ip: await requestIp() };
}

/** For pages: the signed-in user, or a redirect to the login page. */
export async function requireUser(): Promise<SessionUser> {
  const user = await getSession();
  if (!user) redirect("/login");
  return user;
}
