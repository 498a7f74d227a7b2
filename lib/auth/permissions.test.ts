import { describe, expect, it } from "vitest";
import { ACTIONS, can, PERMISSIONS, ROLES } from "./permissions";

describe("permissions table", () => {
  it.each([
    ["viewer", "incident.read", true],
    ["viewer", "incident.declare", false],
    ["viewer", "service.manage", false],
    ["oncall", "incident.declare", true],
    ["oncall", "user.manage", false],
    ["teamlead", "incident.changeStatus", true],
    ["productowner", "incident.declare", false],
    ["admin", "user.manage", true],
    ["admin", "service.manage", true],
    ["admin", "contacts.manage", true],
    ["teamlead", "contacts.manage", false],
    ["admin", "settings.manage", true],
    ["oncall", "settings.manage", false],
    ["oncall", "deployment.write", true],
    ["teamlead", "deployment.write", true],
    ["productowner", "deployment.write", false],
    ["viewer", "deployment.write", false],
    ["viewer", "deployment.read", true],
  ] as const)("%s may %s: %s", (role, action, expected) => {
    expect(can(role, action)).toBe(expected);
  });

  it("gives unknown or missing roles nothing", () => {
    for (const action of ACTIONS) {
      expect(can("root", action)).toBe(false);
      expect(can(undefined, action)).toBe(false);
      expect(can("__proto__", action)).toBe(false);
    }
  });

  it("grants admins every action and every role can read incidents", () => {
    expect([...PERMISSIONS.admin].sort()).toEqual([...ACTIONS].sort());
    for (const role of ROLES) expect(can(role, "incident.read")).toBe(true);
    for (const role of ROLES) expect(can(role, "account.manage")).toBe(true);
  });
});
