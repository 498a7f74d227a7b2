import { describe, expect, it } from "vitest";
import { setupChecklist, type ChecklistItemId, type SetupCounts } from "./checklist";

const FRESH: SetupCounts = {
  services: 0,
  activePolicyVersion: "abc123",
  reviewedPolicyVersion: null,
  deliveredChannelTests: 0,
  contacts: 0,
  escalationPathVersions: 0,
  teamMembers: 0,
  succeededDrills: 0,
};
const ALL: SetupCounts = { ...FRESH, services: 2, reviewedPolicyVersion: "abc123", deliveredChannelTests: 1, contacts: 3, escalationPathVersions: 1, teamMembers: 4, succeededDrills: 1 };

const ORDER: ChecklistItemId[] = ["services", "matrix", "channel", "contacts", "team", "drill"];

function doneIds(c: SetupCounts): ChecklistItemId[] {
  return setupChecklist(c).items.filter((i) => i.done).map((i) => i.id);
}

describe("setupChecklist", () => {
  it("lists six items in order, each linking to the page that does it", () => {
    const list = setupChecklist(FRESH);
    expect(list.items.map((i) => [i.id, i.href])).toEqual([
      ["services", "/services"],
      ["matrix", "/matrix"],
      ["channel", "/admin/channels"],
      ["contacts", "/admin/contacts"],
      ["team", "/admin/users"],
      ["drill", "/runbooks"],
    ]);
    expect(list.items[0]!.detail).toBe("or point SERVICES_FILE at a catalogue file");
    expect(list.items.find((i) => i.id === "channel")!.why).toBe("Incident messages and escalations need somewhere to go.");
  });

  it.each<[string, Partial<SetupCounts>, ChecklistItemId[]]>([
    ["a fresh install: nothing done", {}, []],
    ["one service", { services: 1 }, ["services"]],
    ["the active version reviewed", { reviewedPolicyVersion: "abc123" }, ["matrix"]],
    ["an older version reviewed", { reviewedPolicyVersion: "old999" }, []],
    ["a review but no valid policy loaded", { activePolicyVersion: null, reviewedPolicyVersion: "abc123" }, []],
    ["a delivered channel test", { deliveredChannelTests: 1 }, ["channel"]],
    ["contacts without an escalation path", { contacts: 2 }, []],
    ["an escalation path without contacts", { escalationPathVersions: 1 }, []],
    ["contacts and an escalation path", { contacts: 1, escalationPathVersions: 1 }, ["contacts"]],
    ["a team member", { teamMembers: 1 }, ["team"]],
    ["a succeeded drill", { succeededDrills: 1 }, ["drill"]],
    ["all but the drill", { ...ALL, succeededDrills: 0 }, ["services", "matrix", "channel", "contacts", "team"]],
  ])("%s", (_name, counts, expected) => {
    const list = setupChecklist({ ...FRESH, ...counts });
    expect(doneIds({ ...FRESH, ...counts })).toEqual(expected);
    expect(list.done).toBe(expected.length);
    expect(list.total).toBe(6);
    expect(list.visible).toBe(true);
  });

  it("says the policy changed when an older version was reviewed, and not otherwise", () => {
    const matrix = (c: Partial<SetupCounts>) => setupChecklist({ ...FRESH, ...c }).items.find((i) => i.id === "matrix")!;
    expect(matrix({ reviewedPolicyVersion: "old999" }).why).toBe("The policy changed since it was reviewed.");
    expect(matrix({}).why).not.toContain("changed");
    expect(matrix({ activePolicyVersion: null }).why).toMatch(/^No valid policy is loaded/);
  });

  it("says which half of contacts and escalation is missing", () => {
    const contacts = (c: Partial<SetupCounts>) => setupChecklist({ ...FRESH, ...c }).items.find((i) => i.id === "contacts")!.why;
    expect(contacts({ contacts: 1 })).toMatch(/save the escalation path/);
    expect(contacts({ escalationPathVersions: 1 })).toMatch(/reaches nobody/);
  });

  it("is hidden once every item is done", () => {
    const list = setupChecklist(ALL);
    expect(list.items.map((i) => i.id)).toEqual(ORDER);
    expect(list.items.every((i) => i.done)).toBe(true);
    expect(list.done).toBe(6);
    expect(list.visible).toBe(false);
  });
});
