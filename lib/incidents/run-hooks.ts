import type { Tx } from "../db/client.ts";
import { SYSTEM } from "../auth/actor.ts";
import type { RunLifecycleEvent } from "../runs/lifecycle.ts";
import { recordIncidentChange } from "./record.ts";
import { publishTransition, transitionIncident, unfinishedLiveRun } from "./transition.ts";

/**
 * What a run means for its incident. A live run starting makes it rolling back; the last live run
 * ending moves it on (succeeded: monitoring, as the seeds' procedures do; failed or aborted: back
 * to investigating). A pause is a timeline row, whatever the mode.
 */
export async function incidentOnRun(tx: Tx, e: RunLifecycleEvent) {
  if (!e.incidentId) return null;
  const ctx = { actor: SYSTEM };
  if (e.kind === "paused") {
    const inc = await tx.incident.findUnique({ where: { id: e.incidentId }, select: { key: true } });
    if (!inc) return null;
    await recordIncidentChange(tx, ctx, {
      incidentId: e.incidentId, incidentKey: inc.key, kind: "run_paused",
      payload: { runId: e.runId, runbook: e.runbookTitle, mode: e.mode, why: e.why, reason: e.reason },
      action: "run.pause", after: { runId: e.runId, why: e.why, reason: e.reason },
    });
    return null;
  }
  if (e.mode !== "live") return null;
  if (e.kind === "started") {
    const done = await transitionIncident(tx, ctx, { incidentId: e.incidentId, to: "rolling_back", now: e.now, runId: e.runId, note: `${e.runbookTitle} started` });
    return () => publishTransition(done);
  }
  if (await unfinishedLiveRun(tx, e.incidentId, e.runId)) return null;
  const to = e.status === "succeeded" ? "monitoring" : "investigating";
  const note = e.status === "succeeded" ? `${e.runbookTitle} completed and validated` : `${e.runbookTitle} ${e.status === "failed" ? "failed" : "was aborted"}: the rollback did not complete`;
  const done = await transitionIncident(tx, ctx, { incidentId: e.incidentId, to, now: e.now, runId: e.runId, note, onlyFrom: ["rolling_back"] });
  return () => publishTransition(done);
}
