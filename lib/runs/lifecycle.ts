import type { Tx } from "../db/client.ts";
import type { RunMode } from "../db/generated/enums.ts";

// What the engine tells the rest of Rollcall about a run, inside the transaction that changed it.
// Subscribers (lib/runs/subscribers.ts) write their own consequences in that transaction and hand
// back what to publish once it has committed. The engine itself knows nothing of incidents or messages.

export type RunLifecycleEvent =
  | { kind: "started"; runId: string; incidentId: string | null; mode: RunMode; runbookTitle: string; now: Date }
  | { kind: "paused"; runId: string; incidentId: string | null; mode: RunMode; runbookTitle: string; now: Date; why: "failed" | "confirm" | "interrupted"; reason: string }
  | { kind: "finished"; runId: string; incidentId: string | null; mode: RunMode; runbookTitle: string; now: Date; status: "succeeded" | "failed" | "aborted" };

export type AfterCommit = () => void;
export type RunSubscriber = (tx: Tx, e: RunLifecycleEvent) => Promise<AfterCommit | void | null>;

/** Runs every subscriber in order inside `tx`; returns their after-commit effects. */
export async function emitRunEvent(tx: Tx, subscribers: readonly RunSubscriber[], e: RunLifecycleEvent): Promise<AfterCommit[]> {
  const after: AfterCommit[] = [];
  for (const s of subscribers) {
    const effect = await s(tx, e);
    if (effect) after.push(effect);
  }
  return after;
}

export function runAfterCommit(effects: readonly AfterCommit[]) {
  for (const f of effects) f();
}
