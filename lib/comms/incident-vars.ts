import { db, type Db, type Tx } from "../db/client.ts";
import type { TemplateVars } from "./variables.ts";
import { nextUpdateDue } from "../status/cadence.ts";

function minutes(ms: number) {
  const m = Math.round(ms / 60_000);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ""}`;
}

/** Template variables filled from the live incident, now (inside the caller's transaction if given). */
export async function incidentVars(key: string, now = new Date(), client: Db | Tx = db()): Promise<TemplateVars | null> {
  const i = await client.incident.findUnique({
    where: { key },
    select: {
      key: true, title: true, severity: true, trigger: true, status: true, detectedAt: true, decision: true,
      usersAffected: true, revenueImpactCents: true, dataLoss: true, rollbackStartedAt: true, rollbackCompletedAt: true,
      commander: { select: { name: true, email: true } },
      services: { select: { service: { select: { name: true } } } },
      publicUpdates: { orderBy: { createdAt: "desc" }, take: 1, select: { createdAt: true } },
      runs: { where: { mode: "live" }, orderBy: { createdAt: "desc" }, take: 1, select: { estimatedMinutes: true, createdAt: true, steps: { where: { phase: "validation" }, select: { title: true, status: true } } } },
    },
  });
  if (!i) return null;
  const d = (i.decision ?? {}) as { scope?: { label?: string } | null; level?: { min: number; max: number } | null; updateIntervalMinutes?: number | null };
  const run = i.runs[0];
  const next = nextUpdateDue(d.updateIntervalMinutes, i.publicUpdates[0]?.createdAt ?? null, i.detectedAt);
  const impact = [
    i.usersAffected != null ? `${i.usersAffected.toLocaleString("en-US")} users affected` : null,
    i.revenueImpactCents != null ? `$${(Number(i.revenueImpactCents) / 100).toLocaleString("en-US")} revenue impact` : null,
    i.dataLoss ? `data loss: ${i.dataLoss}` : null,
  ].filter(Boolean);
  return {
    key: i.key,
    title: i.title,
    services: i.services.map((s) => s.service.name).join(", "),
    severity: i.severity,
    trigger: i.trigger,
    startedAt: i.detectedAt.toISOString().replace("T", " ").slice(0, 16) + " UTC",
    elapsed: minutes(now.getTime() - i.detectedAt.getTime()),
    eta: run?.estimatedMinutes ? `about ${Math.ceil(run.estimatedMinutes)} min after the rollback started` : "",
    impact: impact.join(", "),
    status: i.status.replace("_", " "),
    rollbackScope: d.scope?.label ?? "",
    rollbackLevel: d.level ? (d.level.min === d.level.max ? String(d.level.min) : `${d.level.min}-${d.level.max}`) : "",
    rollbackDuration: i.rollbackStartedAt && i.rollbackCompletedAt ? minutes(i.rollbackCompletedAt.getTime() - i.rollbackStartedAt.getTime()) : "",
    commander: i.commander?.name ?? "",
    contact: i.commander ? `${i.commander.name} <${i.commander.email}>` : "",
    nextUpdateAt: next ? next.toISOString().replace("T", " ").slice(0, 16) + " UTC" : "",
    validationResults: run?.steps.map((s) => `${s.title}: ${s.status}`).join("\n") ?? "",
  };
}
