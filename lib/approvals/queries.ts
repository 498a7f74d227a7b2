import { db } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import type { SessionUser } from "../auth/session.ts";
import { can } from "../auth/permissions.ts";
import { breakGlassRefusal } from "../policy/break-glass.ts";

const requestSelect = {
  id: true,
  status: true,
  severity: true,
  scope: true,
  target: true,
  runbook: true,
  runbookVersion: true,
  params: true,
  mode: true,
  environment: true,
  autoStart: true,
  startError: true,
  run: { select: { id: true, status: true } },
  reason: true,
  gate: true,
  approverRoles: true,
  quorum: true,
  selfApproval: true,
  expiresAt: true,
  escalationLevel: true,
  breakGlassReason: true,
  breakGlassRoles: true,
  breakGlassOwnRequest: true,
  policyVersion: true,
  createdAt: true,
  decidedAt: true,
  requestedById: true,
  requestedBy: { select: { name: true } },
  requesterRole: true,
  incident: { select: { key: true, title: true, severity: true, status: true, decision: true } },
  votes: { orderBy: { createdAt: "asc" }, select: { id: true, approve: true, comment: true, role: true, createdAt: true, user: { select: { name: true } } } },
} satisfies Prisma.RollbackRequestSelect;

export type RequestView = Prisma.RollbackRequestGetPayload<{ select: typeof requestSelect }>;

function decidableWhere(user: SessionUser): Prisma.RollbackRequestWhereInput {
  return {
    status: "pending",
    approverRoles: { has: user.role },
    OR: [{ selfApproval: true }, { requestedById: { not: user.id } }],
  };
}

/** What the signed-in user may decide now, most urgent first; and what they asked for themselves. */
export async function inbox(user: SessionUser) {
  const [decide, mine, recent] = await Promise.all([
    db().rollbackRequest.findMany({ where: decidableWhere(user), select: requestSelect, orderBy: [{ expiresAt: "asc" }] }),
    db().rollbackRequest.findMany({ where: { requestedById: user.id, status: "pending" }, select: requestSelect, orderBy: { createdAt: "desc" } }),
    db().rollbackRequest.findMany({
      where: { status: { not: "pending" }, decidedAt: { gte: new Date(Date.now() - 24 * 3600_000) }, OR: [{ approverRoles: { has: user.role } }, { requestedById: user.id }] },
      select: requestSelect,
      orderBy: { decidedAt: "desc" },
      take: 20,
    }),
  ]);
  return { decide, mine, recent };
}

export function pendingCount(user: SessionUser): Promise<number> {
  return db().rollbackRequest.count({ where: decidableWhere(user) });
}

export function requestsForIncident(incidentKey: string) {
  return db().rollbackRequest.findMany({ where: { incident: { key: incidentKey } }, select: requestSelect, orderBy: { createdAt: "desc" }, take: 20 });
}

export function canDecide(user: SessionUser, r: Pick<RequestView, "status" | "approverRoles" | "selfApproval" | "requestedById">): boolean {
  return r.status === "pending" && r.approverRoles.includes(user.role) && (r.selfApproval || r.requestedById !== user.id);
}

type BreakGlassView = Pick<RequestView, "status" | "severity" | "requestedById" | "breakGlassRoles" | "breakGlassOwnRequest">;

/**
 * Whether the break-glass form is offered to this person on this request, and if the policy is
 * what withholds it, why (shown instead of the form). The verb applies the same rule.
 */
export function breakGlassOffer(user: Pick<SessionUser, "id" | "role">, r: BreakGlassView): { offered: boolean; why: string | null } {
  if (r.status !== "pending" || !can(user.role, "rollback.breakglass")) return { offered: false, why: null };
  const why = breakGlassRefusal(
    { roles: r.breakGlassRoles, ownRequest: r.breakGlassOwnRequest },
    { userId: user.id, role: user.role, request: { requestedById: r.requestedById, severity: r.severity } },
  );
  return { offered: why === null, why };
}

/** One rollback request with its votes and run (for /api/v1/rollbacks/<id>). */
export function rollbackRequestById(id: string) {
  return db().rollbackRequest.findUnique({ where: { id }, select: requestSelect });
}
