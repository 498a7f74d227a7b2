import { describe, expect, it } from "vitest";
import { stepsFromValues, ZSaveEscalationPath } from "./schemas";
import { escalationText } from "../approvals/notify-escalation";

describe("escalation path form", () => {
  it("reads steps.<i>.<field> back in index order, with or without ticked contacts", () => {
    const values = {
      baseVersion: "3",
      "steps.10.role": "CEO",
      "steps.10.afterMinutes": "120",
      "steps.0.afterMinutes": "0",
      "steps.0.role": "On-call",
      "steps.0.contactIds": ["a", "b"],
      "steps.2.afterMinutes": "30",
      "steps.2.role": "CTO",
      "steps.2.approverRole": "admin",
      "steps.2.contactIds": "c",
      "stepsX.1.role": "ignored",
    };
    expect(stepsFromValues(values)).toEqual([
      { afterMinutes: "0", role: "On-call", approverRole: "", contactIds: ["a", "b"] },
      { afterMinutes: "30", role: "CTO", approverRole: "admin", contactIds: ["c"] },
      { afterMinutes: "120", role: "CEO", approverRole: "", contactIds: [] },
    ]);
  });

  it.each([
    [[0, 15, 30], {}],
    [[5], { "steps.0.afterMinutes": "The first step starts at 0 minutes: it is who a request goes to first." }],
    [[0, 15, 15], { "steps.2.afterMinutes": "Must be later than step 2 (15 min)." }],
    [[0, 30, 20, 40], { "steps.2.afterMinutes": "Must be later than step 2 (30 min)." }],
  ] as const)("minutes %j → %j", (minutes, errors) => {
    const r = ZSaveEscalationPath.safeParse({ baseVersion: "0", steps: minutes.map((m, i) => ({ afterMinutes: String(m), role: `Step ${i}` })) });
    const got = Object.fromEntries((r.error?.issues ?? []).map((i) => [i.path.join("."), i.message]));
    expect(got).toEqual(errors);
  });
});

describe("escalation message", () => {
  it("says which incident, what waits, since when, who may decide, and where", () => {
    const createdAt = new Date("2026-11-23T14:02:00Z");
    const text = escalationText(
      {
        incident: { id: "x", key: "INC-2026-7", title: "Login latency p95 above 2s" },
        severity: "MEDIUM",
        request: { scope: "database_application", target: "v2.13.4", reason: "p95 tripled", requestedBy: "Omar On-call", createdAt, quorum: 2 },
        step: { role: "DevOps lead", level: 1, of: 3 },
        approverRoles: ["teamlead", "custom"],
      },
      new Date("2026-11-23T14:18:30Z"),
      "https://rollcall.example/",
    );
    expect(text.subject).toBe("Escalated to DevOps lead: rollback approval waiting on INC-2026-7 (MEDIUM)");
    expect(text.body.split("\n")).toEqual([
      'INC-2026-7 "Login latency p95 above 2s" (MEDIUM) has a rollback request waiting for approval since 2026-11-23 14:02 UTC (16 min ago).',
      "Waiting: roll back database application to v2.13.4, requested by Omar On-call. Reason: p95 tripled",
      "Escalated to: DevOps lead (step 2 of 3).",
      "Who may decide now: Team lead, custom (2 approvals needed).",
      "Decide in Rollcall: https://rollcall.example/approvals",
    ]);
  });
});
