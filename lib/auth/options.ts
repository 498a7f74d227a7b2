import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db } from "../db/client.ts";
import { env } from "../env.ts";
import { appendAudit } from "../audit/index.ts";
import { isRole } from "./permissions.ts";
import { authorizeCredentials, type RollcallUser } from "./credentials.ts";
import { mapOidcRole, oidcEmailVerified } from "./oidc.ts";
import { safeCallbackUrl } from "./redirect.ts";

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
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
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
          }
        }
        return token;
      },
      session({ session, token }) {
        if (session.user && typeof token.uid === "string" && isRole(token.role)) {
          Object.assign(session.user, { id: token.uid, role: token.role });
        }
        return session;
      },
    },
    logger: {
      error: (code, meta) => console.error(`[auth] ${code}`, meta instanceof Error ? meta.message : ""),
      warn: (code) => console.warn(`[auth] ${code}`),
      debug: () => {},
    },
  };
}
