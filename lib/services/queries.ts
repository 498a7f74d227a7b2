import { db } from "../db/client.ts";

export function listServices() {
  return db().service.findMany({
    orderBy: [{ rtoMinutes: "asc" }, { name: "asc" }],
    select: { id: true, name: true, tier: true, rtoMinutes: true, rpoMinutes: true, ownerTeam: true, currentVersion: true, lastKnownGoodVersion: true },
  });
}
export type ServiceRow = Awaited<ReturnType<typeof listServices>>[number];
