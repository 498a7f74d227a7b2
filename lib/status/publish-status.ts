import { db, type Tx } from "../db/client.ts";
import { actorLabel, type Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { appendAudit } from "../audit/index.ts";
import { recordIncidentChange } from "../incidents/record.ts";
import { publish, publishPublic } from "../realtime/publish.ts";
import { rooms } from "../realtime/events.ts";
import { ACTIVE_STATUSES } from "../incidents/schemas.ts";
import { ZPostPublicUpdate, ZSetServiceState, type PostPublicUpdate } from "./schemas.ts";

export type PublicUpdateInput = { incidentId: string; key: string; publicTitle: string; status: PostPublicUpdate["status"]; body: string; showProgress: boolean };

/** The status page update itself, in the caller's transaction: stored, on the timeline, audited. */
export async function recordPublicUpdate(tx: Tx, ctx: Ctx, u: PublicUpdateInput) {
  await tx.incident.update({ where: { id: u.incidentId }, data: { publicTitle: u.publicTitle, showPublicProgress: u.showProgress } });
  const update = await tx.publicUpdate.create({
    data: { incidentId: u.incidentId, status: u.status, body: u.body, createdById: ctx.actor.type === "user" ? ctx.actor.id : null },
    select: { id: true },
  });
  await recordIncidentChange(tx, ctx, {
    incidentId: u.incidentId,
    incidentKey: u.key,
    kind: "public_update",
    payload: { updateId: update.id, publicTitle: u.publicTitle, status: u.status, body: u.body, showProgress: u.showProgress },
    action: "status.public_update",
    after: { publicTitle: u.publicTitle, status: u.status, body: u.body, showProgress: u.showProgress },
  });
  return update;
}

/** A commander's update for the status page: public words only, on the timeline and audited. */
export async function postPublicUpdate({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "status.publish");
  const parsed = ZPostPublicUpdate.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { key, publicTitle, status, body, showProgress } = parsed.data;
  const inc = await db().$transaction(async (tx) => {
    const inc = await tx.incident.findUnique({ where: { key }, select: { id: true, key: true, title: true, severity: true, status: true } });
    if (!inc) throw new AppError("NOT_FOUND", `Incident ${key} does not exist.`);
    await recordPublicUpdate(tx, ctx, { incidentId: inc.id, key, publicTitle, status, body, showProgress });
    return inc;
  });
  publishPublic();
  publish([rooms.incident(key)], "incident:changed", { ...inc, kind: "note", by: actorLabel(ctx.actor), at: new Date().toISOString() });
}

/** Sets a service's state on the status page; every change is kept for the 90-day history. */
export async function setServiceState({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "status.publish");
  const parsed = ZSetServiceState.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { serviceId, state, key } = parsed.data;
  await db().$transaction(async (tx) => {
    const svc = await tx.service.findUnique({ where: { id: serviceId }, select: { name: true, state: true } });
    if (!svc) throw new AppError("NOT_FOUND", "That service no longer exists.");
    // The same state said again is news only when an open incident began after it was last set:
    // from now on it wins over that incident on the status page (lib/status/tracker.ts).
    if (svc.state === state) {
      const last = await tx.serviceStateChange.findFirst({ where: { serviceId }, orderBy: { at: "desc" }, select: { at: true } });
      const newer = await tx.incident.count({ where: { status: { in: ACTIVE_STATUSES }, services: { some: { serviceId } }, ...(last ? { detectedAt: { gte: last.at } } : {}) } });
      if (!newer) return;
    }
    await tx.service.update({ where: { id: serviceId }, data: { state } });
    await tx.serviceStateChange.create({ data: { serviceId, state } });
    const inc = key ? await tx.incident.findUnique({ where: { key }, select: { id: true } }) : null;
    if (inc && key) {
      await recordIncidentChange(tx, ctx, {
        incidentId: inc.id, incidentKey: key, kind: "service_state",
        payload: { service: svc.name, from: svc.state, to: state },
        action: "status.service_state", before: { service: svc.name, state: svc.state }, after: { service: svc.name, state },
      });
    } else {
      await appendAudit(tx, ctx, { action: "status.service_state", targetType: "service", targetId: serviceId, before: { state: svc.state }, after: { state } });
    }
  });
  publishPublic();
  if (key) publish([rooms.incident(key)], "service:changed", { id: serviceId, at: new Date().toISOString() });
}
