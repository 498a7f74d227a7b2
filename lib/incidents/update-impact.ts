import { db } from "../db/client.ts";
import { actorLabel, type Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { publish } from "../realtime/publish.ts";
import { rooms } from "../realtime/events.ts";
import { ZUpdateImpact } from "./schemas.ts";
import { recordIncidentChange } from "./record.ts";

export async function updateImpact({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "incident.update");
  const parsed = ZUpdateImpact.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { key, version, usersAffected, revenueImpact, dataLoss } = parsed.data;
  const now = new Date();

  const updated = await db().$transaction(async (tx) => {
    const cur = await tx.incident.findUnique({
      where: { key },
      select: { id: true, usersAffected: true, revenueImpactCents: true, dataLoss: true },
    });
    if (!cur) throw new AppError("NOT_FOUND", `Incident ${key} does not exist.`);
    const after = { usersAffected, revenueImpactCents: revenueImpact, dataLoss };
    const before = { usersAffected: cur.usersAffected, revenueImpactCents: cur.revenueImpactCents, dataLoss: cur.dataLoss };
    const res = await tx.incident.updateMany({
      where: { id: cur.id, version },
      data: { ...after, version: { increment: 1 } },
    });
    if (res.count === 0) {
      throw new AppError("CONFLICT", "Someone else changed this incident a moment ago. Review the latest figures and save again.");
    }
    await recordIncidentChange(tx, ctx, {
      incidentId: cur.id,
      incidentKey: key,
      kind: "impact_updated",
      payload: { before, after },
      action: "incident.impact",
      before,
      after,
    });
    return tx.incident.findUniqueOrThrow({ where: { id: cur.id }, select: { key: true, title: true, severity: true, status: true } });
  });

  publish([rooms.board, rooms.incident(key)], "incident:changed", {
    ...updated,
    kind: "impact",
    by: actorLabel(ctx.actor),
    at: now.toISOString(),
  });
  return updated;
}
