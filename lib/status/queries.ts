import { db } from "../db/client.ts";
import { ACTIVE_STATUSES } from "../incidents/schemas.ts";

const DAY = 86_400_000;
const PUBLIC_SERVICE = { onStatusPage: true, archivedAt: null } as const;
const RANK = { operational: 0, maintenance: 1, degraded: 2, partial_outage: 3, major_outage: 4 } as const;
type State = keyof typeof RANK;

export type PublicStatus = {
  updatedAt: string;
  overall: State;
  services: { name: string; state: State; history: { day: string; worst: State }[] }[];
  incidents: {
    id: string;
    title: string;
    startedAt: string;
    resolved: boolean;
    services: string[];
    progress: number | null;
    updates: { status: string; body: string; at: string }[];
  }[];
};

/**
 * Everything the status page shows, selected field by field so nothing internal can leak:
 * no incident keys, titles, notes, logs, people or emails; only public titles and updates.
 */
export async function publicStatus(now = new Date()): Promise<PublicStatus> {
  const since = new Date(now.getTime() - 90 * DAY);
  const [services, changes, incidents] = await Promise.all([
    // Only services listed on the status page and not archived, under their public names.
    db().service.findMany({ where: PUBLIC_SERVICE, orderBy: { name: "asc" }, select: { id: true, name: true, publicName: true, state: true } }),
    db().serviceStateChange.findMany({ where: { at: { gte: since } }, orderBy: { at: "asc" }, select: { serviceId: true, state: true, at: true } }),
    db().incident.findMany({
      where: {
        publicTitle: { not: null },
        publicUpdates: { some: {} },
        OR: [{ status: { in: ACTIVE_STATUSES } }, { resolvedAt: { gte: new Date(now.getTime() - 7 * DAY) } }],
      },
      orderBy: { detectedAt: "desc" },
      take: 20,
      select: {
        id: true,
        publicTitle: true,
        detectedAt: true,
        status: true,
        showPublicProgress: true,
        services: { where: { service: PUBLIC_SERVICE }, select: { service: { select: { name: true, publicName: true } } } },
        publicUpdates: { orderBy: { createdAt: "desc" }, select: { status: true, body: true, createdAt: true } },
        runs: { where: { mode: "live" }, orderBy: { createdAt: "desc" }, take: 1, select: { steps: { select: { status: true } } } },
      },
    }),
  ]);

  // Worst state per service per day over 90 days, carrying the state in force into each day.
  const history = new Map<string, { day: string; worst: State }[]>();
  for (const s of services) {
    const own = changes.filter((c) => c.serviceId === s.id);
    let current: State = "operational";
    const days: { day: string; worst: State }[] = [];
    let i = 0;
    for (let d = 89; d >= 0; d--) {
      const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - d * DAY);
      const end = new Date(start.getTime() + DAY);
      let worst: State = current;
      while (i < own.length && own[i]!.at < end) {
        current = own[i]!.state;
        if (RANK[current] > RANK[worst]) worst = current;
        i++;
      }
      days.push({ day: start.toISOString().slice(0, 10), worst });
    }
    history.set(s.id, days);
  }

  const overall = services.reduce<State>((w, s) => (RANK[s.state] > RANK[w] ? s.state : w), "operational");
  return {
    updatedAt: now.toISOString(),
    overall,
    services: services.map((s) => ({ name: s.publicName ?? s.name, state: s.state, history: history.get(s.id) ?? [] })),
    incidents: incidents.map((i) => {
      const steps = i.runs[0]?.steps ?? [];
      const done = steps.filter((s) => s.status === "succeeded" || s.status === "skipped").length;
      return {
        id: i.id,
        title: i.publicTitle!,
        startedAt: i.detectedAt.toISOString(),
        resolved: !ACTIVE_STATUSES.includes(i.status),
        services: i.services.map((x) => x.service.publicName ?? x.service.name),
        progress: i.showPublicProgress && steps.length ? Math.round((done / steps.length) * 100) : null,
        updates: i.publicUpdates.map((u) => ({ status: u.status, body: u.body, at: u.createdAt.toISOString() })),
      };
    }),
  };
}

export async function statusPageIsPublic(): Promise<boolean> {
  const row = await db().setting.findUnique({ where: { key: "status.public" }, select: { value: true } });
  return row?.value !== false;
}
