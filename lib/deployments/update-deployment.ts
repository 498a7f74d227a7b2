import { db } from "../db/client.ts";
import type { Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { appendAudit } from "../audit/index.ts";
import { ZUpdateDeployment, type DeploymentView } from "./schemas.ts";
import { deploymentSelect, toView } from "./view.ts";
import { lockService, setCurrentVersion } from "./record-deployment.ts";

/** Finishes an in-progress deployment (succeeded or failed). Repeating the same finish is a no-op. */
export async function updateDeployment({ ctx, input }: { ctx: Ctx; input: unknown }, now = new Date()): Promise<DeploymentView> {
  assertCan(ctx.actor, "deployment.write");
  const parsed = ZUpdateDeployment.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { id, status, finishedAt } = parsed.data;
  return db().$transaction(async (tx) => {
    const found = await tx.deployment.findUnique({ where: { id }, select: { serviceId: true } });
    if (!found) throw new AppError("NOT_FOUND", "No such deployment.");
    await lockService(tx, found.serviceId);
    const before = await tx.deployment.findUniqueOrThrow({ where: { id }, select: deploymentSelect });
    if (before.status === status) return toView(before);
    if (before.status !== "in_progress") throw new AppError("CONFLICT", `This deployment already ${before.status}; record a new one instead.`);
    const row = await tx.deployment.update({ where: { id }, data: { status, finishedAt: finishedAt ?? now }, select: deploymentSelect });
    if (status === "succeeded") {
      // Only the newest succeeded deployment speaks for what runs now.
      const newer = await tx.deployment.findFirst({ where: { serviceId: row.serviceId, environment: row.environment, status: "succeeded", startedAt: { gt: row.startedAt } }, select: { id: true } });
      if (!newer) await setCurrentVersion(tx, row.serviceId, row.environment, row.version);
    }
    await appendAudit(tx, ctx, { action: "deployment.update", targetType: "deployment", targetId: id, before: { status: before.status, finishedAt: before.finishedAt }, after: { status, finishedAt: row.finishedAt } });
    return toView(row);
  });
}
