import type { Tx } from "../db/client.ts";
import type { RunLifecycleEvent } from "../runs/lifecycle.ts";
import { prepareRollbackDraft } from "./drafts.ts";

/** A live rollback starting, stopped by a failed step, or ending prepares the matching message. */
export async function draftsOnRun(tx: Tx, e: RunLifecycleEvent) {
  if (e.mode !== "live" || !e.incidentId) return null;
  const base = { incidentId: e.incidentId, runId: e.runId, now: e.now };
  if (e.kind === "started") await prepareRollbackDraft(tx, { ...base, trigger: "rollback_started" });
  else if (e.kind === "paused" && e.why === "failed") await prepareRollbackDraft(tx, { ...base, trigger: "rollback_failed" });
  else if (e.kind === "finished" && e.status !== "aborted") await prepareRollbackDraft(tx, { ...base, trigger: e.status === "succeeded" ? "rollback_completed" : "rollback_failed" });
  return null;
}
