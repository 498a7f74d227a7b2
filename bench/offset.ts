import { db } from "../lib/db/client.ts";
import { filterWhere, summarySelect } from "../lib/incidents/queries.ts";
import type { IncidentFilters } from "../lib/incidents/schemas.ts";

/**
 * The BASELINE: the same page as listIncidents (same filters, same summarySelect, same order), reached
 * with OFFSET (skip) instead of a keyset cursor.
 */
export async function listIncidentsByOffset(f: IncidentFilters, page: number) {
  const rows = await db().incident.findMany({
    where: filterWhere(f),
    select: summarySelect,
    orderBy: [{ detectedAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * f.limit,
    take: f.limit + 1,
  });
  return { items: rows.slice(0, f.limit), hasMore: rows.length > f.limit };
}
