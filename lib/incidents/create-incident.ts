import { db } from "../db/client.ts";
import { actorLabel, type Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { publish } from "../realtime/publish.ts";
import { rooms } from "../realtime/events.ts";
import { ZCreateIncident } from "./schemas.ts";
import { recordIncidentChange } from "./record.ts";


export async function createIncident({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "incident.declare");
  const parsed = ZCreateIncident.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const data = parsed.data;
  const now = new Date();
  const detectedAt = data.detectedAt ?? now;
  if (detectedAt.getTime() > now.getTime() + 60_000 || now.getTime() - detectedAt.getTime() > 30 * 86_400_000) {
    throw new AppError("VALIDATION", "Please correct the highlighted fields.", {
      detectedAt: ["Detection time must be in the last 30 days and not in the future."],
    });
  }
  const year = now.getUTCFullYear();
  const commanderId = ctx.actor.type === "user" ? ctx.actor.id : null;

  const incident = await db().$transaction(async (tx) => {
    const services = await tx.service.findMany({ where: { id: { in: data.serviceIds } }, select: { id: true, name: true } });
    if (services.length !== new Set(data.serviceIds).size) {
      throw new AppError("VALIDATION", "One of the chosen services no longer exists.", {
        serviceIds: ["One of the chosen services no longer exists. Reload and choose again."],
      });
    }
    const [counter] = await tx.$queryRaw<{ last: number }[]>`
      insert into "IncidentCounter" ("year", "last") values (${year}, 1)
      on conflict ("year") do update set "last" = "IncidentCounter"."last" + 1
      returning "last"`;
    const key = `INC-${year}-${counter!.last}`;
    const created = await tx.incident.create({
      data: {
        key,
        title: data.title,
        summary: data.summary,
        trigger: data.trigger,
        severity: data.severity,
        commanderId,
        declaredById: commanderId,
        detectedAt,
        services: { create: services.map((s) => ({ serviceId: s.id })) },
      },
      select: { id: true, key: true, title: true, severity: true, status: true },
    });
    const snapshot = { ...data, key, services: services.map((s) => s.name) };
    await recordIncidentChange(tx, ctx, {
      incidentId: created.id,
      incidentKey: key,
      kind: "declared",
      payload: { severity: data.severity, trigger: data.trigger, services: services.map((s) => s.name) },
      action: "incident.declare",
      after: snapshot,
    });
    return created;
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
