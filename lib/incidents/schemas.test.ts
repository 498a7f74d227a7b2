import { describe, expect, it } from "vitest";
import { ZCreateIncident, ZUpdateImpact, TRANSITIONS, STATUSES } from "./schemas";
import { stampsFor } from "./transition";

const svc = "3f1c2a4e-8b7d-4c1a-9e2f-0a1b2c3d4e5f";

describe("ZCreateIncident", () => {
  it("accepts a complete declaration and trims text", () => {
    const r = ZCreateIncident.parse({ title: "  API down ", trigger: "System completely down", severity: "CRITICAL", serviceIds: [svc] });
    expect(r.title).toBe("API down");
    expect(r.summary).toBe("");
  });

  it("names the limit when the title is too long", () => {
    const r = ZCreateIncident.safeParse({ title: "x".repeat(141), trigger: "abc", severity: "HIGH", serviceIds: [svc] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain("140");
  });

  it("requires a severity from the matrix and at least one service", () => {
    const r = ZCreateIncident.safeParse({ title: "Something", trigger: "abc", severity: "SEVERE", serviceIds: [] });
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["severity", "serviceIds"]));
  });
});

describe("ZUpdateImpact", () => {
  it("turns blanks into null and dollars into cents", () => {
    const r = ZUpdateImpact.parse({ key: "INC-2026-1", version: "3", usersAffected: "", revenueImpact: "1234.56", dataLoss: "" });
    expect(r).toMatchObject({ usersAffected: null, revenueImpact: 123456n, dataLoss: null, version: 3 });
  });

  it("refuses negative and non-numeric figures with a message", () => {
    const r = ZUpdateImpact.safeParse({ key: "INC-2026-1", version: "0", usersAffected: "-3", revenueImpact: "lots", dataLoss: "" });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path[0])).toEqual(expect.arrayContaining(["usersAffected", "revenueImpact"]));
  });
});

describe("status lifecycle", () => {
  const t0 = new Date("2026-11-23T10:00:00Z");
  const blank = { acknowledgedAt: null, decidedAt: null, rollbackStartedAt: null, rollbackCompletedAt: null, resolvedAt: null };

  it("closed is final and every other status has a way forward", () => {
    expect(TRANSITIONS.closed).toEqual([]);
    for (const s of STATUSES.filter((x) => x !== "closed")) expect(TRANSITIONS[s].length).toBeGreaterThan(0);
  });

  it("starting a rollback records acknowledgement, decision and rollback start", () => {
    expect(stampsFor({ status: "detected", ...blank }, "rolling_back", t0)).toEqual({ acknowledgedAt: t0, decidedAt: t0, rollbackStartedAt: t0 });
  });

  it("leaving a rollback for monitoring completes it; going back to investigating does not", () => {
    const cur = { status: "rolling_back" as const, ...blank, acknowledgedAt: t0, decidedAt: t0, rollbackStartedAt: t0 };
    const t1 = new Date(t0.getTime() + 60_000);
    expect(stampsFor(cur, "monitoring", t1)).toEqual({ rollbackCompletedAt: t1 });
    expect(stampsFor(cur, "investigating", t1)).toEqual({});
  });

  it("keeps first occurrences: a second rollback does not move the first start", () => {
    const cur = { status: "monitoring" as const, ...blank, acknowledgedAt: t0, decidedAt: t0, rollbackStartedAt: t0, rollbackCompletedAt: t0 };
    expect(stampsFor(cur, "rolling_back", new Date(t0.getTime() + 1))).toEqual({});
  });
});
