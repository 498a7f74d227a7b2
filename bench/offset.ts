import { db } from "../lib/db/client.ts";
import type { Prisma } from "../lib/db/generated/client.ts";
import { filterWhere } from "../lib/incidents/queries.ts";
import type { IncidentFilters } from "../lib/incidents/schemas.ts";

// Mirrors the (unexported) summarySelect of lib/incidents/queries.ts so the baseline fetches the same shape.
const summarySelect = {
  id: true,
  key: true,
  title: true,
  severity: true,
  status: true,
  detectedAt: true,
  updatedAt: true,
  commander: { select: { name: true } },
  services: { select: { service: { select: { id: true, name: true } } } },
} satisfies Prisma.IncidentSelect;

/** The BASELINE: the same page as listIncidents, reached with OFFSET (skip) instead of a keyset cursor. */
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
