import { db } from "../db/client.ts";
import type { Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { ZChangeStatus } from "./schemas.ts";
import { publishTransition, transitionIncident } from "./transition.ts";

/** A person moves an incident along its lifecycle (the checks live in transitionIncident). */
export async function changeStatus({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "incident.changeStatus");
  const parsed = ZChangeStatus.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { key, status, version, note } = parsed.data;
  const now = new Date();

  const done = await db().$transaction(async (tx) => {
    const inc = await tx.incident.findUnique({ where: { key }, select: { id: true } });
    if (!inc) throw new AppError("NOT_FOUND", `Incident ${key} does not exist.`);
    const out = await transitionIncident(tx, ctx, { incidentId: inc.id, to: status, now, note, expectedVersion: version });
    if (!out) throw new AppError("CONFLICT", "The incident already has that status.", { status: ["Already the current status."] });
    return out;
  });
  publishTransition(done);
  return { key: done.key, title: done.title, severity: done.severity, status: done.status };
}
