import { db } from "../db/client.ts";
import { actorLabel, type Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { publish } from "../realtime/publish.ts";
import { rooms } from "../realtime/events.ts";
import { STATUS_LABELS, TRANSITIONS, ZChangeStatus, type StatusName } from "./schemas.ts";
import { recordIncidentChange } from "./record.ts";


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

export async function changeStatus({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "incident.changeStatus");
  const parsed = ZChangeStatus.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { key, status, version, note } = parsed.data;
  const now = new Date();

  const updated = await db().$transaction(async (tx) => {
    const cur = await tx.incident.findUnique({
      where: { key },
      select: {
        id: true, status: true, version: true, acknowledgedAt: true, decidedAt: true,
        rollbackStartedAt: true, rollbackCompletedAt: true, resolvedAt: true,
      },
    });
    if (!cur) throw new AppError("NOT_FOUND", `Incident ${key} does not exist.`);
    if (!TRANSITIONS[cur.status].includes(status)) {
      throw new AppError("CONFLICT", `An incident that is ${STATUS_LABELS[cur.status].toLowerCase()} cannot become ${STATUS_LABELS[status].toLowerCase()}.`, {
        status: [`Not allowed from ${STATUS_LABELS[cur.status]}.`],
      });
    }
    const stamps = stampsFor(cur, status, now);
    const res = await tx.incident.updateMany({
      where: { id: cur.id, version },
      data: { status, version: { increment: 1 }, ...stamps },
    });
    if (res.count === 0) {
      throw new AppError("CONFLICT", "Someone else changed this incident a moment ago. Review the latest state and try again.");
    }
    await recordIncidentChange(tx, ctx, {
      incidentId: cur.id,
      incidentKey: key,
      kind: "status_changed",
      payload: { from: cur.status, to: status, note },
      action: "incident.status",
      before: { status: cur.status },
      after: { status, ...stamps, note },
    });
    return tx.incident.findUniqueOrThrow({ where: { id: cur.id }, select: { key: true, title: true, severity: true, status: true } });
  });

  publish([rooms.board, rooms.incident(key)], "incident:changed", {
    ...updated,
    kind: "status",
    by: actorLabel(ctx.actor),
    at: now.toISOString(),
  });
  return updated;
}
