import { describe, expect, it } from "vitest";
import { mapOidcRole, oidcEmailVerified } from "./oidc";

describe("OIDC role mapping", () => {
  it("defaults to viewer without the claim", () => {
    expect(mapOidcRole({ sub: "1" }, "roles")).toBe("viewer");
  });
  it("maps groups through the table and picks the highest role", () => {
    const p = { groups: ["staff", "sre", "leads"] };
    expect(mapOidcRole(p, "groups", "sre=oncall, leads=teamlead")).toBe("teamlead");
  });
  it("accepts a claim that names a role directly and ignores unknown values", () => {
    expect(mapOidcRole({ roles: "oncall" }, "roles")).toBe("oncall");
    expect(mapOidcRole({ roles: ["superuser"] }, "roles")).toBe("viewer");
  });
});

describe("OIDC email verification", () => {
  it("trusts only an explicit email_verified true", () => {
    expect(oidcEmailVerified({ email: "a@b.test", email_verified: true })).toBe(true);
    expect(oidcEmailVerified({ email: "a@b.test", email_verified: "true" })).toBe(true);
    for (const v of [false, "false", undefined, null, 1, "yes"]) {
      expect(oidcEmailVerified({ email: "a@b.test", email_verified: v })).toBe(false);
    }
    expect(oidcEmailVerified(undefined)).toBe(false);
  });
});
