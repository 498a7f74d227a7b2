import { db } from "../db/client.ts";
import { ALERT_GROUP_LOCK, ALERT_SERVICE_LOCK, ALERTS_SWEEP_LOCK } from "../db/locks.ts";
import { activePolicy } from "../decisions/policy-registry.ts";
import { runAfterCommit, type AfterCommit } from "../runs/lifecycle.ts";
import { readMapping } from "./mapping.ts";
import { maybeDecide } from "./ingest.ts";

/**
 * A rule that waits only for time ("error rate above 10% for 5 minutes", seen for 2) is decided
 * again as time passes, without waiting for the alert source to send the group again. Every
 * instance may tick; a try-lock lets one sweep at a time, and each group is decided under its locks.
 */
export async function reevaluateAlertGroups(now: Date = new Date()): Promise<{ decided: number }> {
  const loaded = activePolicy();
  const since = new Date(now.getTime() - 24 * 3600_000);
  const candidates = await db().alertGroup.findMany({
    where: { status: "firing", integrationId: { not: null }, decisions: { some: { createdAt: { gte: since }, readings: { path: ["retry"], equals: true } } } },
    select: { id: true, groupKey: true, serviceKey: true, integration: { select: { id: true, name: true, kind: true, mapping: true, shadow: true, enabled: true } } },
    take: 200,
  });
  let decided = 0;
  for (const c of candidates) {
    const integration = c.integration;
    if (!integration?.enabled) continue;
    const after: AfterCommit[] = [];
    const published: (() => void)[] = [];
    const got = await db().$transaction(async (tx) => {
      const [lock] = await tx.$queryRaw<{ ok: boolean }[]>`select pg_try_advisory_xact_lock(${ALERTS_SWEEP_LOCK}::int, hashtext(${c.id})) as ok`;
      if (!lock?.ok) return false;
      await tx.$executeRaw`select pg_advisory_xact_lock(${ALERT_GROUP_LOCK}::int, hashtext(${`${integration.id}\n${c.groupKey}\n${c.serviceKey}`}))`;
      const g = await tx.alertGroup.findUnique({ where: { id: c.id }, select: { id: true, title: true, firstFiredAt: true, lastFiredAt: true, reopenCount: true, serviceId: true, incidentId: true, status: true } });
      if (!g || g.status !== "firing") return false;
      if (g.serviceId) await tx.$executeRaw`select pg_advisory_xact_lock(${ALERT_SERVICE_LOCK}::int, hashtext(${g.serviceId}))`;
      const inc = g.incidentId ? await tx.incident.findUnique({ where: { id: g.incidentId }, select: { id: true, key: true, title: true, severity: true, detectedAt: true, commanderId: true, status: true } }) : null;
      const open = inc && inc.status !== "resolved" && inc.status !== "closed" ? inc : null;
      const service = g.serviceId ? await tx.service.findUnique({ where: { id: g.serviceId }, select: { id: true, name: true } }) : null;
      const out = await maybeDecide(tx, {
        integration: { ...integration, kind: integration.kind }, loaded, mapping: readMapping(integration.mapping), groupId: g.id, g, serviceKey: c.serviceKey,
        service, incident: open, changed: false, now, after, published,
      });
      return out.outcome !== null;
    });
    runAfterCommit(after);
    for (const p of published) p();
    if (got) decided += 1;
  }
  return { decided };
}
