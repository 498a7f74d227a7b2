import { db } from "../db/client.ts";
import type { Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { appendAudit } from "../audit/index.ts";
import { publish } from "../realtime/publish.ts";
import { rooms } from "../realtime/events.ts";
import { ZUpdateService } from "./schemas.ts";

export async function updateService({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "service.manage");
  const parsed = ZUpdateService.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { id, ...data } = parsed.data;
  await db().$transaction(async (tx) => {
    const before = await tx.service.findUnique({
      where: { id },
      select: { name: true, tier: true, rtoMinutes: true, rpoMinutes: true, ownerTeam: true, currentVersion: true, lastKnownGoodVersion: true },
    });
    if (!before) throw new AppError("NOT_FOUND", "That service no longer exists.");
    await tx.service.update({ where: { id }, data });
    await appendAudit(tx, ctx, { action: "service.update", targetType: "service", targetId: id, before, after: { name: before.name, ...data } });
  });
  publish([rooms.board], "service:changed", { id, at: new Date().toISOString() });
}
