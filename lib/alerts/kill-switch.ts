import { z } from "zod";
import { db, type Db, type Tx } from "../db/client.ts";
import type { Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { appendAudit } from "../audit/index.ts";
import { publish } from "../realtime/publish.ts";
import { rooms } from "../realtime/events.ts";
import { multiLine } from "../validation/text.ts";

// The automation kill switches: one for every service (a setting, /admin/settings) and one per
// service. Off, alerts are still recorded and decided, but nothing is declared or rolled back
// automatically; a person is asked. Both switches are audited with who and why.

export const AUTOMATION_SETTING_KEY = "automation.enabled";

const ZOnOff = z.union([z.boolean(), z.enum(["true", "false", "on", "off"]).transform((v) => v === "true" || v === "on")], "Choose on or off.");
const reason = multiLine().trim().min(3, "Say why (at least 3 characters): the audit trail keeps it.").max(1000, "Reason is limited to 1,000 characters.");

export const ZSetAutomation = z.object({ enabled: ZOnOff, reason });
export const ZSetServiceAutomation = z.object({ serviceId: z.uuid("Choose a service."), enabled: ZOnOff, reason });

/** Whether automation may act at all (default on). */
export async function automationEnabled(client: Db | Tx = db()): Promise<boolean> {
  const row = await client.setting.findUnique({ where: { key: AUTOMATION_SETTING_KEY }, select: { value: true } });
  return row?.value !== false;
}

export async function setAutomationEnabled({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "settings.manage");
  const parsed = ZSetAutomation.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { enabled, reason: why } = parsed.data;
  const changed = await db().$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(hashtext(${`setting:${AUTOMATION_SETTING_KEY}`}))`;
    const was = await automationEnabled(tx);
    if (was === enabled) return false;
    await tx.setting.upsert({ where: { key: AUTOMATION_SETTING_KEY }, create: { key: AUTOMATION_SETTING_KEY, value: enabled }, update: { value: enabled } });
    await appendAudit(tx, ctx, { action: "setting.automation", targetType: "setting", targetId: AUTOMATION_SETTING_KEY, before: { enabled: was }, after: { enabled, reason: why } });
    return true;
  });
  if (changed) publish([rooms.board], "alert:changed", { groupId: null, status: "settings", outcome: null, incidentKey: null, at: new Date().toISOString() });
  return { enabled, changed };
}

export async function setServiceAutomation({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "service.manage");
  const parsed = ZSetServiceAutomation.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { serviceId, enabled, reason: why } = parsed.data;
  const out = await db().$transaction(async (tx) => {
    await tx.$queryRaw`select 1 from "Service" where "id" = ${serviceId}::uuid for update`;
    const svc = await tx.service.findUnique({ where: { id: serviceId }, select: { id: true, name: true, automationEnabled: true } });
    if (!svc) throw new AppError("NOT_FOUND", "That service no longer exists; reload the page.");
    if (svc.automationEnabled === enabled) return { name: svc.name, changed: false };
    await tx.service.update({ where: { id: serviceId }, data: { automationEnabled: enabled } });
    await appendAudit(tx, ctx, { action: "service.automation", targetType: "service", targetId: svc.name, before: { automationEnabled: svc.automationEnabled }, after: { automationEnabled: enabled, reason: why } });
    return { name: svc.name, changed: true };
  });
  if (out.changed) publish([rooms.board], "service:changed", { id: serviceId, at: new Date().toISOString() });
  return { ...out, enabled };
}
