import { z } from "zod";
import { db } from "../db/client.ts";
import type { Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { appendAudit } from "../audit/index.ts";
import { disconnectAnonymousPublic } from "../realtime/publish.ts";

export const STATUS_PUBLIC_KEY = "status.public";

export const ZSetStatusVisibility = z.object({
  visibility: z.enum(["public", "signed_in"], "Choose who may see the status page."),
});
export type SetStatusVisibility = z.infer<typeof ZSetStatusVisibility>;

/**
 * Public (the default) or sign-in only. /status, /api/status, /status/feed.xml and the `/public`
 * socket namespace read the setting on every request; on the switch to sign-in only, open
 * status-page sockets without a session are dropped at once.
 */
export async function setStatusVisibility({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "settings.manage");
  const parsed = ZSetStatusVisibility.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const isPublic = parsed.data.visibility === "public";
  const changed = await db().$transaction(async (tx) => {
    const before = await tx.setting.findUnique({ where: { key: STATUS_PUBLIC_KEY }, select: { value: true } });
    const wasPublic = before?.value !== false;
    if (wasPublic === isPublic) return false;
    await tx.setting.upsert({ where: { key: STATUS_PUBLIC_KEY }, create: { key: STATUS_PUBLIC_KEY, value: isPublic }, update: { value: isPublic } });
    await appendAudit(tx, ctx, { action: "setting.status_public", targetType: "setting", targetId: STATUS_PUBLIC_KEY, before: { public: wasPublic }, after: { public: isPublic } });
    return true;
  });
  if (changed && !isPublic) await disconnectAnonymousPublic().catch((e: Error) => console.error(`[status] dropping anonymous sockets failed: ${e.message}`));
  return { public: isPublic, changed };
}
