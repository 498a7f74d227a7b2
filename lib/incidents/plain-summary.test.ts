import { describe, expect, it } from "vitest";
import { approverWords, plainSummary, type PlainSummaryInput } from "./plain-summary";

const base: PlainSummaryInput = { phase: "declared", services: "Demo Checkout", target: null, approvers: null, run: null, rolledBack: false };

describe("the plain summary a stakeholder reads", () => {
  it.each<[string, Partial<PlainSummaryInput>, string, number | null]>([
    ["declared", {}, "The team is finding the cause on Demo Checkout and deciding whether to roll back.", null],
    ["awaiting approval", { phase: "awaiting_approval", target: "v1", approvers: "a team lead" }, "A rollback of Demo Checkout to v1 is waiting for approval by a team lead.", null],
    ["running", { phase: "running", target: "v1", run: { done: 2, total: 5, waitsFor: null } }, "Rolling back Demo Checkout to v1: step 3 of 5.", 40],
    ["paused at the checklist", { phase: "paused", target: "v1", run: { done: 4, total: 5, waitsFor: "confirm" } }, "The rollback of Demo Checkout to v1 waits for the team to confirm its final checks.", 80],
    ["paused on a failed step", { phase: "paused", target: "v1", run: { done: 2, total: 5, waitsFor: "operator" } }, "The rollback of Demo Checkout to v1 waits for the team to decide on a step that did not work.", 40],
    ["monitoring after a rollback", { phase: "monitoring", target: "v1", rolledBack: true }, "Demo Checkout was rolled back to v1; the team is watching that it stays healthy.", null],
    ["monitoring after a fix", { phase: "monitoring" }, "Demo Checkout has a fix in place; the team is watching that it stays healthy.", null],
    ["resolved", { phase: "resolved", target: "v1", rolledBack: true }, "The problem is fixed (rolled back to v1); the team reviews what happened.", null],
  ])("%s", (_name, over, doing, progress) => {
    const s = plainSummary({ ...base, ...over });
    expect(s.doing).toBe(doing);
    expect(s.progress).toBe(progress);
  });

  it("never names a status the incident is not in (the badge beside it says the status)", () => {
    const words = ["Detected", "Resolved", "Monitoring", "Investigating", "Closed"];
    for (const phase of ["declared", "awaiting_approval", "approved", "running", "paused", "monitoring"] as const) {
      const s = plainSummary({ ...base, phase, target: "v1", run: { done: 1, total: 5, waitsFor: "confirm" }, rolledBack: true });
      for (const w of words) expect(s.doing, `${phase}: ${s.doing}`).not.toContain(w);
    }
    expect(plainSummary({ ...base, phase: "monitoring", rolledBack: true }).doing).not.toContain("Rolling back");
  });

  it("says roles as people do", () => {
    expect(approverWords(["teamlead"])).toBe("a team lead");
    expect(approverWords(["teamlead", "productowner"])).toBe("a team lead or a product owner");
    expect(approverWords([])).toBeNull();
  });
});
