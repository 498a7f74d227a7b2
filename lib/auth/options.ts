import type { NextAuthOptions, User as NextAuthUser } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "../db/client.ts";
import { env } from "../env.ts";
import { appendAudit } from "../audit/index.ts";
import { isRole, type RoleName } from "./permissions.ts";
import { dummyHash, verifyPassword } from "./password.ts";
import { lockedUntil, recordFailure, recordSuccess } from "./throttle.ts";
import { mapOidcRole } from "./oidc.ts";
import { safeCallbackUrl } from "./redirect.ts";

const ZCredentials = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(200),
});

/** The custom server overwrites this header with the socket's address; clients cannot set it. */
export const CLIENT_IP_HEADER = "x-rollcall-client-ip";

function clientIp(headers: unknown): string | null {
  if (!headers || typeof headers !== "object") return null;
  const h = headers as Record<string, string | string[] | undefined> & { get?: (k: string) => string | null };
  const v = typeof h.get === "function" ? h.get(CLIENT_IP_HEADER) : h[CLIENT_IP_HEADER];
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

type RollcallUser = NextAuthUser & { role: RoleName };

async function authorizeCredentials(raw: unknown, headers: unknown): Promise<RollcallUser | null> {
  const parsed = ZCredentials.safeParse(raw);
  if (!parsed.success) return null;
  const email = parsed.data.email.toLowerCase();
  const ip = clientIp(headers);
  const client = db();
  const until = await lockedUntil(client, email, ip);
  if (until) {
    throw new Error(`Too many failed sign-in attempts. Try again after ${until.toISOString().slice(11, 16)} UTC.`);
  }
  const user = await client.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, role: true, active: true, passwordHash: true },
  });
  const ok = await verifyPassword(parsed.data.password, user?.passwordHash ?? (await dummyHash()));
  if (!user || !ok || !user.active) {
    await recordFailure(client, email, ip);
    return null;
  }
  await recordSuccess(client, email);
  await client.$transaction((tx) =>
    appendAudit(
      tx,
      { actor: { type: "user", id: user.id, email: user.email, name: user.name, role: user.role }, ip },
      { action: "auth.signin", targetType: "user", targetId: user.id, after: { method: "credentials" } },
    ),
  );
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

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
      async signIn({ user, account }) {
        if (account?.provider !== "oidc") return true;
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
