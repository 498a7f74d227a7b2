import { z } from "zod";
import { DEFAULT_TEMPLATES } from "../../templates/default-templates";
import type { Db, Tx } from "../db/client";
import { AppError } from "../errors";
import { inTransaction } from "./tx";
import { multiLine, singleLine } from "../validation/text";
import { AUDIENCES, checkTemplateFields, type Audience, type Template } from "./templates";

export const ZSaveTemplate = z.object({
  name: singleLine().trim().regex(/^[a-z0-9-]+$/, "lowercase letters, digits and dashes").max(80),
  audience: z.enum(AUDIENCES as [Audience, ...Audience[]]),
  subject: singleLine().trim().min(1).max(300),
  body: multiLine().min(1).max(20_000),
});
export type SaveTemplate = z.infer<typeof ZSaveTemplate>;

/** Save a new version (older versions are kept). Template errors are field errors listing allowed names. */
export async function saveTemplate(client: Db | Tx, input: SaveTemplate, now: Date = new Date()) {
  return inTransaction(client, (tx) => saveIn(tx, input, now));
}

async function saveIn(client: Tx, input: SaveTemplate, now: Date) {
  const parsed = ZSaveTemplate.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const errors = checkTemplateFields(parsed.data);
  if (Object.keys(errors).length) throw new AppError("VALIDATION", "The template has errors.", errors);
  const latest = await client.messageTemplate.findFirst({ where: { name: parsed.data.name }, orderBy: { version: "desc" }, select: { version: true } });
  try {
    return await client.messageTemplate.create({
      data: { ...parsed.data, version: (latest?.version ?? 0) + 1, createdAt: now },
      select: { id: true, name: true, version: true },
    });
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") throw new AppError("CONFLICT", "Someone saved this template at the same time; reload and try again.");
    throw e;
  }
}

export type StoredTemplate = Template & { version: number | null };

/** The newest version of each template, with the seed templates for names never saved. */
export async function currentTemplates(db: Db): Promise<StoredTemplate[]> {
  const rows = await db.messageTemplate.findMany({
    distinct: ["name"],
    orderBy: [{ name: "asc" }, { version: "desc" }],
    select: { name: true, audience: true, subject: true, body: true, version: true },
  });
  const saved = new Map(rows.map((r) => [r.name, r]));
  const defaults: StoredTemplate[] = DEFAULT_TEMPLATES.map((t) => {
    const s = saved.get(t.name);
    return s ? { ...t, ...s } : { ...t, version: null };
  });
  const custom = rows.filter((r) => !DEFAULT_TEMPLATES.some((t) => t.name === r.name)).map((r) => ({ ...r, title: r.name }));
  return [...defaults, ...custom];
}
