import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import type { Ctx } from "../auth/actor.ts";
import { formatSourceError, type SourceError } from "../yaml/source.ts";
import { applyCatalogEntries, entryProblems, type ApplySummary } from "./apply-catalog.ts";
import { parseCatalog } from "./catalog-file.ts";
import { loadedRunbookInfo } from "./catalog-verbs.ts";
import type { Skipped } from "./backstage.ts";

// SERVICES_FILE, applied at start and whenever it changes. Like the policy file, a broken edit
// changes nothing: the last good catalogue stays and the reason is shown on /services.

export const SERVICES_FILE_SETTING = "services.file";
const ACTOR: Ctx = { actor: { type: "system", label: "Services file" } };

/** What /services shows about the file; written only by applyServicesFile (one writer). */
export const ZServicesFileStatus = z.object({
  file: z.string(),
  /** Version (content hash) of the last text that applied; null if none ever did. */
  appliedVersion: z.string().nullable(),
  appliedAt: z.string().nullable(),
  /** Errors of the file as it is now; when set, the catalogue is the last good one. */
  errors: z.array(z.object({ file: z.string(), line: z.number().nullable(), path: z.string(), message: z.string() })),
  skipped: z.array(z.object({ ref: z.string(), reason: z.string() })),
  checkedVersion: z.string().nullable(),
});
export type ServicesFileStatus = z.infer<typeof ZServicesFileStatus>;

export async function readServicesFileStatus(db: Db): Promise<ServicesFileStatus | null> {
  const row = await db.setting.findUnique({ where: { key: SERVICES_FILE_SETTING }, select: { value: true } });
  const parsed = ZServicesFileStatus.safeParse(row?.value);
  return parsed.success ? parsed.data : null;
}

export type ApplyFileResult = { status: ServicesFileStatus; summary: ApplySummary | null };

/**
 * Reads the file and applies it. Applying the same text again writes nothing at all; a file that
 * does not read, parse or validate (including a runbook that is not loaded) keeps the catalogue.
 */
export async function applyServicesFile(db: Db, file: string, now = new Date()): Promise<ApplyFileResult> {
  const shown = path.relative(process.cwd(), file) || file;
  const prev = await readServicesFileStatus(db);
  const base: ServicesFileStatus = prev?.file === shown ? prev : { file: shown, appliedVersion: null, appliedAt: null, errors: [], skipped: [], checkedVersion: null };
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const errors = [{ file: shown, line: null, path: "", message: `cannot read the services file: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }];
    return { status: await save(db, { ...base, errors, checkedVersion: null }, prev), summary: null };
  }
  const parsed = parseCatalog(shown, text);
  if (!parsed.ok) return { status: await save(db, { ...base, errors: parsed.errors, checkedVersion: null }, prev), summary: null };
  if (prev && prev.file === shown && prev.appliedVersion === parsed.version && !prev.errors.length) {
    return { status: prev, summary: null };
  }
  const loaded = await loadedRunbookInfo();
  const errors: SourceError[] = parsed.entries.flatMap((e) => entryProblems(e, loaded).map((message) => ({ file: shown, line: null, path: e.ref, message })));
  if (errors.length) return { status: await save(db, { ...base, errors, checkedVersion: parsed.version }, prev), summary: null };

  const skipped: Skipped[] = parsed.skipped;
  const { summary, status } = await db.$transaction(async (tx) => {
    const summary = await applyCatalogEntries(tx, ACTOR, parsed.entries, { kind: "file", sourceRef: shown }, now);
    const status: ServicesFileStatus = { file: shown, appliedVersion: parsed.version, appliedAt: now.toISOString(), errors: [], skipped, checkedVersion: parsed.version };
    await tx.setting.upsert({ where: { key: SERVICES_FILE_SETTING }, create: { key: SERVICES_FILE_SETTING, value: status }, update: { value: status } });
    return { summary, status };
  });
  return { status, summary };
}

async function save(db: Db, status: ServicesFileStatus, prev: ServicesFileStatus | null): Promise<ServicesFileStatus> {
  if (prev && JSON.stringify(prev) === JSON.stringify(status)) return prev;
  await db.setting.upsert({ where: { key: SERVICES_FILE_SETTING }, create: { key: SERVICES_FILE_SETTING, value: status }, update: { value: status } });
  return status;
}

export function describeApply(r: ApplyFileResult): string {
  if (r.status.errors.length) {
    return `services file ${r.status.file} not applied (${r.status.appliedVersion ? "keeping the last good catalogue" : "no catalogue from it yet"}):\n  ${r.status.errors.map(formatSourceError).join("\n  ")}`;
  }
  if (!r.summary) return `services file ${r.status.file} unchanged`;
  const s = r.summary;
  return `services file ${r.status.file} applied: ${s.created.length} added, ${s.updated.length} updated, ${s.restored.length} restored, ${s.archived.length} archived, ${s.unchanged.length} unchanged${r.status.skipped.length ? `, ${r.status.skipped.length} skipped` : ""}`;
}
