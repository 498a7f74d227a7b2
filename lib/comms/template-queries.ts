import { DEFAULT_TEMPLATES } from "../../templates/default-templates.ts";
import type { Db } from "../db/client.ts";
import type { Audience } from "./templates.ts";
import type { TemplateVars } from "./variables.ts";

export type TemplateVersionView = {
  version: number;
  audience: Audience;
  subject: string;
  body: string;
  /** ISO time; null for the built-in seed text (version 0). */
  savedAt: string | null;
  savedBy: string | null;
};

/** Every version of a template, newest first; the seed text is version 0 for built-in templates. */
export async function templateHistory(db: Db, name: string): Promise<TemplateVersionView[]> {
  const rows = await db.messageTemplate.findMany({
    where: { name },
    orderBy: { version: "desc" },
    select: { version: true, audience: true, subject: true, body: true, createdAt: true },
  });
  // Who saved each version comes from the audit trail (the template table has no author column).
  const audits = await db.auditEvent.findMany({
    where: { targetType: "template", targetId: name },
    select: { actorLabel: true, after: true },
  });
  const by = new Map(audits.map((a) => [(a.after as { version?: number } | null)?.version, a.actorLabel]));
  const versions: TemplateVersionView[] = rows.map((r) => ({
    version: r.version,
    audience: r.audience,
    subject: r.subject,
    body: r.body,
    savedAt: r.createdAt.toISOString(),
    savedBy: by.get(r.version) ?? null,
  }));
  const seed = DEFAULT_TEMPLATES.find((t) => t.name === name);
  if (seed) versions.push({ version: 0, audience: seed.audience, subject: seed.subject, body: seed.body, savedAt: null, savedBy: null });
  return versions;
}

/** Open incidents whose live values the editor may preview with. */
export async function openIncidentsForPreview(db: Db) {
  return db.incident.findMany({
    where: { status: { notIn: ["resolved", "closed"] } },
    orderBy: { detectedAt: "desc" },
    take: 25,
    select: { key: true, title: true },
  });
}

/** Values that look like a real incident, so a template reads naturally before any incident exists. */
export const SAMPLE_VARS: Required<TemplateVars> = {
  key: "INC-2026-42",
  title: "Checkout returns 500 after v2.14.0",
  services: "Checkout, Core API",
  severity: "CRITICAL",
  trigger: "Error rate above 5% for 5 minutes",
  startedAt: "2026-11-23 08:10 UTC",
  elapsed: "12 min",
  eta: "about 15 min after the rollback started",
  impact: "12,400 users affected, $8,200 revenue impact",
  status: "rolling back",
  rollbackScope: "Application",
  rollbackLevel: "2",
  rollbackDuration: "9 min",
  commander: "Omar On-call",
  contact: "Omar On-call <oncall@example.com>",
  nextUpdateAt: "2026-11-23 08:40 UTC",
  validationResults: "Health check: succeeded\nVersion check: succeeded",
};
