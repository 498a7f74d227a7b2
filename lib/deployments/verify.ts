import { db, type Tx } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { SYSTEM, type Ctx } from "../auth/actor.ts";
import { appendAudit } from "../audit/index.ts";
import { DEPLOYMENTS_SWEEP_LOCK } from "../db/locks.ts";
import type { VerdictEvidence } from "./schemas.ts";

const MINUTE = 60_000;
const SWEEP_BATCH = 100;

/**
 * Decides pending deployments. A succeeded deployment is bad as soon as an incident on its service
 * is detected, or an alert group on it first fires, after it started; it is verified good once it has
 * run for the service's verification window with neither, and no alert group still firing at the
 * window's end. One replaced before its window passed keeps no verdict (evidence says by what).
 * Safe on every instance's timer: a try-lock lets one sweep at a time.
 */
export async function verifyDeployments({ now }: { now: Date }): Promise<{ good: number; bad: number; superseded: number }> {
  const ctx: Ctx = { actor: SYSTEM };
  return db().$transaction(async (tx) => {
    const counts = { good: 0, bad: 0, superseded: 0 };
    const [lock] = await tx.$queryRaw<{ ok: boolean }[]>`select pg_try_advisory_xact_lock(${DEPLOYMENTS_SWEEP_LOCK}) as ok`;
    if (!lock?.ok) return counts;
    const pending = await tx.deployment.findMany({
      where: { status: "succeeded", verdict: "pending", verdictAt: null, startedAt: { lte: now } },
      select: { id: true, serviceId: true, environment: true, version: true, startedAt: true, finishedAt: true, service: { select: { verificationWindowMinutes: true } } },
      orderBy: { startedAt: "asc" },
      // Bounded so one sweep stays a short transaction; the rest wait for the next tick.
      take: SWEEP_BATCH,
    });
    const goodServices = new Set<string>();
    for (const d of pending) {
      const windowMinutes = d.service.verificationWindowMinutes;
      const ranFrom = d.finishedAt ?? d.startedAt;
      const windowEnd = new Date(ranFrom.getTime() + windowMinutes * MINUTE);
      const next = await tx.deployment.findFirst({
        where: { serviceId: d.serviceId, environment: d.environment, status: { not: "failed" }, startedAt: { gt: d.startedAt }, id: { not: d.id } },
        orderBy: { startedAt: "asc" }, select: { id: true, version: true, startedAt: true },
      });
      const until = new Date(Math.min(windowEnd.getTime(), now.getTime(), next ? next.startedAt.getTime() : Infinity));
      const ended = until.getTime() === windowEnd.getTime();
      const incidents = await tx.incident.findMany({
        where: { services: { some: { serviceId: d.serviceId } }, detectedAt: { gte: d.startedAt, lte: until } },
        select: { key: true, title: true, detectedAt: true }, orderBy: { detectedAt: "asc" },
      });
      const alertWhere: Prisma.AlertGroupWhereInput[] = [{ firstFiredAt: { gte: d.startedAt, lte: until } }];
      // At the window's end an alert still firing counts too, whenever it started.
      if (ended) alertWhere.push({ firstFiredAt: { lte: until }, OR: [{ resolvedAt: null, status: "firing" }, { resolvedAt: { gt: until } }] });
      const alerts = await tx.alertGroup.findMany({
        where: { serviceId: d.serviceId, OR: alertWhere },
        select: { id: true, title: true, firstFiredAt: true, status: true }, orderBy: { firstFiredAt: "asc" },
      });
      const evidence: VerdictEvidence = {
        windowMinutes, from: d.startedAt.toISOString(), until: until.toISOString(),
        incidents: incidents.map((i) => ({ key: i.key, title: i.title, detectedAt: i.detectedAt.toISOString() })),
        alertGroups: alerts.map((a) => ({ id: a.id, title: a.title, firstFiredAt: a.firstFiredAt.toISOString(), status: a.status })),
        supersededBy: null,
      };
      const bad = incidents.length > 0 || alerts.length > 0;
      if (bad) {
        await decide(tx, ctx, d.id, "bad", evidence, now);
        counts.bad++;
      } else if (ended) {
        await decide(tx, ctx, d.id, "verified_good", evidence, now);
        counts.good++;
        if (d.environment === "production") goodServices.add(d.serviceId);
      } else if (next && next.startedAt <= now) {
        await tx.deployment.update({ where: { id: d.id }, data: { evidence: { ...evidence, supersededBy: `${next.version} (${next.id})` }, verdictAt: now } });
        counts.superseded++;
      }
    }
    for (const serviceId of goodServices) await refreshLastKnownGood(tx, ctx, serviceId);
    return counts;
  });
}

async function decide(tx: Tx, ctx: Ctx, id: string, verdict: "verified_good" | "bad", evidence: VerdictEvidence, now: Date) {
  await tx.deployment.update({ where: { id }, data: { verdict, evidence, verdictAt: now } });
  await appendAudit(tx, ctx, { action: `deployment.${verdict}`, targetType: "deployment", targetId: id, after: { verdict, evidence } });
}

/** The one writer of Service.lastKnownGoodVersion from records: the newest verified-good production version. */
async function refreshLastKnownGood(tx: Tx, ctx: Ctx, serviceId: string) {
  const newest = await tx.deployment.findFirst({
    where: { serviceId, environment: "production", verdict: "verified_good" },
    orderBy: { startedAt: "desc" }, select: { version: true, id: true },
  });
  if (!newest) return;
  const svc = await tx.service.findUniqueOrThrow({ where: { id: serviceId }, select: { name: true, lastKnownGoodVersion: true } });
  if (svc.lastKnownGoodVersion === newest.version) return;
  await tx.service.update({ where: { id: serviceId }, data: { lastKnownGoodVersion: newest.version } });
  await appendAudit(tx, ctx, {
    action: "service.last_known_good", targetType: "service", targetId: serviceId,
    before: { name: svc.name, lastKnownGoodVersion: svc.lastKnownGoodVersion }, after: { name: svc.name, lastKnownGoodVersion: newest.version, deploymentId: newest.id },
  });
}
