import type { RequestView } from "@/lib/approvals/queries";
import type { RequestCardData } from "./request-card";

/** scopeLabels: the active policy's scope labels, so people read "Application rollback", not an id. */
export function toCard(r: RequestView, scopeLabels: Record<string, string> = {}): RequestCardData {
  return {
    id: r.id,
    status: r.status,
    severity: r.severity,
    scope: scopeLabels[r.scope] ?? r.scope,
    target: r.target,
    runbook: r.runbook,
    reason: r.reason,
    gate: r.gate,
    approverRoles: r.approverRoles,
    quorum: r.quorum,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    escalationLevel: r.escalationLevel,
    breakGlassReason: r.breakGlassReason,
    createdAt: r.createdAt.toISOString(),
    requestedBy: r.requestedBy.name,
    requesterRole: r.requesterRole,
    incident: { key: r.incident.key, title: r.incident.title },
    votes: r.votes.map((v) => ({ id: v.id, approve: v.approve, comment: v.comment, role: v.role, user: v.user.name, createdAt: v.createdAt.toISOString() })),
  };
}
