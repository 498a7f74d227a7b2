import { describe, expect, it } from "vitest";
import { breakGlassRefusal, DEFAULT_BREAK_GLASS, describeBreakGlass, type BreakGlassRule } from "./break-glass";
import { ZApproval } from "./schema";

const request = { requestedById: "u-requester", severity: "MEDIUM" };
const OWN = /^You asked for this rollback/;
const ROLE = /^Under the policy only teamlead or admin may break glass on a MEDIUM request\.$/;

describe("break-glass: who may override the gate on whose request", () => {
  it.each<[string, BreakGlassRule, string | null, string, RegExp | null]>([
    ["default: the requester may not", DEFAULT_BREAK_GLASS, "u-requester", "oncall", OWN],
    ["default: another on-call engineer may", DEFAULT_BREAK_GLASS, "u-other", "oncall", null],
    ["default: a non-person actor is never the requester", DEFAULT_BREAK_GLASS, null, "admin", null],
    ["ownRequest: the requester may", { roles: [], ownRequest: true }, "u-requester", "oncall", null],
    ["roles: a listed role may", { roles: ["teamlead", "admin"], ownRequest: false }, "u-other", "teamlead", null],
    ["roles: an unlisted role may not", { roles: ["teamlead", "admin"], ownRequest: false }, "u-other", "oncall", ROLE],
    ["roles and own request: the requester is refused first", { roles: ["teamlead", "admin"], ownRequest: false }, "u-requester", "teamlead", OWN],
    ["roles with ownRequest: a listed requester may", { roles: ["teamlead", "admin"], ownRequest: true }, "u-requester", "admin", null],
  ])("%s", (_name, rule, userId, role, refused) => {
    const why = breakGlassRefusal(rule, { userId, role, request });
    if (refused) expect(why).toMatch(refused);
    else expect(why).toBeNull();
  });

  it("an automation request (no requester) can be overridden by anyone the roles allow", () => {
    expect(breakGlassRefusal(DEFAULT_BREAK_GLASS, { userId: "u-1", role: "oncall", request: { requestedById: null, severity: "HIGH" } })).toBeNull();
  });

  it("a policy that says nothing gets the default", () => {
    expect(ZApproval.parse({ mode: "role", roles: ["teamlead"] }).breakGlass).toEqual(DEFAULT_BREAK_GLASS);
    expect(ZApproval.parse({ mode: "role", roles: ["teamlead"], breakGlass: { roles: ["admin"] } }).breakGlass).toEqual({ roles: ["admin"], ownRequest: false });
    expect(ZApproval.safeParse({ mode: "role", roles: ["teamlead"], breakGlass: { roles: ["viewer"] } }).success).toBe(false);
    expect(ZApproval.safeParse({ mode: "role", roles: ["teamlead"], breakGlass: { own: true } }).success).toBe(false);
  });

  it("reads as a few words on the matrix page", () => {
    expect(describeBreakGlass(DEFAULT_BREAK_GLASS)).toBe("break glass: anyone allowed to, not the requester");
    expect(describeBreakGlass({ roles: ["teamlead", "admin"], ownRequest: true })).toBe("break glass: teamlead or admin, the requester too");
  });
});
