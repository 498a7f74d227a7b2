import { db } from "../db/client.ts";
import { AUTOMATION_LABEL, SYSTEM, type Ctx } from "../auth/actor.ts";
import { recordIncidentChange } from "../incidents/record.ts";
import { escalationPath } from "../contacts/escalation-path.ts";
import { approvalEvent } from "./request-rollback.ts";
import { escalationDue, nextEscalationAt } from "./escalation.ts";
import { queueEscalationNotice } from "./notify-escalation.ts";
import { APPROVALS_SWEEP_LOCK as SWEEP_LOCK } from "../db/locks.ts";


/**
 * Expires and escalates pending requests along the escalation path in use (the saved path, else
 * the policy's; see lib/contacts/escalation-path.ts), queueing a message to the reached step's
 * contacts in the same transaction. Safe to call from every instance on a timer: a
 * transaction-level try-lock lets one instance sweep at a time, and each change is conditional.
 */
export async function sweepApprovals(now = new Date()): Promise<{ expired: number; escalated: number }> {
  const ctx: Ctx = { actor: SYSTEM };
  const events: Parameters<typeof approvalEvent>[] = [];
  const counts = await db().$transaction(async (tx) => {
    const [lock] = await tx.$queryRaw<{ ok: boolean }[]>`select pg_try_advisory_xact_lock(${SWEEP_LOCK}) as ok`;
    if (!lock?.ok) return { expired: 0, escalated: 0 };
    const select = {
      id: true, severity: true, approverRoles: true, createdAt: true, escalationLevel: true, policyVersion: true, scope: true, target: true, reason: true, quorum: true,
      requestedBy: { select: { name: true } }, incident: { select: { id: true, key: true, title: true, decision: true } },
    } as const;
    const path = (await escalationPath(tx)).steps;

    const expiring = await tx.rollbackRequest.findMany({ where: { status: "pending", expiresAt: { lte: now } }, select });
    for (const r of expiring) {
      await tx.rollbackRequest.update({ where: { id: r.id }, data: { status: "expired", decidedAt: now } });
      await recordIncidentChange(tx, ctx, {
        incidentId: r.incident.id, incidentKey: r.incident.key, kind: "rollback_expired",
        payload: { requestId: r.id, policyVersion: r.policyVersion }, action: "rollback.expire",
        before: { status: "pending" }, after: { status: "expired" },
      });
      events.push([{ requestId: r.id, incidentKey: r.incident.key, incidentTitle: r.incident.title, severity: r.severity, kind: "expired", status: "expired", by: "Rollcall" }, r.approverRoles]);
    }

    const due = await tx.rollbackRequest.findMany({ where: { status: "pending", nextEscalationAt: { lte: now } }, select });
    let escalated = 0;
    for (const r of due) {
      const responseMinutes = (r.incident.decision as { responseMinutes?: number } | null)?.responseMinutes ?? 60;
      const level = Math.max(r.escalationLevel, escalationDue(path, responseMinutes, r.createdAt, now));
      const added = path.slice(1, level + 1).map((s) => s.approverRole).filter((x): x is NonNullable<typeof x> => Boolean(x));
      const roles = [...new Set([...r.approverRoles, ...added])];
      await tx.rollbackRequest.update({
        where: { id: r.id },
        data: { escalationLevel: level, approverRoles: roles, nextEscalationAt: nextEscalationAt(path, responseMinutes, r.createdAt, level) },
      });
      if (level === r.escalationLevel) continue;
      escalated++;
      const step = path[level];
      const notice = await queueEscalationNotice(
        tx,
        {
          incident: r.incident, severity: r.severity, approverRoles: roles,
          request: { scope: r.scope ?? "not assessed", target: r.target, reason: r.reason, requestedBy: r.requestedBy?.name ?? AUTOMATION_LABEL, createdAt: r.createdAt, quorum: r.quorum },
          step: { role: step?.role ?? `level ${level}`, level, of: path.length },
        },
        path.slice(r.escalationLevel + 1, level + 1),
        now,
      );
      await recordIncidentChange(tx, ctx, {
        incidentId: r.incident.id, incidentKey: r.incident.key, kind: "rollback_escalated",
        payload: {
          requestId: r.id, level, to: step?.role ?? null, contact: notice.contacts.join(", ") || step?.contact || "", approverRoles: roles,
          notifiedVia: notice.channels, messageId: notice.messageId, undelivered: notice.undelivered,
        },
        action: "rollback.escalate",
        before: { escalationLevel: r.escalationLevel, approverRoles: r.approverRoles },
        after: { escalationLevel: level, approverRoles: roles, notifiedVia: notice.channels, undelivered: notice.undelivered },
      });
      events.push([{ requestId: r.id, incidentKey: r.incident.key, incidentTitle: r.incident.title, severity: r.severity, kind: "escalated", status: "pending", by: "Rollcall" }, roles]);
    }
    return { expired: expiring.length, escalated };
  });
  for (const e of events) approvalEvent(...e);
  return counts;
}
