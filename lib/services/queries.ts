import { db } from "../db/client.ts";
import { readServiceRunbooks } from "./rollback-runbooks.ts";
import { catalogSelect } from "./catalog-select.ts";

const rowSelect = { id: true, ...catalogSelect, _count: { select: { incidents: true } } } as const;

/** The catalogue; archived services only when asked (filters and history want them, declaring does not). */
export async function listServices({ includeArchived = false }: { includeArchived?: boolean } = {}) {
  const rows = await db().service.findMany({
    where: includeArchived ? {} : { archivedAt: null },
    orderBy: [{ archivedAt: { sort: "desc", nulls: "first" } }, { rtoMinutes: "asc" }, { name: "asc" }],
    select: rowSelect,
  });
  return rows.map(({ _count, runbooks, ...s }) => ({ ...s, runbooks: readServiceRunbooks(runbooks), incidentCount: _count.incidents }));
}
export type ServiceRow = Awaited<ReturnType<typeof listServices>>[number];
