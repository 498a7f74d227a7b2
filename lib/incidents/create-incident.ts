import { db, type Tx } from "../db/client.ts";
import { actorLabel, type Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { publish } from "../realtime/publish.ts";
import { rooms } from "../realtime/events.ts";
import { decideForIncident, toJson } from "../decisions/decide.ts";
import { activePolicy } from "../decisions/policy-registry.ts";
import { ZCreateIncident, type CreateIncident } from "./schemas.ts";
import type { Decision, LoadedPolicy } from "../policy/evaluate.ts";
import { recordIncidentChange } from "./record.ts";

function withTriggerLabel(input: unknown): unknown {
  if (!input || typeof input !== "object") return input;
  const i = input as Record<string, unknown>;
  if (typeof i.triggerId !== "string" || !i.triggerId || (typeof i.trigger === "string" && i.trigger.trim())) return input;
  const label = activePolicy().policy.triggers.find((t) => t.id === i.triggerId)?.label;
  return label ? { ...i, trigger: label } : input;
}

export async function createIncident({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "incident.declare");
  const parsed = ZCreateIncident.safeParse(withTriggerLabel(input));
  if (!parsed.success) throw AppError.validation(parsed.error);
  const data = parsed.data;
  const now = new Date();
  const detectedAt = data.detectedAt ?? now;
  if (detectedAt.getTime() > now.getTime() + 60_000 || now.getTime() - detectedAt.getTime() > 30 * 86_400_000) {
    throw new AppError("VALIDATION", "Please correct the highlighted fields.", {
      detectedAt: ["Detection time must be in the last 30 days and not in the future."],
    });
  }
  const { loaded, recommendation, final, overridden } = decideForIncident(
    { trigger: data.triggerId, usersAffectedPct: data.usersAffectedPct, timeToFixMinutes: data.timeToFixMinutes },
    data.severity,
    detectedAt,
  );
  if (data.triggerId && !loaded.policy.triggers.some((t) => t.id === data.triggerId)) {
    throw new AppError("VALIDATION", "Please correct the highlighted fields.", { triggerId: ["That trigger is not in the active policy."] });
  }
  if (overridden && data.severityReason.length < 5) {
    throw new AppError("VALIDATION", "Please correct the highlighted fields.", {
      severityReason: [`The matrix recommends ${recommendation.severity}. Say why you chose ${data.severity} (at least 5 characters).`],
    });
  }
  const commanderId = ctx.actor.type === "user" ? ctx.actor.id : null;

  const incident = await db().$transaction(async (tx) => {
    const services = await tx.service.findMany({ where: { id: { in: data.serviceIds } }, select: { id: true, name: true, archivedAt: true } });
    const archived = services.filter((s) => s.archivedAt).map((s) => s.name);
    if (archived.length) {
      throw new AppError("VALIDATION", "An archived service cannot be named in a new incident.", {
        serviceIds: [`${archived.join(", ")} ${archived.length === 1 ? "is" : "are"} archived. Restore ${archived.length === 1 ? "it" : "them"} under Services first, or choose another.`],
      });
    }
    if (services.length !== new Set(data.serviceIds).size) {
      throw new AppError("VALIDATION", "One of the chosen services no longer exists.", {
        serviceIds: ["One of the chosen services no longer exists. Reload and choose again."],
      });
    }
    return insertIncident(tx, ctx, {
      data, services, loaded, recommendation, final, overridden, commanderId, declaredById: commanderId, detectedAt, now,
    });
  });

  publish([rooms.board, rooms.incident(incident.key)], "incident:changed", {
    key: incident.key,
    kind: "created",
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    by: actorLabel(ctx.actor),
    at: now.toISOString(),
  });
  return incident;
}

type NewIncident = {
  data: Pick<CreateIncident, "title" | "summary" | "trigger" | "triggerId" | "usersAffectedPct" | "timeToFixMinutes" | "severity" | "severityReason">;
  services: { id: string; name: string }[];
  loaded: LoadedPolicy;
  recommendation: Decision;
  final: Decision;
  overridden: boolean;
  commanderId: string | null;
  declaredById: string | null;
  detectedAt: Date;
  now: Date;
};

/**
 * The one writer of a new incident, in the caller's transaction: its key, the row, the declared and
 * decision timeline events with their audit rows. People declare through createIncident; alerts
 * through lib/alerts (the automation actor).
 */
export async function insertIncident(tx: Tx, ctx: Ctx, n: NewIncident) {
  const { data, services, loaded, recommendation, final, overridden, commanderId, detectedAt } = n;
  const year = n.now.getUTCFullYear();
  const [counter] = await tx.$queryRaw<{ last: number }[]>`
    insert into "IncidentCounter" ("year", "last") values (${year}, 1)
    on conflict ("year") do update set "last" = "IncidentCounter"."last" + 1
    returning "last"`;
  const key = `INC-${year}-${counter!.last}`;
  const decision = toJson(final, recommendation.severity);
  const created = await tx.incident.create({
    data: {
      key,
      title: data.title,
      summary: data.summary,
      trigger: data.trigger,
      triggerId: data.triggerId ?? null,
      usersAffectedPct: data.usersAffectedPct ?? null,
      timeToFixMinutes: data.timeToFixMinutes ?? null,
      severity: data.severity,
      severityOverride: overridden ? data.severityReason : null,
      decision,
      policyVersion: loaded.version,
      respondBy: final.respondBy,
      commanderId,
      declaredById: n.declaredById,
      detectedAt,
      services: { create: services.map((s) => ({ serviceId: s.id })) },
    },
    select: { id: true, key: true, title: true, severity: true, status: true },
  });
  const snapshot = { ...data, key, services: services.map((s) => s.name), policyVersion: loaded.version };
  await recordIncidentChange(tx, ctx, {
    incidentId: created.id,
    incidentKey: key,
    kind: "declared",
    payload: { severity: data.severity, trigger: data.trigger, services: services.map((s) => s.name) },
    action: "incident.declare",
    after: snapshot,
  });
  await recordIncidentChange(tx, ctx, {
    incidentId: created.id,
    incidentKey: key,
    kind: "decision",
    payload: {
      severity: final.severity,
      scope: final.scope?.label ?? null,
      responseMinutes: final.responseMinutes,
      approval: final.approval?.mode ?? null,
      reasons: final.reasons.map((r) => r.text),
      policyVersion: loaded.version,
    },
    action: "incident.decision",
    after: { decision: decision.severity, policyVersion: loaded.version },
  });
  if (overridden) {
    await recordIncidentChange(tx, ctx, {
      incidentId: created.id,
      incidentKey: key,
      kind: "severity_override",
      payload: { recommended: recommendation.severity, chosen: data.severity, reason: data.severityReason, policyVersion: loaded.version },
      action: "incident.severity_override",
      before: { severity: recommendation.severity },
      after: { severity: data.severity, reason: data.severityReason },
    });
  }
  return created;
}
