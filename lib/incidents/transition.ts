import type { Tx } from "../db/client.ts";
import { actorLabel, type Ctx } from "../auth/actor.ts";
import { AppError } from "../errors.ts";
import { publish, publishPublic } from "../realtime/publish.ts";
import { rooms } from "../realtime/events.ts";
import { recordIncidentChange } from "./record.ts";
import { STATUS_LABELS, TRANSITIONS, type StatusName } from "./schemas.ts";

// The only writer of Incident.status. People (changeStatus), rollbacks starting and the run engine
// finishing all come through here, inside their own transaction, with the lifecycle's checks.

type Stamps = {
  acknowledgedAt?: Date;
  decidedAt?: Date;
  rollbackStartedAt?: Date;
  rollbackCompletedAt?: Date;
  resolvedAt?: Date;
  closedAt?: Date;
};

type Current = {
  status: StatusName;
  acknowledgedAt: Date | null;
  decidedAt: Date | null;
  rollbackStartedAt: Date | null;
  rollbackCompletedAt: Date | null;
  resolvedAt: Date | null;
};

/** The lifecycle timestamps a transition sets; first occurrences are kept, never overwritten. */
export function stampsFor(cur: Current, next: StatusName, now: Date): Stamps {
  const s: Stamps = {};
  if (!cur.acknowledgedAt) s.acknowledgedAt = now;
  if (next === "rolling_back") {
    if (!cur.decidedAt) s.decidedAt = now;
    if (!cur.rollbackStartedAt) s.rollbackStartedAt = now;
  }
  if (cur.status === "rolling_back" && next !== "investigating" && !cur.rollbackCompletedAt) {
    s.rollbackCompletedAt = now;
  }
  if (next === "resolved" && !cur.resolvedAt) s.resolvedAt = now;
  if (next === "closed") s.closedAt = now;
  return s;
}

/** A live run of this incident that has not finished: the only thing that makes it "rolling back". */
export async function unfinishedLiveRun(tx: Tx, incidentId: string, exceptRunId?: string) {
  return tx.run.findFirst({
    where: { incidentId, mode: "live", status: { in: ["running", "paused"] }, ...(exceptRunId ? { NOT: { id: exceptRunId } } : {}) },
    select: { id: true, status: true },
  });
}

export type Transition = {
  incidentId: string;
  to: StatusName;
  now: Date;
  note?: string;
  /** A person's edit carries the version it was made against (optimistic concurrency). */
  expectedVersion?: number;
  /** The run whose start or end caused this change, for the timeline. */
  runId?: string;
  /** When the engine moves an incident on, a status a person already changed is left alone. */
  onlyFrom?: StatusName[];
};

export type TransitionDone = { key: string; title: string; severity: string; status: StatusName; from: StatusName; by: string; at: string };

/**
 * Moves an incident to `to` inside the caller's transaction: row lock, lifecycle check, the
 * rolling-back rule (a live run exists and has not finished, in both directions), stamps, timeline
 * and audit. Returns null when nothing changed; publish the result after commit.
 */
export async function transitionIncident(tx: Tx, ctx: Ctx, t: Transition): Promise<TransitionDone | null> {
  await tx.$queryRaw`select 1 from "Incident" where "id" = ${t.incidentId}::uuid for update`;
  const cur = await tx.incident.findUnique({
    where: { id: t.incidentId },
    select: {
      id: true, key: true, title: true, severity: true, status: true, version: true,
      acknowledgedAt: true, decidedAt: true, rollbackStartedAt: true, rollbackCompletedAt: true, resolvedAt: true,
    },
  });
  if (!cur) throw new AppError("NOT_FOUND", "That incident does not exist.");
  if (t.expectedVersion !== undefined && cur.version !== t.expectedVersion) {
    throw new AppError("CONFLICT", "Someone else changed this incident a moment ago. Review the latest state and try again.");
  }
  if (t.onlyFrom && !t.onlyFrom.includes(cur.status)) return null;
  if (cur.status === t.to) return null;
  if (!TRANSITIONS[cur.status].includes(t.to)) {
    throw new AppError("CONFLICT", `An incident that is ${STATUS_LABELS[cur.status].toLowerCase()} cannot become ${STATUS_LABELS[t.to].toLowerCase()}.`, {
      status: [`Not allowed from ${STATUS_LABELS[cur.status]}.`],
    });
  }
  const running = await unfinishedLiveRun(tx, cur.id);
  if (t.to === "rolling_back" && !running) {
    throw new AppError("CONFLICT", "An incident is rolling back only while a rollback runs: request a rollback instead.", {
      status: ["Rolling back follows a running rollback; request one below."],
    });
  }
  if (cur.status === "rolling_back" && running && !t.runId) {
    throw new AppError("CONFLICT", `A rollback is still ${running.status === "paused" ? "paused" : "running"}: finish or abort it first.`, {
      status: ["A rollback is still in progress."],
    });
  }
  const stamps = stampsFor(cur, t.to, t.now);
  await tx.incident.update({ where: { id: cur.id }, data: { status: t.to, version: { increment: 1 }, ...stamps } });
  await recordIncidentChange(tx, ctx, {
    incidentId: cur.id,
    incidentKey: cur.key,
    kind: "status_changed",
    payload: { from: cur.status, to: t.to, note: t.note, ...(t.runId ? { runId: t.runId } : {}) },
    action: "incident.status",
    before: { status: cur.status },
    after: { status: t.to, ...stamps, note: t.note, ...(t.runId ? { runId: t.runId } : {}) },
  });
  return { key: cur.key, title: cur.title, severity: cur.severity, status: t.to, from: cur.status, by: actorLabel(ctx.actor), at: t.now.toISOString() };
}

/** After commit: the board and the incident's page learn of the change. */
export function publishTransition(done: TransitionDone | null) {
  if (!done) return;
  publish([rooms.board, rooms.incident(done.key)], "incident:changed", {
    key: done.key, kind: "status", title: done.title, severity: done.severity, status: done.status, by: done.by, at: done.at,
  });
  // The status page derives service states from open incidents: it re-reads itself (no details sent).
  publishPublic();
}
