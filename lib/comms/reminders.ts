import { db } from "../db/client.ts";
import { SYSTEM } from "../auth/actor.ts";
import { recordIncidentChange } from "../incidents/record.ts";
import { updateDue } from "../incidents/queries.ts";
import { ACTIVE_STATUSES } from "../incidents/schemas.ts";
import { publish } from "../realtime/publish.ts";
import { rooms } from "../realtime/events.ts";

export type Reminder = { incidentKey: string; title: string; severity: string; due: string; userId: string | null };

/**
 * The stakeholder update of an active incident is due: once per due time, put it on the timeline
 * and remind the commander (or, with none named, whoever declared it) in the app. Every instance
 * may run this; the advisory lock and the re-check inside it make one reminder per due time.
 */
export async function remindDueUpdates(now = new Date()): Promise<Reminder[]> {
  const incidents = await db().incident.findMany({
    where: { status: { in: ACTIVE_STATUSES } },
    select: {
      id: true, key: true, title: true, severity: true, status: true, detectedAt: true, decision: true, commanderId: true, declaredById: true,
      publicUpdates: { orderBy: { createdAt: "desc" }, take: 1, select: { createdAt: true } },
    },
  });
  const sent: Reminder[] = [];
  for (const i of incidents) {
    const due = updateDue(i);
    if (!due || due > now) continue;
    const iso = due.toISOString();
    const reminded = await db().$transaction(async (tx) => {
      await tx.$executeRaw`select pg_advisory_xact_lock(hashtext(${`update-reminder:${i.key}`}))`;
      const last = await tx.timelineEvent.findFirst({ where: { incidentId: i.id, kind: "update_reminder" }, orderBy: { id: "desc" }, select: { payload: true } });
      if ((last?.payload as { due?: string } | null)?.due === iso) return false;
      const interval = (i.decision as { updateIntervalMinutes?: number } | null)?.updateIntervalMinutes ?? null;
      await recordIncidentChange(tx, { actor: SYSTEM }, {
        incidentId: i.id, incidentKey: i.key, kind: "update_reminder",
        payload: { due: iso, intervalMinutes: interval, lastUpdateAt: i.publicUpdates[0]?.createdAt ?? null },
        action: "comms.update_reminder", after: { due: iso },
      });
      return true;
    });
    if (!reminded) continue;
    const userId = i.commanderId ?? i.declaredById;
    const r: Reminder = { incidentKey: i.key, title: i.title, severity: i.severity, due: iso, userId };
    sent.push(r);
    publish([rooms.incident(i.key)], "incident:changed", { key: i.key, kind: "note", title: i.title, severity: i.severity, status: i.status, by: "Rollcall", at: now.toISOString() });
    if (userId) publish([rooms.user(userId)], "update:due", { incidentKey: i.key, title: i.title, severity: i.severity, due: iso });
  }
  return sent;
}

export type DueUpdate = { key: string; title: string; severity: string; due: Date };

/** Active incidents this user commands (or declared, with no commander) whose stakeholder update is due. */
export async function myDueUpdates(userId: string, now = new Date()): Promise<DueUpdate[]> {
  const rows = await db().incident.findMany({
    where: { status: { in: ACTIVE_STATUSES }, OR: [{ commanderId: userId }, { commanderId: null, declaredById: userId }] },
    select: { key: true, title: true, severity: true, detectedAt: true, decision: true, publicUpdates: { orderBy: { createdAt: "desc" }, take: 1, select: { createdAt: true } } },
    take: 50,
  });
  return rows.flatMap((r) => {
    const due = updateDue(r);
    return due && due <= now ? [{ key: r.key, title: r.title, severity: r.severity, due }] : [];
  });
}
