import type { Tx } from "../db/client.ts";
import type { Ctx } from "../auth/actor.ts";
import { appendAudit } from "../audit/index.ts";
import { SERVICE_CATALOG_LOCK } from "../db/locks.ts";
import { checkServiceRunbooks } from "./rollback-runbooks.ts";
import { readServiceRunbooks } from "./rollback-runbooks.ts";
import type { CatalogEntry, Skipped } from "./backstage.ts";
import { ZServiceFields, type ServiceFields } from "./schemas.ts";

// Writes catalogue entries (from SERVICES_FILE or an import) inside the caller's transaction.
// Services are matched by name; nothing is written for an entry that already matches, so applying
// the same catalogue twice changes nothing and audits nothing.

export type ApplyMode =
  /** SERVICES_FILE: its services become file-managed; file services it no longer lists are archived. */
  | { kind: "file"; sourceRef: string }
  /** A one-off import: services stay hand-managed; file-managed ones are left alone. */
  | { kind: "import" };

export type ApplySummary = { created: string[]; updated: string[]; unchanged: string[]; archived: string[]; restored: string[]; skipped: Skipped[] };

type RunbookInfo = Parameters<typeof checkServiceRunbooks>[2];

const FIELDS = Object.keys(ZServiceFields.shape) as (keyof ServiceFields)[];

function stable(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : x,
  );
}

function pickFields(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(FIELDS.map((k) => [k, k === "runbooks" ? readServiceRunbooks(row[k]) : row[k]]));
}

/** Problems that make an entry unusable: its runbooks are not loaded or their defaults are wrong. */
export function entryProblems(entry: CatalogEntry, loaded: RunbookInfo): string[] {
  return checkServiceRunbooks(entry.fields.runbooks, entry.fields.environments, loaded).map((p) => `${p.path}: ${p.message}`);
}

export async function applyCatalogEntries(tx: Tx, ctx: Ctx, entries: readonly CatalogEntry[], mode: ApplyMode, now: Date): Promise<ApplySummary> {
  await tx.$executeRaw`select pg_advisory_xact_lock(${SERVICE_CATALOG_LOCK})`;
  const summary: ApplySummary = { created: [], updated: [], unchanged: [], archived: [], restored: [], skipped: [] };
  const existing = await tx.service.findMany({
    select: {
      id: true, source: true, sourceRef: true, archivedAt: true,
      name: true, description: true, tier: true, rtoMinutes: true, rpoMinutes: true, verificationWindowMinutes: true, ownerTeam: true, lifecycle: true,
      system: true, environments: true, runbooks: true, onStatusPage: true, publicName: true,
    } satisfies Record<"id" | "source" | "sourceRef" | "archivedAt" | keyof ServiceFields, true>,
  });
  const byName = new Map(existing.map((s) => [s.name, s]));
  const source = mode.kind === "file" ? ("file" as const) : ("manual" as const);

  for (const entry of entries) {
    const f = entry.fields;
    const sourceRef = mode.kind === "file" ? mode.sourceRef : entry.ref;
    const row = byName.get(f.name);
    if (!row) {
      const created = await tx.service.create({ data: { ...f, source, sourceRef }, select: { id: true } });
      await appendAudit(tx, ctx, { action: `service.${mode.kind}_create`, targetType: "service", targetId: created.id, after: { ...f, source, sourceRef } });
      summary.created.push(f.name);
      continue;
    }
    if (mode.kind === "import" && row.source === "file") {
      summary.skipped.push({ ref: entry.ref, reason: `${f.name} is managed by the services file (${row.sourceRef ?? "SERVICES_FILE"})` });
      continue;
    }
    if (mode.kind === "import" && row.archivedAt) {
      summary.skipped.push({ ref: entry.ref, reason: `${f.name} is archived: restore it first` });
      continue;
    }
    const before = { ...pickFields(row), source: row.source, sourceRef: row.sourceRef, archivedAt: row.archivedAt };
    const after = { ...f, source, sourceRef, archivedAt: mode.kind === "file" ? null : row.archivedAt };
    if (stable(before) === stable(after)) {
      summary.unchanged.push(f.name);
      continue;
    }
    await tx.service.update({ where: { id: row.id }, data: { ...f, source, sourceRef, ...(mode.kind === "file" ? { archivedAt: null } : {}) } });
    await appendAudit(tx, ctx, { action: `service.${mode.kind}_update`, targetType: "service", targetId: row.id, before, after });
    (row.archivedAt && mode.kind === "file" ? summary.restored : summary.updated).push(f.name);
  }

  if (mode.kind === "file") {
    const listed = new Set(entries.map((e) => e.fields.name));
    for (const row of existing) {
      if (row.source !== "file" || row.archivedAt || listed.has(row.name)) continue;
      await tx.service.update({ where: { id: row.id }, data: { archivedAt: now } });
      await appendAudit(tx, ctx, { action: "service.file_archive", targetType: "service", targetId: row.id, before: { name: row.name, archivedAt: null }, after: { name: row.name, archivedAt: now, why: "no longer in the services file" } });
      summary.archived.push(row.name);
    }
  }
  return summary;
}
