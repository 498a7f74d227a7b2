// A rollback's one state, derived from its record's gate status and its run (never stored twice).
// requested → awaiting approval → approved → running → paused → succeeded / failed / aborted,
// or rejected / expired / cancelled. Pure.

export type RollbackState = "awaiting_approval" | "approved" | "running" | "paused" | "succeeded" | "failed" | "aborted" | "rejected" | "expired" | "cancelled";

type GateStatus = "pending" | "approved" | "overridden" | "rejected" | "expired" | "cancelled";
type RunStatus = "running" | "paused" | "succeeded" | "failed" | "aborted";

export function rollbackState(r: { status: GateStatus; run: { status: RunStatus } | null }): RollbackState {
  if (r.run) return r.run.status;
  if (r.status === "pending") return "awaiting_approval";
  if (r.status === "approved" || r.status === "overridden") return "approved";
  return r.status;
}

export const ROLLBACK_STATE_LABELS: Record<RollbackState, string> = {
  awaiting_approval: "Awaiting approval",
  approved: "Approved, not started",
  running: "Running",
  paused: "Paused: needs a person",
  succeeded: "Succeeded",
  failed: "Failed",
  aborted: "Aborted",
  rejected: "Rejected",
  expired: "Expired",
  cancelled: "Cancelled",
};

/** Still open: something may yet happen (the incident page shows these first). */
export function isOpen(s: RollbackState): boolean {
  return s === "awaiting_approval" || s === "approved" || s === "running" || s === "paused";
}
