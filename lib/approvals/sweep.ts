import { db } from "../db/client.ts";
import { SYSTEM, type Ctx } from "../auth/actor.ts";
import { recordIncidentChange } from "../incidents/record.ts";
import { activePolicy } from "../decisions/policy-registry.ts";
import { approvalEvent } from "./request-rollback.ts";
import { escalationDue, nextEscalationAt } from "./escalation.ts";

const SWEEP_LOCK = 7_261_010;

/**
 * Expires and escalates pending requests. Safe to call from every instance on a timer: a
 * transaction-level try-lock lets one instance sweep at a time, and each change is conditional.
 */
export async function sweepApprovals(now = new Date()): Promise<{ expired: number; escalated: number }> {
  const ctx: Ctx = { actor: SYSTEM };
  const { policy } = activePolicy();
  const events: Parameters<typeof approvalEvent>[] = [];
  const counts = await db().$transaction(async (tx) => {
    const [lock] = await tx.$queryRaw<{ ok: boolean }[]>`select pg_try_advisory_xact_lock(${SWEEP_LOCK}) as ok`;
    if (!lock?.ok) return { expired: 0, escalated: 0 };
    const select = { id: true, severity: true, approverRoles: true, createdAt: true, escalationLevel: true, policyVersion: true, incident: { select: { id: true, key: true, title: true, decision: true } } } as const;

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
      const level = Math.max(r.escalationLevel, escalationDue(policy, responseMinutes, r.createdAt, now));
      const added = policy.escalation.slice(1, level + 1).map((s) => s.approverRole).filter((x): x is NonNullable<typeof x> => Boolean(x));
      const roles = [...new Set([...r.approverRoles, ...added])];
      await tx.rollbackRequest.update({
        where: { id: r.id },
        data: { escalationLevel: level, approverRoles: roles, nextEscalationAt: nextEscalationAt(policy, responseMinutes, r.createdAt, level) },
      });
      if (level === r.escalationLevel) continue;
      escalated++;
      const step = policy.escalation[level];
      await recordIncidentChange(tx, ctx, {
        incidentId: r.incident.id, incidentKey: r.incident.key, kind: "rollback_escalated",
        payload: { requestId: r.id, level, to: step?.role ?? null, contact: step?.contact ?? "", approverRoles: roles },
        action: "rollback.escalate",
        before: { escalationLevel: r.escalationLevel, approverRoles: r.approverRoles },
        after: { escalationLevel: level, approverRoles: roles },
      });
      events.push([{ requestId: r.id, incidentKey: r.incident.key, incidentTitle: r.incident.title, severity: r.severity, kind: "escalated", status: "pending", by: "Rollcall" }, roles]);
    }
    return { expired: expiring.length, escalated };
  });
  for (const e of events) approvalEvent(...e);
  return counts;
}
