import { isRole, type RoleName } from "./permissions.ts";

/**
 * Maps an OIDC claim (string or list, e.g. groups) to a Rollcall role.
 * OIDC_ROLE_MAP "sre=oncall,leads=teamlead" maps group names; otherwise a claim value that is
 * itself a role name is used. The highest mapped role wins; default viewer.
 */
const RANK: RoleName[] = ["viewer", "productowner", "oncall", "teamlead", "admin"];

export function mapOidcRole(profile: Record<string, unknown>, claim: string, map?: string): RoleName {
  const raw = profile[claim];
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
  const table = new Map<string, RoleName>();
  for (const pair of (map ?? "").split(",")) {
    const [k, v] = pair.split("=").map((s) => s.trim());
    if (k && isRole(v)) table.set(k, v);
  }
  let best: RoleName = "viewer";
  for (const value of values) {
    const role = table.get(value) ?? (isRole(value) ? value : undefined);
    if (role && RANK.indexOf(role) > RANK.indexOf(best)) best = role;
  }
  return best;
}

/**
 * Whether the provider vouches for the profile's email address. Rollcall links and creates accounts
 * by email, so an address the person merely typed into their profile at the provider must not
 * open the account that owns it. Some providers send the claim as the string "true".
 */
export function oidcEmailVerified(profile: Record<string, unknown> | undefined): boolean {
  const v = profile?.email_verified;
  return v === true || v === "true";
}
