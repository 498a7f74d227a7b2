import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePolicy } from "../policy/load";
import { escalationDue, nextEscalationAt } from "./escalation";

const text = readFileSync(path.resolve(import.meta.dirname, "../../policy/default.yaml"), "utf8");
const r = parsePolicy("default.yaml", text);
if (!r.ok) throw new Error("default policy does not load");
const policy = r.loaded.policy;
const t0 = new Date("2026-11-23T12:00:00Z");
const at = (min: number) => new Date(t0.getTime() + min * 60_000);

describe("escalation path (seed 004: on-call 0-15, DevOps lead 15-30, CTO 30+)", () => {
  it("a MEDIUM request (15 min target) goes to the DevOps lead at 15 min and the CTO at 30", () => {
    expect(escalationDue(policy.escalation, 15, t0, at(14.9))).toBe(0);
    expect(escalationDue(policy.escalation, 15, t0, at(15))).toBe(1);
    expect(escalationDue(policy.escalation, 15, t0, at(29))).toBe(1);
    expect(escalationDue(policy.escalation, 15, t0, at(30))).toBe(2);
    expect(nextEscalationAt(policy.escalation, 15, t0, 0)).toEqual(at(15));
    expect(nextEscalationAt(policy.escalation, 15, t0, 1)).toEqual(at(30));
    expect(nextEscalationAt(policy.escalation, 15, t0, 2)).toBeNull();
  });

  it("a LOW request (60 min target) does not escalate before its target", () => {
    expect(escalationDue(policy.escalation, 60, t0, at(59))).toBe(0);
    expect(escalationDue(policy.escalation, 60, t0, at(60))).toBe(2);
  });

  it("the steps name the roles that may then decide", () => {
    expect(policy.escalation.map((s) => s.approverRole ?? null)).toEqual([null, "teamlead", "admin"]);
  });
});
