import type { Tx } from "../db/client.ts";
import type { TimelineKind } from "../db/generated/enums.ts";
import { actorFields, type Ctx } from "../auth/actor.ts";
import { appendAudit } from "../audit/index.ts";
import { toJsonSafe } from "../audit/hash.ts";

type Change = {
  incidentId: string;
  incidentKey: string;
  kind: TimelineKind;
  payload: Record<string, unknown>;
  action: string;
  before?: unknown;
  after?: unknown;
};

/** Every incident change writes its timeline event and its audit row in the caller's transaction. */
export async function recordIncidentChange(tx: Tx, ctx: Ctx, change: Change) {
  await tx.timelineEvent.create({
    data: {
      incidentId: change.incidentId,
      kind: change.kind,
      ...actorFields(ctx.actor),
      payload: toJsonSafe(change.payload) as object,
    },
  });
  await appendAudit(tx, ctx, {
    action: change.action,
    targetType: "incident",
    targetId: change.incidentKey,
    before: change.before,
    after: change.after,
  });
}
