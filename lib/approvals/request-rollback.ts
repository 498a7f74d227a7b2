import { db, type Tx } from "../db/client.ts";
import { actorLabel, actorRole, type Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { publish } from "../realtime/publish.ts";
import { rooms, type ApprovalChanged } from "../realtime/events.ts";
import { evaluate, withSeverity } from "../policy/evaluate.ts";
import { activePolicy } from "../decisions/policy-registry.ts";
import { recordIncidentChange } from "../incidents/record.ts";
import { stampsFor } from "../incidents/change-status.ts";
import { TRANSITIONS } from "../incidents/schemas.ts";
import { nextEscalationAt } from "./escalation.ts";
import { escalationPath } from "../contacts/escalation-path.ts";
import { ZRequestRollback } from "./schemas.ts";
import { autoStartRun } from "../runs/start-run.ts";

type IncidentForStart = {
  id: string;
  key: string;
  status: Parameters<typeof stampsFor>[0]["status"];
  acknowledgedAt: Date | null;
  decidedAt: Date | null;
  rollbackStartedAt: Date | null;
  rollbackCompletedAt: Date | null;
  resolvedAt: Date | null;
};

/** A rollback that may go ahead: the incident moves to rolling back and the start is the decision. */
export async function startRollback(tx: Tx, ctx: Ctx, inc: IncidentForStart, now: Date, payload: Record<string, unknown>) {
  const moves = inc.status !== "rolling_back" && TRANSITIONS[inc.status].includes("rolling_back");
  const stamps = moves ? stampsFor(inc, "rolling_back", now) : { decidedAt: inc.decidedAt ?? now };
  await tx.incident.update({
    where: { id: inc.id },
    data: { ...(moves ? { status: "rolling_back" } : {}), ...stamps, version: { increment: 1 } },
  });
  if (moves) {
    await recordIncidentChange(tx, ctx, {
      incidentId: inc.id,
      incidentKey: inc.key,
      kind: "status_changed",
      payload: { from: inc.status, to: "rolling_back", note: "Rollback approved to start", ...payload },
      action: "incident.status",
      before: { status: inc.status },
      after: { status: "rolling_back", ...stamps },
    });
  }
}

export function approvalEvent(e: Omit<ApprovalChanged, "at">, roles: string[]) {
  publish([rooms.incident(e.incidentKey), rooms.board, ...roles.map(rooms.approvals)], "approval:changed", { ...e, at: new Date().toISOString() });
}

export async function requestRollback({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "rollback.request");
  const parsed = ZRequestRollback.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const data = parsed.data;
  const loaded = activePolicy();
  const role = actorRole(ctx.actor);
  const now = new Date();

  const result = await db().$transaction(async (tx) => {
    // Serialise requests per incident: a double submit or two engineers at once make one request.
    await tx.$executeRaw`select pg_advisory_xact_lock(hashtext(${`rollback:${data.key}`}))`;
    const again = await tx.rollbackRequest.findUnique({ where: { idempotencyKey: data.idempotencyKey }, select: { id: true, status: true } });
    if (again) return { id: again.id, status: again.status, created: false as const };

    const inc = await tx.incident.findUnique({
      where: { key: data.key },
      select: {
        id: true, key: true, title: true, status: true, severity: true, triggerId: true, usersAffectedPct: true, timeToFixMinutes: true,
        detectedAt: true, acknowledgedAt: true, decidedAt: true, rollbackStartedAt: true, rollbackCompletedAt: true, resolvedAt: true,
      },
    });
    if (!inc) throw new AppError("NOT_FOUND", `Incident ${data.key} does not exist.`);
    if (inc.status === "resolved" || inc.status === "closed") throw new AppError("CONFLICT", "This incident is resolved; reopen it before requesting a rollback.");
    const open = await tx.rollbackRequest.findFirst({ where: { incidentId: inc.id, status: "pending" }, select: { id: true } });
    if (open) throw new AppError("CONFLICT", "A rollback request for this incident is already waiting for approval.");

    const facts = { trigger: inc.triggerId, usersAffectedPct: inc.usersAffectedPct, timeToFixMinutes: inc.timeToFixMinutes };
    const decision = withSeverity(loaded, evaluate(loaded, facts, inc.detectedAt), inc.severity, inc.detectedAt);
    if (ctx.actor.type !== "system" && (!role || !decision.initiators.includes(role))) {
      throw new AppError("FORBIDDEN", `Your role may not request a ${inc.severity} rollback under the active policy.`);
    }
    if (!loaded.policy.scopes.some((s) => s.id === data.scope)) {
      throw new AppError("VALIDATION", "Please correct the highlighted fields.", { scope: ["That scope is not in the active policy."] });
    }
    const approval = decision.approval ?? { mode: "none" as const, roles: [], quorum: 1, selfApproval: false, expiresMinutes: 60 };
    const gateOpen = approval.mode === "none";
    const responseMinutes = decision.responseMinutes ?? 60;
    const requesterId = ctx.actor.type === "user" ? ctx.actor.id : null;
    if (!requesterId) throw new AppError("FORBIDDEN", "Only a signed-in person can request a rollback.");

    const req = await tx.rollbackRequest.create({
      data: {
        incidentId: inc.id,
        requestedById: requesterId,
        requesterRole: role ?? "system",
        idempotencyKey: data.idempotencyKey,
        scope: data.scope,
        target: data.target,
        runbook: data.runbook || decision.runbook,
        reason: data.reason,
        severity: inc.severity,
        policyVersion: loaded.version,
        gate: approval.mode,
        approverRoles: approval.roles,
        quorum: approval.mode === "quorum" ? approval.quorum : 1,
        selfApproval: approval.selfApproval,
        status: gateOpen ? "approved" : "pending",
        decidedAt: gateOpen ? now : null,
        expiresAt: gateOpen ? null : new Date(now.getTime() + approval.expiresMinutes * 60_000),
        nextEscalationAt: gateOpen ? null : nextEscalationAt((await escalationPath(tx)).steps, responseMinutes, now, 0),
      },
      select: { id: true, status: true },
    });
    const common = { requestId: req.id, scope: data.scope, target: data.target, severity: inc.severity, policyVersion: loaded.version, gate: approval.mode };
    await recordIncidentChange(tx, ctx, {
      incidentId: inc.id,
      incidentKey: inc.key,
      kind: "rollback_requested",
      payload: { ...common, reason: data.reason, approverRoles: approval.roles, quorum: approval.quorum },
      action: "rollback.request",
      after: { ...common, reason: data.reason },
    });
    if (gateOpen) {
      await recordIncidentChange(tx, ctx, {
        incidentId: inc.id,
        incidentKey: inc.key,
        kind: "rollback_approved",
        payload: { ...common, note: `${inc.severity}: no approval needed under the policy; started at once.` },
        action: "rollback.start",
        after: common,
      });
      await startRollback(tx, ctx, inc, now, { requestId: req.id });
    }
    return { id: req.id, status: req.status, created: true as const, incident: inc, approverRoles: approval.roles, runbook: data.runbook || decision.runbook };
  });

  if (result.created) {
    approvalEvent(
      {
        requestId: result.id,
        incidentKey: result.incident.key,
        incidentTitle: result.incident.title,
        severity: result.incident.severity,
        kind: result.status === "approved" ? "approved" : "requested",
        status: result.status,
        by: actorLabel(ctx.actor),
      },
      result.approverRoles,
    );
    if (result.status === "approved") await autoStartRun(ctx, result.incident.key, result.runbook ?? null);
  }
  return { id: result.id, status: result.status };
}
