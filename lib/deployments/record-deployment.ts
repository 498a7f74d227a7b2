import { db, type Tx } from "../db/client.ts";
import { Prisma } from "../db/generated/client.ts";
import { actorFields, type Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { appendAudit } from "../audit/index.ts";
import { recordIncidentChange } from "../incidents/record.ts";
import { DEPLOYMENT_SERVICE_LOCK } from "../db/locks.ts";
import { ZRecordDeployment, type DeploymentView } from "./schemas.ts";
import { deploymentSelect, toView } from "./view.ts";

type NewDeployment = {
  serviceId: string;
  environment: string;
  version: string;
  commit: string | null;
  artifactDigest: string | null;
  status: "in_progress" | "succeeded" | "failed";
  startedAt: Date;
  finishedAt: Date | null;
  idempotencyKey: string;
  rollbackRequestId?: string | null;
  forcedReason?: string | null;
  /** Default: the acting ctx. Rollcall's own rollbacks name who started the run. */
  deployedBy?: { actorType: string; actorId: string | null; actorLabel: string };
};

export async function lockService(tx: Tx, serviceId: string) {
  await tx.$executeRaw`select pg_advisory_xact_lock(${DEPLOYMENT_SERVICE_LOCK}::int, hashtext(${serviceId}))`;
}

/** Rollback runs of the service that are running or paused now: while one is, deployments freeze. */
export async function runningRollbacks(tx: Tx, serviceId: string) {
  return tx.run.findMany({
    where: { status: { in: ["running", "paused"] }, request: { is: { mode: "live", incident: { services: { some: { serviceId } } } } } },
    select: { id: true, status: true, request: { select: { id: true, target: true, incident: { select: { id: true, key: true } } } } },
  });
}

/**
 * Writes one deployment record (caller holds the service lock). A version that succeeded before in
 * this environment, other than the one running there now, is a rollback; a succeeded deployment
 * becomes the service's current version.
 */
export async function insertDeployment(tx: Tx, ctx: Ctx, d: NewDeployment) {
  const latest = await tx.deployment.findFirst({
    where: { serviceId: d.serviceId, environment: d.environment, status: "succeeded" },
    orderBy: { startedAt: "desc" }, select: { version: true },
  });
  const earlier = latest && latest.version !== d.version
    ? await tx.deployment.findFirst({ where: { serviceId: d.serviceId, environment: d.environment, status: "succeeded", version: d.version, startedAt: { lt: d.startedAt } }, select: { id: true } })
    : null;
  const { deployedBy, ...fields } = d;
  const a = deployedBy ?? actorFields(ctx.actor);
  const row = await tx.deployment.create({
    data: {
      ...fields,
      isRollback: Boolean(d.rollbackRequestId) || Boolean(earlier),
      deployedByType: a.actorType, deployedById: a.actorId, deployedByLabel: a.actorLabel,
    },
    select: deploymentSelect,
  });
  if (d.status === "succeeded") await setCurrentVersion(tx, d.serviceId, d.environment, d.version);
  await appendAudit(tx, ctx, { action: "deployment.record", targetType: "deployment", targetId: row.id, after: toView(row) });
  return row;
}

/** Service.currentVersion is the production version: a succeeded production deployment sets it. */
export async function setCurrentVersion(tx: Tx, serviceId: string, environment: string, version: string) {
  if (environment !== "production") return;
  await tx.service.update({ where: { id: serviceId }, data: { currentVersion: version } });
}

async function resolveService(tx: Tx, input: { serviceId?: string | undefined; service?: string | undefined }) {
  const svc = await tx.service.findFirst({
    where: input.serviceId ? { id: input.serviceId } : { name: { equals: input.service!, mode: "insensitive" } },
    select: { id: true, name: true, environments: true },
  });
  if (!svc) throw new AppError("NOT_FOUND", `No service ${input.serviceId ?? input.service}.`, { service: ["No such service."] });
  return svc;
}

/**
 * Records a deployment, idempotent by key per service: the same key returns the same record
 * (`created: false`). While a rollback of the service runs, refuses with DEPLOY_FREEZE unless forced
 * with a reason; a forced deployment is audited and lands on the rollback's incident timeline.
 */
export async function recordDeployment({ ctx, input }: { ctx: Ctx; input: unknown }, now = new Date()): Promise<{ deployment: DeploymentView; created: boolean }> {
  assertCan(ctx.actor, "deployment.write");
  const parsed = ZRecordDeployment.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const data = parsed.data;
  try {
    return await db().$transaction(async (tx) => {
      const svc = await resolveService(tx, data);
      await lockService(tx, svc.id);
      const existing = await tx.deployment.findUnique({ where: { serviceId_idempotencyKey: { serviceId: svc.id, idempotencyKey: data.idempotencyKey } }, select: deploymentSelect });
      if (existing) return { deployment: toView(existing), created: false };
      if (!svc.environments.includes(data.environment)) {
        throw new AppError("VALIDATION", "Please correct the highlighted fields.", { environment: [`${svc.name} has no environment ${data.environment} (it has ${svc.environments.join(", ")}).`] });
      }
      const rollbacks = await runningRollbacks(tx, svc.id);
      if (rollbacks.length && !data.force) {
        const r = rollbacks[0]!;
        throw new AppError("DEPLOY_FREEZE", `A rollback of ${svc.name} to ${r.request?.target ?? "an earlier version"} is ${r.status} (incident ${r.request?.incident.key ?? "?"}): deployments wait until it ends. Force with a reason to deploy anyway.`);
      }
      const finished = data.status === "in_progress" ? null : (data.finishedAt ?? now);
      const row = await insertDeployment(tx, ctx, {
        serviceId: svc.id, environment: data.environment, version: data.version, commit: data.commit, artifactDigest: data.artifactDigest,
        status: data.status, startedAt: data.startedAt ?? now, finishedAt: finished, idempotencyKey: data.idempotencyKey,
        forcedReason: rollbacks.length ? data.forceReason : null,
      });
      for (const r of rollbacks) {
        if (!r.request) continue;
        await recordIncidentChange(tx, ctx, {
          incidentId: r.request.incident.id, incidentKey: r.request.incident.key, kind: "deploy_freeze_forced",
          payload: { service: svc.name, version: data.version, environment: data.environment, reason: data.forceReason, runId: r.id, deploymentId: row.id },
          action: "deployment.force_during_freeze", after: { deploymentId: row.id, service: svc.name, version: data.version, reason: data.forceReason, runId: r.id },
        });
      }
      return { deployment: toView(row), created: true };
    });
  } catch (e) {
    // Two requests with one key at once: the loser reads the winner's record.
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") {
      const again = await db().deployment.findFirst({ where: { idempotencyKey: data.idempotencyKey, ...(data.serviceId ? { serviceId: data.serviceId } : { service: { name: { equals: data.service!, mode: "insensitive" } } }) }, select: deploymentSelect });
      if (again) return { deployment: toView(again), created: false };
    }
    throw e;
  }
}
