import { db } from "../db/client.ts";
import type { Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { publish } from "../realtime/publish.ts";
import { rooms } from "../realtime/events.ts";
import { formatSourceError } from "../yaml/source.ts";
import { applyCatalogEntries, entryProblems, type ApplySummary } from "./apply-catalog.ts";
import { parseCatalog } from "./catalog-file.ts";
import { loadedRunbookInfo } from "./catalog-verbs.ts";
import { ZImportCatalog } from "./schemas.ts";

/**
 * Import a Backstage catalog-info.yaml (or a Rollcall services file) once: components become
 * hand-managed services, every other kind is skipped with its reason, and so is a component whose
 * runbooks are not loaded. Re-importing the same text changes nothing.
 */
export async function importCatalog({ ctx, input }: { ctx: Ctx; input: unknown }, now = new Date()): Promise<ApplySummary> {
  assertCan(ctx.actor, "service.manage");
  const parsed = ZImportCatalog.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const catalog = parseCatalog("catalog-info.yaml", parsed.data.text);
  if (!catalog.ok) {
    throw new AppError("VALIDATION", "The catalogue does not parse; nothing was imported.", { text: catalog.errors.map(formatSourceError) });
  }
  const loaded = await loadedRunbookInfo();
  const skipped = [...catalog.skipped];
  const usable = catalog.entries.filter((e) => {
    const problems = entryProblems(e, loaded);
    if (problems.length) skipped.push({ ref: e.ref, reason: problems.join("; ") });
    return problems.length === 0;
  });
  const summary = await db().$transaction((tx) => applyCatalogEntries(tx, ctx, usable, { kind: "import" }, now));
  if (summary.created.length || summary.updated.length) publish([rooms.board], "service:changed", { id: "catalog", at: now.toISOString() });
  return { ...summary, skipped: [...skipped, ...summary.skipped] };
}
