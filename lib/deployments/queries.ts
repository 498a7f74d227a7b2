import { db } from "../db/client.ts";
import type { Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { ZListDeployments, type DeploymentView } from "./schemas.ts";
import { deploymentSelect, toView } from "./view.ts";

/** How far before an incident's detection a deployment is a suspect change. */
export const SUSPECT_WINDOW_MINUTES = 120;

/** Deployments, newest first; filter by service (id or name) and environment, page with `before`. */
export async function listDeployments({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<DeploymentView[]> {
  assertCan(ctx.actor, "deployment.read");
  const parsed = ZListDeployments.safeParse(input ?? {});
  if (!parsed.success) throw AppError.validation(parsed.error);
  const q = parsed.data;
  const rows = await db().deployment.findMany({
    where: {
      ...(q.serviceId ? { serviceId: q.serviceId } : {}),
      ...(q.service ? { service: { name: { equals: q.service, mode: "insensitive" } } } : {}),
      ...(q.environment ? { environment: q.environment } : {}),
      ...(q.before ? { startedAt: { lt: q.before } } : {}),
    },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take: q.limit,
    select: deploymentSelect,
  });
  return rows.map(toView);
}

export type SuspectChange = DeploymentView & { minutesBeforeDetection: number; previousVersion: string | null };

/**
 * The suspect changes of an incident: its services' deployments (not Rollcall's own rollbacks) that
 * started in the SUSPECT_WINDOW_MINUTES before detection, newest first, each with the version that ran
 * before it in that environment (what a rollback should go back to).
 */
export async function suspectDeployments(incidentId: string, windowMinutes = SUSPECT_WINDOW_MINUTES): Promise<SuspectChange[]> {
  const inc = await db().incident.findUnique({ where: { id: incidentId }, select: { detectedAt: true, services: { select: { serviceId: true } } } });
  if (!inc || !inc.services.length) return [];
  const from = new Date(inc.detectedAt.getTime() - windowMinutes * 60_000);
  const rows = await db().deployment.findMany({
    where: { serviceId: { in: inc.services.map((s) => s.serviceId) }, rollbackRequestId: null, status: { not: "failed" }, startedAt: { gte: from, lte: inc.detectedAt } },
    orderBy: { startedAt: "desc" },
    select: deploymentSelect,
  });
  const out: SuspectChange[] = [];
  for (const r of rows) {
    const prev = await db().deployment.findFirst({
      where: { serviceId: r.serviceId, environment: r.environment, status: "succeeded", startedAt: { lt: r.startedAt }, version: { not: r.version } },
      orderBy: { startedAt: "desc" }, select: { version: true },
    });
    out.push({ ...toView(r), minutesBeforeDetection: Math.round((inc.detectedAt.getTime() - r.startedAt.getTime()) / 60_000), previousVersion: prev?.version ?? null });
  }
  return out;
}

/** A service's deploy history for its page, newest first. */
export async function serviceDeployments(serviceId: string, limit = 30): Promise<DeploymentView[]> {
  const rows = await db().deployment.findMany({ where: { serviceId }, orderBy: [{ startedAt: "desc" }, { id: "desc" }], take: limit, select: deploymentSelect });
  return rows.map(toView);
}
