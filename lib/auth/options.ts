import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db } from "../db/client.ts";
import { env } from "../env.ts";
import { appendAudit } from "../audit/index.ts";
import { isRole } from "./permissions.ts";
import { authorizeCredentials, type RollcallUser } from "./credentials.ts";
import { mapOidcRole, oidcEmailVerified } from "./oidc.ts";
import { safeCallbackUrl } from "./redirect.ts";
import { revokeSession, SESSION_MAX_AGE_SECONDS, startSession } from "./sessions.ts";
import { disconnectSessions } from "../realtime/publish.ts";

function oidcProvider() {
  const e = env();
  if (!e.OIDC_ISSUER || !e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET) return [];
  return [
    {
      id: "oidc",
      name: "Single sign-on",
      type: "oauth" as const,
      wellKnown: `${e.OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: e.OIDC_CLIENT_ID,
      clientSecret: e.OIDC_CLIENT_SECRET,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"] as ("pkce" | "state")[],
      profile(profile: Record<string, unknown>) {
        return {
          id: String(profile.sub),
          email: String(profile.email ?? ""),
          name: String(profile.name ?? profile.preferred_username ?? profile.email ?? ""),
          role: mapOidcRole(profile, e.OIDC_ROLE_CLAIM, e.OIDC_ROLE_MAP),
        };
      },
    },
  ];
}

export function authOptions(): NextAuthOptions {
  return {
    secret: env().NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        authorize: (credentials, req) => authorizeCredentials(credentials, req?.headers),
      }),
      ...oidcProvider(),
    ],
    callbacks: {
      redirect: ({ url, baseUrl }) => `${new URL(baseUrl).origin}${safeCallbackUrl(url, baseUrl)}`,
      async signIn({ user, account, profile }) {
        if (account?.provider !== "oidc") return true;
        // Accounts are found and created by email: only an address the provider has verified counts.
        if (!oidcEmailVerified(profile as Record<string, unknown> | undefined)) return new URL("/login?error=EmailUnverified", env().NEXTAUTH_URL).href;
        // SSO users are provisioned on first sign-in; an admin-deactivated account stays out.
        const email = user.email?.toLowerCase();
        if (!email) return false;
        const role = (user as Partial<RollcallUser>).role ?? "viewer";
        const existing = await db().user.findUnique({ where: { email }, select: { active: true } });
        if (existing && !existing.active) return false;
        if (!existing) {
          await db().$transaction(async (tx) => {
            const created = await tx.user.create({ data: { email, name: user.name ?? email, role } });
            await appendAudit(tx, { actor: { type: "system", label: "Single sign-on" } }, {
              action: "user.provision",
              targetType: "user",
              targetId: created.id,
              after: { email, role },
            });
          });
        }
        return true;
      },
      async jwt({ token, user, account }) {
        if (user) {
          const row = await db().user.findUnique({
            where: { email: (user.email ?? "").toLowerCase() },
            select: { id: true, role: true },
          });
          if (row) {
            token.uid = row.id;
            token.role = row.role;
            token.provider = account?.provider ?? "credentials";
            // The server-side session this cookie names (credentials sign-in recorded it with the address).
            const sid = (user as { sid?: unknown }).sid;
            token.sid = typeof sid === "string" ? sid : (await startSession(db(), { userId: row.id, method: account?.provider ?? "oidc" })).id;
          }
        }
        return token;
      },
      session({ session, token }) {
        if (session.user && typeof token.uid === "string" && isRole(token.role)) {
          Object.assign(session.user, { id: token.uid, role: token.role, sid: token.sid });
        }
        return session;
      },
    },
    events: {
      // Sign-out ends the session on the server too: a copy of the cookie stops working.
      async signOut({ token }) {
        const sid = typeof token?.sid === "string" ? token.sid : null;
        const uid = typeof token?.uid === "string" ? token.uid : null;
        if (!sid || !uid) return;
        await db().$transaction(async (tx) => {
          const user = await tx.user.findUnique({ where: { id: uid }, select: { id: true, email: true, name: true, role: true } });
          if (!(await revokeSession(tx, sid, "signed-out")) || !user) return;
          await appendAudit(tx, { actor: { type: "user", ...user } }, { action: "auth.signout", targetType: "user", targetId: user.id, after: { session: sid } });
        });
        disconnectSessions([sid], "You signed out.");
      },
    },
    logger: {
      error: (code, meta) => console.error(`[auth] ${code}`, meta instanceof Error ? meta.message : ""),
      warn: (code) => console.warn(`[auth] ${code}`),
      debug: () => {},
    },
  };
}
