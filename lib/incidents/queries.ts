import { db } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { ACTIVE_STATUSES, type IncidentFilters } from "./schemas.ts";
import { nextUpdateDue } from "../status/cadence.ts";
import { nextAction } from "./next-action.ts";

export const summarySelect = {
  id: true,
  key: true,
  title: true,
  severity: true,
  status: true,
  detectedAt: true,
  updatedAt: true,
  commander: { select: { name: true } },
  services: { select: { service: { select: { id: true, name: true, lastKnownGoodVersion: true, rtoMinutes: true, runbooks: true, state: true } } } },
  respondBy: true,
  decidedAt: true,
  flaggedForReview: true,
} satisfies Prisma.IncidentSelect;

export type IncidentSummary = Prisma.IncidentGetPayload<{ select: typeof summarySelect }>;

// The board also needs what the update cadence is counted from.
const boardSelect = {
  ...summarySelect,
  decision: true,
  publicUpdates: { orderBy: { createdAt: "desc" }, take: 1, select: { createdAt: true } },
  // What it waits for: its open live rollback record and its unfinished live run.
  requests: {
    where: { mode: "live", status: { in: ["pending", "approved", "overridden"] }, OR: [{ run: null }, { run: { status: { in: ["running", "paused"] } } }] },
    orderBy: { createdAt: "desc" },
    take: 1,
    select: { status: true, startError: true },
  },
  runs: {
    where: { mode: "live", status: { in: ["running", "paused"] } },
    take: 1,
    select: { status: true, steps: { where: { status: { in: ["running", "awaiting_confirmation", "failed", "interrupted"] } }, orderBy: { index: "asc" }, take: 1, select: { title: true, status: true } } },
  },
} satisfies Prisma.IncidentSelect;
export type BoardIncident = Prisma.IncidentGetPayload<{ select: typeof boardSelect }>;

/** When the next stakeholder update is due, per the severity's cadence in the policy. */
export function updateDue(i: Pick<BoardIncident, "decision" | "publicUpdates" | "detectedAt">): Date | null {
  const interval = (i.decision as { updateIntervalMinutes?: number } | null)?.updateIntervalMinutes ?? null;
  return nextUpdateDue(interval, i.publicUpdates[0]?.createdAt ?? null, i.detectedAt);
}

/** What a board card says the incident waits for: the incident page's words (lib/incidents/next-action.ts). */
export function waitingFor(i: Pick<BoardIncident, "status" | "requests" | "runs" | "decision" | "publicUpdates" | "detectedAt">, now: Date): string {
  const req = i.requests[0];
  const run = i.runs[0];
  const step = run?.steps[0];
  const due = updateDue(i);
  return nextAction({
    status: i.status,
    rollback: req ? { state: req.status === "pending" ? "awaiting_approval" : "approved", startError: req.startError, canDecide: false } : null,
    run: run ? { status: run.status as "running" | "paused", pauseReason: null, currentStep: step?.title ?? null, waitsFor: run.status !== "paused" ? null : step?.status === "awaiting_confirmation" ? "confirm" : "operator" } : null,
    updateOverdueMinutes: due && due < now ? Math.round((now.getTime() - due.getTime()) / 60_000) : null,
    may: { request: false, operate: false, start: false, changeStatus: false, publish: false },
  }).waitingFor;
}

const SEVERITY_ORDER = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3 } as const;

/** Past its response target with no decision yet. */
export function isOverdue(i: Pick<IncidentSummary, "respondBy" | "decidedAt" | "status">, now: Date): boolean {
  return i.respondBy !== null && i.decidedAt === null && i.respondBy < now && (i.status === "detected" || i.status === "investigating");
}

