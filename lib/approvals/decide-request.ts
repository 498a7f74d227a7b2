import { db, type Tx } from "../db/client.ts";
import { actorLabel, actorRole, personId, type Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { breakGlassRefusal } from "../policy/break-glass.ts";
import { recordIncidentChange } from "../incidents/record.ts";
import { approvalEvent } from "./request-rollback.ts";
import { ZBreakGlass, ZCancelRollback, ZDecideRequest } from "./schemas.ts";
import { startOrRecordFailure } from "../runs/start-run.ts";
import { runAfterCommit, type AfterCommit } from "../runs/lifecycle.ts";

const incidentSelect = { id: true, key: true, title: true, status: true } as const;

/** Locks the request row: concurrent deciders queue here, so exactly one of them decides. */
async function lockPending(tx: Tx, requestId: string, now: Date) {
  await tx.$queryRaw`select 1 from "RollbackRequest" where "id" = ${requestId}::uuid for update`;
  const req = await tx.rollbackRequest.findUnique({
    where: { id: requestId },
    include: { incident: { select: incidentSelect }, votes: { select: { userId: true, approve: true } } },
  });
  if (!req) throw new AppError("NOT_FOUND", "That rollback request does not exist.");
  if (req.status !== "pending") throw new AppError("CONFLICT", `This request was already ${req.status}.`);
  if (req.expiresAt && req.expiresAt <= now) throw new AppError("CONFLICT", "This request has expired; request the rollback again.");
  return req;
}

export async function decideRequest({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "rollback.decide");
  const parsed = ZDecideRequest.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { requestId, decision, comment } = parsed.data;
  const person = personId(ctx.actor);
  if (!person) throw new AppError("FORBIDDEN", "Only a person (signed in, or by their API token) can approve or reject.");
  const actor = { id: person };
  const role = actorRole(ctx.actor)!;
  const now = new Date();

  const out = await db().$transaction(async (tx) => {
    const req = await lockPending(tx, requestId, now);
    if (!req.approverRoles.includes(role)) {
      throw new AppError("FORBIDDEN", `Only ${req.approverRoles.join(" or ")} may decide this ${req.severity} request.`);
    }
    if (req.requestedById === actor.id && !req.selfApproval) {
      throw new AppError("FORBIDDEN", "You cannot decide your own request: the policy requires a second person.");
    }
    if (req.votes.some((v) => v.userId === actor.id)) throw new AppError("CONFLICT", "You have already voted on this request.");
    await tx.approvalVote.create({ data: { requestId, userId: actor.id, role, approve: decision === "approve", comment } });
    const approvals = req.votes.filter((v) => v.approve).length + (decision === "approve" ? 1 : 0);
    const status = decision === "reject" ? "rejected" : approvals >= req.quorum ? "approved" : "pending";
    if (status !== "pending") await tx.rollbackRequest.update({ where: { id: requestId }, data: { status, decidedAt: now } });
    const payload = { requestId, decision, comment, role, approvals, quorum: req.quorum, policyVersion: req.policyVersion };
    await recordIncidentChange(tx, ctx, {
      incidentId: req.incident.id,
      incidentKey: req.incident.key,
      kind: status === "rejected" ? "rollback_rejected" : "rollback_approved",
      payload: { ...payload, final: status !== "pending" },
      action: `rollback.${decision}`,
      before: { status: "pending" },
      after: { status, comment, approvals },
    });
    // Approval starts exactly what was approved, in this transaction (or says why it could not).
    const start = status === "approved" && req.autoStart ? await startOrRecordFailure(tx, ctx, requestId, req.incident, now) : null;
    return { status, req, after: start?.after ?? ([] as AfterCommit[]), started: Boolean(start?.runId), autoStart: req.autoStart };
  });
  runAfterCommit(out.after);

  approvalEvent(
    {
      requestId,
      incidentKey: out.req.incident.key,
      incidentTitle: out.req.incident.title,
      severity: out.req.severity,
      kind: out.status === "pending" ? "voted" : out.status === "approved" ? "approved" : "rejected",
      status: out.status,
      by: actorLabel(ctx.actor),
    },
    out.req.approverRoles,
  );
  return { status: out.status, started: out.started, autoStart: out.autoStart };
}

/**
 * Someone allowed to break glass overrides a pending gate with a written justification; flagged for
 * review. The request's policy rule says who may, on whose request (by default, not the requester).
 */
export async function breakGlass({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "rollback.breakglass");
  const parsed = ZBreakGlass.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { requestId, justification } = parsed.data;
  const now = new Date();

  const req = await db().$transaction(async (tx) => {
    const req = await lockPending(tx, requestId, now);
    const refused = breakGlassRefusal(
      { roles: req.breakGlassRoles, ownRequest: req.breakGlassOwnRequest },
      { userId: personId(ctx.actor), role: actorRole(ctx.actor), request: req },
    );
    if (refused) throw new AppError("FORBIDDEN", refused);
    await tx.rollbackRequest.update({ where: { id: requestId }, data: { status: "overridden", decidedAt: now, breakGlassReason: justification } });
    await tx.incident.update({ where: { id: req.incident.id }, data: { flaggedForReview: true } });
    await recordIncidentChange(tx, ctx, {
      incidentId: req.incident.id,
      incidentKey: req.incident.key,
      kind: "break_glass",
      payload: { requestId, justification, bypassed: req.approverRoles, policyVersion: req.policyVersion },
      action: "rollback.break_glass",
      before: { status: "pending" },
      after: { status: "overridden", justification, flaggedForReview: true },
    });
    const after = req.autoStart ? (await startOrRecordFailure(tx, ctx, requestId, req.incident, now)).after : [];
    return { ...req, after };
  });
  runAfterCommit(req.after);

  approvalEvent(
    { requestId, incidentKey: req.incident.key, incidentTitle: req.incident.title, severity: req.severity, kind: "overridden", status: "overridden", by: actorLabel(ctx.actor) },
    req.approverRoles,
  );
  return { status: "overridden" as const };
}

/** The requester (or an admin) withdraws a rollback still waiting for approval. */
export async function cancelRollback({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "rollback.request");
  const parsed = ZCancelRollback.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { requestId, reason } = parsed.data;
  const now = new Date();
  const req = await db().$transaction(async (tx) => {
    const req = await lockPending(tx, requestId, now);
    const mine = personId(ctx.actor) === req.requestedById;
    if (!mine && actorRole(ctx.actor) !== "admin") throw new AppError("FORBIDDEN", "Only the requester or an administrator can cancel this request.");
    await tx.rollbackRequest.update({ where: { id: requestId }, data: { status: "cancelled", decidedAt: now } });
    await recordIncidentChange(tx, ctx, {
      incidentId: req.incident.id, incidentKey: req.incident.key, kind: "rollback_cancelled",
      payload: { requestId, reason }, action: "rollback.cancel", before: { status: "pending" }, after: { status: "cancelled", reason },
    });
    return req;
  });
  approvalEvent(
    { requestId, incidentKey: req.incident.key, incidentTitle: req.incident.title, severity: req.severity, kind: "cancelled", status: "cancelled", by: actorLabel(ctx.actor) },
    req.approverRoles,
  );
  return { status: "cancelled" as const };
}
