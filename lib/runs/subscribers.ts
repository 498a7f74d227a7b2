import { incidentOnRun } from "../incidents/run-hooks.ts";
import { draftsOnRun } from "../comms/run-hooks.ts";
import { deploymentsOnRun } from "../deployments/run-hooks.ts";
import { emitRunEvent, type RunLifecycleEvent } from "./lifecycle.ts";
import type { Tx } from "../db/client.ts";

/** Who hears of a run's start, pause and end, in this order: the incident first, then its messages, then deployment records. */
export const RUN_SUBSCRIBERS = [incidentOnRun, draftsOnRun, deploymentsOnRun] as const;

export function notifyRun(tx: Tx, e: RunLifecycleEvent) {
  return emitRunEvent(tx, RUN_SUBSCRIBERS, e);
}
