import { db } from "../db/client.ts";
import { ACTIVE_STATUSES } from "../incidents/schemas.ts";
import { publicProgress, trackHistory, trackStatus, type ServiceState, type TrackedIncident } from "./tracker.ts";

const DAY = 86_400_000;
const PUBLIC_SERVICE = { onStatusPage: true, archivedAt: null } as const;
type State = ServiceState;
// An incident is on the status page once a public update names it in public words.
const PUBLIC_INCIDENT = { publicTitle: { not: null }, publicUpdates: { some: {} } } as const;
// The latest move to resolved (a reopened incident keeps its first resolvedAt): only its time is read.
const LAST_RESOLUTION = { where: { kind: "status_changed", payload: { path: ["to"], equals: "resolved" } }, orderBy: { id: "desc" }, take: 1, select: { at: true } } as const;

export type PublicStatus = {
  updatedAt: string;
  overall: State;
  services: { name: string; state: State; history: { day: string; worst: State }[] }[];
  incidents: {
    id: string;
    title: string;
    startedAt: string;
    resolved: boolean;
    /** When it was resolved (null while open): the page's last word when no "resolved" update was posted. */
    resolvedAt: string | null;
    services: string[];
    /** Percent of the live rollback's steps done; "waiting" while it is paused for a person. */
    progress: number | "waiting" | null;
    updates: { status: string; body: string; at: string }[];
  }[];
};

/**
 * A resolved incident whose last public update is not "resolved": the page and the feed say
 * "Resolved" at the resolution time instead of leaving the stale update as its last word.
 */
export function unpostedResolution(i: Pick<PublicStatus["incidents"][number], "resolved" | "resolvedAt" | "updates">): { at: string } | null {
  if (!i.resolved || !i.resolvedAt || i.updates[0]?.status === "resolved") return null;
  return { at: i.resolvedAt };
}

/** What the page says for an incident resolved without a resolution update: only what the status says. */
export const RESOLVED_WITHOUT_UPDATE = "This incident has been resolved.";

/**
 * Everything the status page shows, selected field by field so nothing internal can leak:
 * no incident keys, titles, notes, logs, people or emails; only public titles and updates.
 * Service states come from the tracker (lib/status/tracker.ts): incidents, then explicit states.
 */
export async function publicStatus(now = new Date()): Promise<PublicStatus> {
  const since = new Date(now.getTime() - 90 * DAY);
  const [services, changes, tracked, incidents] = await Promise.all([
    // Only services listed on the status page and not archived, under their public names.
    db().service.findMany({
      where: PUBLIC_SERVICE,
      orderBy: { name: "asc" },
      select: { id: true, name: true, publicName: true, state: true, stateChanges: { where: { at: { lt: since } }, orderBy: { at: "desc" }, take: 1, select: { state: true, at: true } } },
    }),
    db().serviceStateChange.findMany({ where: { at: { gte: since }, service: PUBLIC_SERVICE }, orderBy: { at: "asc" }, select: { serviceId: true, state: true, at: true } }),
    // Every public incident open now or in the last 90 days: what the tracker needs, nothing more.
    db().incident.findMany({
      where: { ...PUBLIC_INCIDENT, OR: [{ status: { in: ACTIVE_STATUSES } }, { resolvedAt: { gte: since } }] },
      select: {
        id: true,
        severity: true,
        status: true,
        detectedAt: true,
        resolvedAt: true,
        services: { select: { serviceId: true } },
        publicUpdates: { orderBy: { createdAt: "asc" }, select: { status: true, createdAt: true } },
        timeline: LAST_RESOLUTION,
      },
    }),
    db().incident.findMany({
      where: { ...PUBLIC_INCIDENT, OR: [{ status: { in: ACTIVE_STATUSES } }, { resolvedAt: { gte: new Date(now.getTime() - 7 * DAY) } }] },
      orderBy: { detectedAt: "desc" },
      take: 20,
      select: {
        id: true,
        publicTitle: true,
        detectedAt: true,
        status: true,
        resolvedAt: true,
        showPublicProgress: true,
        services: { where: { service: PUBLIC_SERVICE }, select: { service: { select: { name: true, publicName: true } } } },
        publicUpdates: { orderBy: { createdAt: "desc" }, select: { status: true, body: true, createdAt: true } },
        runs: { where: { mode: "live" }, orderBy: { createdAt: "desc" }, take: 1, select: { status: true, steps: { select: { status: true } } } },
        timeline: LAST_RESOLUTION,
      },
    }),
  ]);

  const isOpen = (i: { status: (typeof ACTIVE_STATUSES)[number] | "resolved" | "closed" }) => ACTIVE_STATUSES.includes(i.status);
  const lastSet = (id: string) => changes.filter((c) => c.serviceId === id).at(-1)?.at;
  const open: TrackedIncident[] = tracked.filter(isOpen).map((i) => ({
    id: i.id,
    severity: i.severity,
    publicStatus: i.publicUpdates.at(-1)?.status ?? null,
    startedAt: i.detectedAt,
    serviceIds: i.services.map((s) => s.serviceId),
  }));
  const current = trackStatus(
    services.map((s) => ({ id: s.id, state: s.state, stateSetAt: lastSet(s.id) ?? s.stateChanges[0]?.at ?? null })),
    open,
  );

  // Worst tracked state per service per day over 90 days (UTC days, today last).
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const history = trackHistory({
    services: services.map((s) => ({ id: s.id, initial: { state: s.stateChanges[0]?.state ?? "operational", at: s.stateChanges[0]?.at ?? null } })),
    changes,
    incidents: tracked.map((i) => ({
      id: i.id,
      severity: i.severity,
      startedAt: i.detectedAt,
      endedAt: isOpen(i) ? null : (i.timeline[0]?.at ?? i.resolvedAt),
      serviceIds: i.services.map((s) => s.serviceId),
      updates: i.publicUpdates.map((u) => ({ status: u.status, at: u.createdAt })),
    })),
    days: Array.from({ length: 90 }, (_, n) => new Date(today - (89 - n) * DAY)),
    dayMs: DAY,
    now,
  });

  return {
    updatedAt: now.toISOString(),
    overall: current.overall,
    services: services.map((s) => ({ name: s.publicName ?? s.name, state: current.services.get(s.id)?.state ?? s.state, history: history.get(s.id) ?? [] })),
    incidents: incidents.map((i) => {
      const resolved = !isOpen(i);
      const resolvedAt = resolved ? (i.timeline[0]?.at ?? i.resolvedAt) : null;
      return {
        id: i.id,
        title: i.publicTitle!,
        startedAt: i.detectedAt.toISOString(),
        resolved,
        resolvedAt: resolvedAt?.toISOString() ?? null,
        services: i.services.map((x) => x.service.publicName ?? x.service.name),
        progress: !resolved && i.showPublicProgress ? publicProgress(i.runs[0]) : null,
        updates: i.publicUpdates.map((u) => ({ status: u.status, body: u.body, at: u.createdAt.toISOString() })),
      };
    }),
  };
}

export async function statusPageIsPublic(): Promise<boolean> {
  const row = await db().setting.findUnique({ where: { key: "status.public" }, select: { value: true } });
  return row?.value !== false;
}
