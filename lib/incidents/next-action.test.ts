import { describe, expect, it } from "vitest";
import { nextAction, type NextActionInput } from "./next-action";

const all = { request: true, operate: true, start: true, changeStatus: true, publish: true };
const none = { request: false, operate: false, start: false, changeStatus: false, publish: false };
const base: NextActionInput = { status: "detected", rollback: null, run: null, updateOverdueMinutes: null, may: all };

describe("what an incident waits for and what to do now", () => {
  it.each<[string, Partial<NextActionInput>, string, string | null]>([
    ["declared, nothing requested", {}, "A decision: roll back or fix forward", "Request a rollback"],
    ["awaiting approval, may decide", { rollback: { state: "awaiting_approval", startError: null, canDecide: true } }, "Approval of the rollback", "Approve or reject the rollback"],
    ["awaiting approval, may not decide", { rollback: { state: "awaiting_approval", startError: null, canDecide: false } }, "Approval of the rollback", null],
    ["approved but the start failed", { rollback: { state: "approved", startError: "DEMO_SERVICE_URL is not set", canDecide: false } }, "The approved rollback to be started (it could not start by itself)", "Start the approved rollback"],
    ["running", { status: "rolling_back", run: { status: "running", pauseReason: null, currentStep: "Deploy v1", waitsFor: null } }, "The rollback to finish: Deploy v1", null],
    ["paused at the checklist", { status: "rolling_back", run: { status: "paused", pauseReason: "needs a person", currentStep: "Checklist", waitsFor: "confirm" } }, "A person to confirm a step", "Confirm the checklist"],
    ["paused on a failed step", { status: "rolling_back", run: { status: "paused", pauseReason: "failed", currentStep: "Deploy", waitsFor: "operator" } }, "A person to retry, skip or abort a step", "Decide: retry, skip or abort"],
    ["monitoring", { status: "monitoring" }, "Confirmation that the service is healthy", "Resolve when healthy"],
    ["update overdue", { status: "investigating", updateOverdueMinutes: 7 }, "A stakeholder update (due 7 min ago)", "Post the overdue update"],
    ["resolved", { status: "resolved" }, "A review, then closing", "Close after the review"],
    ["closed", { status: "closed" }, "Nothing: closed", null],
  ])("%s", (_name, over, waitingFor, label) => {
    const r = nextAction({ ...base, ...over });
    expect(r.waitingFor).toBe(waitingFor);
    expect(r.action?.label ?? null).toBe(label);
  });

  it("the one action leads to where it is done: a paused step's own form, the status page form for an overdue update", () => {
    const paused = nextAction({ ...base, status: "rolling_back", run: { status: "paused", pauseReason: "", currentStep: "Checklist", waitsFor: "confirm", stepId: "s-5" } });
    expect(paused.action).toMatchObject({ kind: "operate", href: "#step-s-5" });
    const unknownStep = nextAction({ ...base, status: "rolling_back", run: { status: "paused", pauseReason: "", currentStep: null, waitsFor: "operator" } });
    expect(unknownStep.action?.href).toBe("#live-run-h");
    expect(nextAction({ ...base, status: "investigating", updateOverdueMinutes: 3 }).action).toMatchObject({ kind: "update", href: "#public-h" });
    expect(nextAction(base).action).toMatchObject({ kind: "request", href: "#rollback-h" });
  });

  it("a paused run comes before an overdue update: the rollback needs the person first", () => {
    const r = nextAction({ ...base, status: "rolling_back", updateOverdueMinutes: 12, run: { status: "paused", pauseReason: "", currentStep: "Checklist", waitsFor: "confirm" } });
    expect(r.action?.label).toBe("Confirm the checklist");
  });

  it("a viewer is told what the incident waits for, and is offered no action", () => {
    for (const over of [{}, { status: "monitoring" as const }, { rollback: { state: "approved" as const, startError: null, canDecide: false } }]) {
      const r = nextAction({ ...base, ...over, may: none });
      expect(r.action).toBeNull();
      expect(r.waitingFor.length).toBeGreaterThan(0);
    }
  });
});
