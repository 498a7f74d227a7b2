import type { RequestView } from "@/lib/approvals/queries";
import { rollbackState } from "@/lib/approvals/rollback-state";
import { AUTOMATION_LABEL } from "@/lib/auth/actor";
import type { RequestCardData } from "./request-card";

/** scopeLabels: the active policy's scope labels, so people read "Application rollback", not an id. */
export function toCard(r: RequestView, scopeLabels: Record<string, string> = {}): RequestCardData {
  return {
    id: r.id,
    status: r.status,
    severity: r.severity,
    scope: r.scope ? (scopeLabels[r.scope] ?? r.scope) : "Not assessed (no matrix rule matched)",
    target: r.target,
    runbook: r.runbook,
    runbookVersion: r.runbookVersion,
    params: Object.entries((r.params ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)] as [string, string]),
    mode: r.mode,
    environment: r.environment,
    state: rollbackState(r),
    startError: r.startError,
    runId: r.run?.id ?? null,
    requestedById: r.requestedById,
    reason: r.reason,
    gate: r.gate,
    approverRoles: r.approverRoles,
    quorum: r.quorum,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    escalationLevel: r.escalationLevel,
    breakGlassReason: r.breakGlassReason,
    createdAt: r.createdAt.toISOString(),
    requestedBy: r.requestedBy?.name ?? AUTOMATION_LABEL,
    requesterRole: r.requesterRole,
    incident: { key: r.incident.key, title: r.incident.title },
    votes: r.votes.map((v) => ({ id: v.id, approve: v.approve, comment: v.comment, role: v.role, user: v.user.name, createdAt: v.createdAt.toISOString() })),
  };
}