/** Active incidents for the command board: overdue first, then most severe, then oldest. */
export async function boardIncidents(now = new Date()): Promise<BoardIncident[]> {
  const rows = await db().incident.findMany({
    where: { status: { in: ACTIVE_STATUSES } },
    select: boardSelect,
    orderBy: [{ detectedAt: "asc" }],
    take: 500,
  });
  return rows.sort((a, b) => Number(isOverdue(b, now)) - Number(isOverdue(a, now)) || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

type Cursor = { at: string; id: string };

export function encodeCursor(row: { detectedAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify({ at: row.detectedAt.toISOString(), id: row.id })).toString("base64url");
}

function decodeCursor(s: string | undefined): Cursor | null {
  if (!s) return null;
  try {
    const c = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as Cursor;
    if (typeof c.at !== "string" || typeof c.id !== "string" || Number.isNaN(Date.parse(c.at))) return null;
    return c;
  } catch {
    return null;
  }
}

export function filterWhere(f: IncidentFilters): Prisma.IncidentWhereInput {
  const where: Prisma.IncidentWhereInput[] = [];
  if (f.status === "active") where.push({ status: { in: ACTIVE_STATUSES } });
  else if (f.status) where.push({ status: f.status });
  if (f.severity) where.push({ severity: f.severity });
  if (f.service) where.push({ services: { some: { serviceId: f.service } } });
  if (f.q && f.q.length < 3) {
    // Trigram indexes need 3 characters; a short query can only be an incident number of this
    // or last year, looked up through the key index.
    const year = new Date().getUTCFullYear();
    where.push({ key: { in: /^\d+$/.test(f.q) ? [`INC-${year}-${f.q}`, `INC-${year - 1}-${f.q}`] : [] } });
  } else if (f.q) {
    where.push({
      OR: [
        { key: { equals: f.q.toUpperCase() } },
        { title: { contains: f.q, mode: "insensitive" } },
        { summary: { contains: f.q, mode: "insensitive" } },
      ],
    });
  }
  return where.length ? { AND: where } : {};
}

/** Keyset pagination on (detectedAt, id) descending: page N costs the same as page 1. */
export async function listIncidents(f: IncidentFilters) {
  const cursor = decodeCursor(f.cursor);
  const where: Prisma.IncidentWhereInput = cursor
    ? {
        AND: [
          filterWhere(f),
          // The lte bound lets PostgreSQL start the index scan at the cursor instead of filtering.
          { detectedAt: { lte: new Date(cursor.at) } },
          {
            OR: [
              { detectedAt: { lt: new Date(cursor.at) } },
              { detectedAt: new Date(cursor.at), id: { lt: cursor.id } },
            ],
          },
        ],
      }
    : filterWhere(f);
  const rows = await db().incident.findMany({
    where,
    select: summarySelect,
    orderBy: [{ detectedAt: "desc" }, { id: "desc" }],
    take: f.limit + 1,
  });
  const hasMore = rows.length > f.limit;
  const items = hasMore ? rows.slice(0, f.limit) : rows;
  const last = items.at(-1);
  return { items, nextCursor: hasMore && last ? encodeCursor(last) : null };
}

export async function getIncident(key: string) {
  if (!/^INC-\d{4}-\d{1,9}$/.test(key)) return null;
  return db().incident.findUnique({
    where: { key },
    select: {
      ...summarySelect,
      summary: true,
      trigger: true,
      version: true,
      decision: true,
      policyVersion: true,
      respondBy: true,
      severityOverride: true,
      flaggedForReview: true,
      publicTitle: true,
      showPublicProgress: true,
      publicUpdates: { orderBy: { createdAt: "desc" }, take: 1, select: { createdAt: true, status: true } },
      usersAffected: true,
      revenueImpactCents: true,
      dataLoss: true,
      acknowledgedAt: true,
      decidedAt: true,
      rollbackStartedAt: true,
      rollbackCompletedAt: true,
      resolvedAt: true,
      closedAt: true,
      declaredBy: { select: { name: true } },
      timeline: {
        orderBy: { id: "desc" },
        take: 200,
        select: { id: true, kind: true, actorLabel: true, actorType: true, payload: true, at: true },
      },
    },
  });
}

export type IncidentDetail = NonNullable<Awaited<ReturnType<typeof getIncident>>>;

/** Per service, its open incidents (newest first), so declaring can warn before a duplicate. */
export async function openIncidentsByService(): Promise<Record<string, { key: string; title: string }[]>> {
  const rows = await db().incidentService.findMany({
    where: { incident: { status: { in: ACTIVE_STATUSES } } },
    select: { serviceId: true, incident: { select: { key: true, title: true, detectedAt: true } } },
  });
  const out: Record<string, { key: string; title: string; at: number }[]> = {};
  for (const r of rows) (out[r.serviceId] ??= []).push({ key: r.incident.key, title: r.incident.title, at: r.incident.detectedAt.getTime() });
  return Object.fromEntries(Object.entries(out).map(([k, list]) => [k, list.sort((a, b) => b.at - a.at).map(({ key, title }) => ({ key, title }))]));
}
