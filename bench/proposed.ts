import { db } from "../lib/db/client.ts";
import type { Prisma } from "../lib/db/generated/client.ts";
import { filterWhere } from "../lib/incidents/queries.ts";
import { summarySelect } from "./select.ts";
import type { IncidentFilters } from "../lib/incidents/schemas.ts";

/**
 * PROPOSED variant of listIncidents (measured with --try-fixes, not used by the app): the cursor
 * condition gains a redundant `detectedAt <= cursor.at`. Prisma renders the keyset as
 * `detectedAt < $at OR (detectedAt = $at AND id < $id)`, which PostgreSQL can only apply as a Filter
 * on the (detectedAt desc, id desc) index, walking every row before the cursor; the extra AND term
 * becomes an Index Cond, so the scan starts at the cursor and page N costs what page 1 costs.
 */
function decodeCursor(s: string | undefined): { at: string; id: string } | null {
  if (!s) return null;
  try {
    const c = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as { at: string; id: string };
    return typeof c.at === "string" && typeof c.id === "string" && !Number.isNaN(Date.parse(c.at)) ? c : null;
  } catch {
    return null;
  }
}

export async function listIncidentsBounded(f: IncidentFilters) {
  const cursor = decodeCursor(f.cursor);
  const at = cursor ? new Date(cursor.at) : undefined;
  const where: Prisma.IncidentWhereInput =
    cursor && at
      ? {
          AND: [
            filterWhere(f),
            { detectedAt: { lte: at } }, // the index bound
            { OR: [{ detectedAt: { lt: at } }, { detectedAt: at, id: { lt: cursor.id } }] },
          ],
        }
      : filterWhere(f);
  const rows = await db().incident.findMany({
    where,
    select: summarySelect,
    orderBy: [{ detectedAt: "desc" }, { id: "desc" }],
    take: f.limit + 1,
  });
  return { items: rows.slice(0, f.limit), hasMore: rows.length > f.limit };
}

/**
 * PROPOSED search rule (measured with --try-fixes): trigram indexes cannot serve a substring shorter
 * than 3 characters, so such a q only matches the incident key (exact), like the key branch of filterWhere.
 */
export const MIN_SUBSTRING = 3;

export async function listIncidentsMinSearch(f: IncidentFilters) {
  if (!f.q || f.q.length >= MIN_SUBSTRING) return listIncidentsBounded(f);
  const where: Prisma.IncidentWhereInput = { AND: [filterWhere({ ...f, q: undefined }), { key: { equals: f.q.toUpperCase() } }] };
  const rows = await db().incident.findMany({
    where,
    select: summarySelect,
    orderBy: [{ detectedAt: "desc" }, { id: "desc" }],
    take: f.limit + 1,
  });
  return { items: rows.slice(0, f.limit), hasMore: rows.length > f.limit };
}
