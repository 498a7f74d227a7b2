import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { Server } from "node:http";
import Provider from "oidc-provider";

// A real OpenID provider (oidc-provider, the certified implementation) on 127.0.0.1 for the single
// sign-on spec. Its login page accepts any password for the accounts below: what is under test is
// what Rollcall does with the claims, not how the provider checks passwords.

const BASE = Number(process.env.E2E_PORT ?? 3107);
/** The Rollcall server configured for single sign-on (playwright.config.ts starts it). */
export const SSO_PORT = BASE + 2;
/** Where the spec starts the provider; the SSO server's OIDC_ISSUER points here. */
export const IDP_PORT = BASE + 3;
export const IDP_ISSUER = `http://127.0.0.1:${IDP_PORT}`;
export const IDP_CLIENT = { id: "rollcall-e2e", secret: "rollcall-e2e-client-secret-0123456789" };
/** The SSO server's OIDC_ROLE_CLAIM and OIDC_ROLE_MAP. */
export const IDP_ROLES = { claim: "groups", map: "sre=oncall,leads=teamlead" };

export type IdpAccount = { email: string; emailVerified: boolean; name: string; groups?: string[] };

export type Idp = { close: () => Promise<void> };

export async function startIdp(accounts: Record<string, IdpAccount>): Promise<Idp> {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const provider = new Provider(IDP_ISSUER, {
    clients: [
      {
        client_id: IDP_CLIENT.id,
        client_secret: IDP_CLIENT.secret,
        redirect_uris: [`http://localhost:${SSO_PORT}/api/auth/callback/oidc`],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: "jwk" }), kid: "e2e", use: "sig", alg: "RS256" }] },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", IDP_ROLES.claim] },
    // Claims in the ID token itself, as many providers send them (next-auth reads the ID token).
    conformIdTokenClaims: false,
    findAccount: (_ctx, id) => {
      const a = accounts[id];
      if (!a) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, email: a.email, email_verified: a.emailVerified, name: a.name, [IDP_ROLES.claim]: a.groups ?? [] }),
      };
    },
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = provider.listen(IDP_PORT, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
