import { describe, expect, it } from "vitest";
import { nextUpdateDue } from "./cadence";

const t = (m: number) => new Date(Date.UTC(2026, 10, 23, 12, m));

describe("update cadence", () => {
  it("counts from detection until the first public update, then from the latest one", () => {
    expect(nextUpdateDue(15, null, t(0))).toEqual(t(15));
    expect(nextUpdateDue(15, t(20), t(0))).toEqual(t(35));
  });
  it("has no cadence without an interval", () => {
    expect(nextUpdateDue(null, null, t(0))).toBeNull();
  });
});
