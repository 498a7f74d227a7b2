import { z } from "zod";
import { DEFAULT_TEMPLATES } from "../../templates/default-templates.ts";
import { db } from "../db/client.ts";
import type { Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { appendAudit } from "../audit/index.ts";
import { AppError } from "../errors.ts";
import { saveTemplate } from "./template-store.ts";
import { AUDIENCES, type Audience } from "./templates.ts";
import { multiLine, singleLine } from "../validation/text.ts";

export const ZSaveTemplateVersion = z.object({
  name: singleLine().trim().min(1, "Name the template.").max(80, "At most 80 characters.").regex(/^[a-z0-9-]+$/, "Use lowercase letters, digits and dashes."),
  audience: z.enum(AUDIENCES as [Audience, ...Audience[]], "Choose an audience."),
  subject: singleLine().trim().min(1, "Write a subject.").max(300, "Subjects are limited to 300 characters."),
  // Browsers submit a textarea's line breaks as CRLF; templates keep plain LF (multiLine does that).
  body: multiLine().min(1, "Write the message.").max(20_000, "Templates are limited to 20,000 characters."),
  // The version the editor was showing (0: never saved). A newer one means someone else saved meanwhile.
  baseVersion: z.coerce.number().int().min(0).default(0),
  // "1" when the admin is creating a template: its name must be new.
  create: z.preprocess((v) => v === true || v === "1" || v === "on", z.boolean()).default(false),
});
export type SaveTemplateVersion = z.infer<typeof ZSaveTemplateVersion>;

export const ZRestoreTemplateVersion = z.object({
  name: singleLine().trim().min(1).max(80),
  // 0 restores the built-in seed text.
  version: z.coerce.number().int().min(0),
});

const isSeed = (name: string) => DEFAULT_TEMPLATES.some((t) => t.name === name);

/**
 * Saves a template as a new version; every earlier version stays. Template errors (unknown
 * variable, unbalanced brace) are field errors naming the allowed variables, checked here as well
 * as in the editor, because the action is a public endpoint.
 */
export async function saveTemplateVersion({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "comms.manage");
  const parsed = ZSaveTemplateVersion.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { baseVersion, create, ...t } = parsed.data;
  return db().$transaction(async (tx) => {
    const latest = await tx.messageTemplate.findFirst({ where: { name: t.name }, orderBy: { version: "desc" }, select: { version: true } });
    const current = latest?.version ?? 0;
    if (create && (latest || isSeed(t.name))) {
      throw new AppError("CONFLICT", "A template with that name exists.", { name: ["Already in use: pick another name or edit that template."] });
    }
    if (!create && !latest && !isSeed(t.name)) throw new AppError("NOT_FOUND", `There is no template named ${t.name}.`);
    if (!create && current !== baseVersion) {
      throw new AppError("CONFLICT", `Someone saved version ${current} while you were editing version ${baseVersion}. Copy your text, reload, and apply it again.`);
    }
    const saved = await saveTemplate(tx, t);
    await appendAudit(tx, ctx, {
      action: create ? "template.create" : "template.save",
      targetType: "template",
      targetId: t.name,
      before: current ? { version: current } : undefined,
      after: { version: saved.version, audience: t.audience, subject: t.subject },
    });
    return saved;
  });
}

/** Restoring an old version saves its text as the newest version; nothing is overwritten. */
export async function restoreTemplateVersion({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "comms.manage");
  const parsed = ZRestoreTemplateVersion.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { name, version } = parsed.data;
  return db().$transaction(async (tx) => {
    const source =
      version === 0
        ? DEFAULT_TEMPLATES.find((t) => t.name === name)
        : await tx.messageTemplate.findUnique({ where: { name_version: { name, version } }, select: { audience: true, subject: true, body: true } });
    if (!source) throw new AppError("NOT_FOUND", `Template ${name} has no version ${version}.`);
    const latest = await tx.messageTemplate.findFirst({ where: { name }, orderBy: { version: "desc" }, select: { version: true } });
    const saved = await saveTemplate(tx, { name, audience: source.audience, subject: source.subject, body: source.body });
    await appendAudit(tx, ctx, {
      action: "template.restore",
      targetType: "template",
      targetId: name,
      before: latest ? { version: latest.version } : undefined,
      after: { version: saved.version, restoredFrom: version },
    });
    return saved;
  });
}
