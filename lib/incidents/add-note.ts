import { db } from "../db/client.ts";
import { actorLabel, type Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { publish } from "../realtime/publish.ts";
import { rooms } from "../realtime/events.ts";
import { ZAddNote } from "./schemas.ts";
import { recordIncidentChange } from "./record.ts";

export async function addNote({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "incident.note");
  const parsed = ZAddNote.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { key, note } = parsed.data;
  const now = new Date();

  const inc = await db().$transaction(async (tx) => {
    const cur = await tx.incident.findUnique({ where: { key }, select: { id: true, key: true, title: true, severity: true, status: true } });
    if (!cur) throw new AppError("NOT_FOUND", `Incident ${key} does not exist.`);
    await recordIncidentChange(tx, ctx, {
      incidentId: cur.id,
      incidentKey: key,
      kind: "note",
      payload: { note },
      action: "incident.note",
      after: { note },
    });
    return cur;
  });

  publish([rooms.incident(key)], "incident:changed", {
    key, title: inc.title, severity: inc.severity, status: inc.status,
    kind: "note", by: actorLabel(ctx.actor), at: now.toISOString(),
  });
}
