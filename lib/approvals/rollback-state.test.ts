import { describe, expect, it } from "vitest";
import { isOpen, rollbackState } from "./rollback-state";

describe("a rollback's state", () => {
  it.each([
    [{ status: "pending", run: null }, "awaiting_approval"],
    [{ status: "approved", run: null }, "approved"],
    [{ status: "overridden", run: null }, "approved"],
    [{ status: "approved", run: { status: "running" } }, "running"],
    [{ status: "overridden", run: { status: "paused" } }, "paused"],
    [{ status: "approved", run: { status: "succeeded" } }, "succeeded"],
    [{ status: "approved", run: { status: "failed" } }, "failed"],
    [{ status: "approved", run: { status: "aborted" } }, "aborted"],
    [{ status: "rejected", run: null }, "rejected"],
    [{ status: "expired", run: null }, "expired"],
    [{ status: "cancelled", run: null }, "cancelled"],
  ] as const)("%j is %s", (record, state) => {
    expect(rollbackState(record)).toBe(state);
  });

  it("is open only while something may still happen", () => {
    expect(["awaiting_approval", "approved", "running", "paused"].every((s) => isOpen(s as never))).toBe(true);
    expect(["succeeded", "failed", "aborted", "rejected", "expired", "cancelled"].some((s) => isOpen(s as never))).toBe(false);
  });
});
