import { db, type Tx } from "../db/client.ts";
import type { Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { appendAudit } from "../audit/index.ts";
import { escalationPath } from "./escalation-path.ts";
import { ZCreateContact, ZDeleteContact, ZUpdateContact, type ContactFields } from "./schemas.ts";
import { CONTACTS_LOCK } from "../db/locks.ts";

/** Linked user and channels must exist; reported on their fields so the form can show it. */
async function checkLinks(tx: Tx, c: ContactFields) {
  const fieldErrors: Record<string, string[]> = {};
  if (c.userId && !(await tx.user.findUnique({ where: { id: c.userId }, select: { id: true } }))) {
    fieldErrors.userId = ["That user no longer exists."];
  }
  const ids = [...new Set(c.channelIds)];
  if (ids.length && (await tx.channel.count({ where: { id: { in: ids } } })) !== ids.length) {
    fieldErrors.channelIds = ["A chosen channel no longer exists; reload the page."];
  }
  if (Object.keys(fieldErrors).length) throw new AppError("VALIDATION", "Please correct the highlighted fields.", fieldErrors);
  return ids;
}

const shown = (c: ContactFields, channelIds: string[]) => ({ name: c.name, title: c.title, email: c.email, phone: c.phone, note: c.note, userId: c.userId || null, channelIds });

export async function createContact({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "contacts.manage");
  const parsed = ZCreateContact.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const c = parsed.data;
  return db().$transaction(async (tx) => {
    const channelIds = await checkLinks(tx, c);
    const created = await tx.contact.create({
      data: { name: c.name, title: c.title, email: c.email, phone: c.phone, note: c.note, userId: c.userId || null, channels: { create: channelIds.map((channelId) => ({ channelId })) } },
      select: { id: true, name: true },
    });
    await appendAudit(tx, ctx, { action: "contact.create", targetType: "contact", targetId: created.id, after: shown(c, channelIds) });
    return created;
  });
}

export async function updateContact({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "contacts.manage");
  const parsed = ZUpdateContact.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { contactId, ...c } = parsed.data;
  return db().$transaction(async (tx) => {
    const before = await tx.contact.findUnique({
      where: { id: contactId },
      select: { name: true, title: true, email: true, phone: true, note: true, userId: true, channels: { select: { channelId: true } } },
    });
    if (!before) throw new AppError("NOT_FOUND", "That contact no longer exists.");
    const channelIds = await checkLinks(tx, c);
    await tx.contactChannel.deleteMany({ where: { contactId } });
    const updated = await tx.contact.update({
      where: { id: contactId },
      data: { name: c.name, title: c.title, email: c.email, phone: c.phone, note: c.note, userId: c.userId || null, channels: { create: channelIds.map((channelId) => ({ channelId })) } },
      select: { id: true, name: true },
    });
    const { channels, ...rest } = before;
    await appendAudit(tx, ctx, {
      action: "contact.update",
      targetType: "contact",
      targetId: contactId,
      before: { ...rest, channelIds: channels.map((x) => x.channelId) },
      after: shown(c, channelIds),
    });
    return updated;
  });
}

/** A contact the escalation path in use still names cannot be deleted: nobody would be reached. */
export async function deleteContact({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "contacts.manage");
  const parsed = ZDeleteContact.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { contactId } = parsed.data;
  return db().$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(${CONTACTS_LOCK})`;
    const before = await tx.contact.findUnique({ where: { id: contactId }, select: { name: true, title: true, email: true, phone: true, note: true, userId: true } });
    if (!before) throw new AppError("NOT_FOUND", "That contact no longer exists.");
    const path = await escalationPath(tx);
    const used = path.steps.findIndex((s) => s.contactIds.includes(contactId));
    if (used >= 0) {
      throw new AppError("CONFLICT", `${before.name} is on the escalation path (step ${used + 1}, ${path.steps[used]!.role}). Take them off the path first.`);
    }
    await tx.contact.delete({ where: { id: contactId } });
    await appendAudit(tx, ctx, { action: "contact.delete", targetType: "contact", targetId: contactId, before });
    return { name: before.name };
  });
}
