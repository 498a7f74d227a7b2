// The status page's service states, computed from incidents (openstatus keeps its page state the
// same way): pure, no database, no clock. The mapping, quoted in the README:
//
//   An open public incident puts each listed service it affects in a state by its severity:
//     CRITICAL -> major_outage, HIGH -> partial_outage, MEDIUM or LOW -> degraded;
//     while its latest public update says "monitoring" (or "resolved" while the incident is still open) -> degraded at most.
//   Several open incidents on one service: the worst of them.
//   A state a commander set explicitly after the latest of those incidents began wins until they end;
//   with no open public incident, the explicit state applies (operational, maintenance, ...).
//   Overall: the worst service state, never "operational" (or "maintenance") while a public incident
//   is open: at least degraded, and an incident on no listed service counts by its own severity.

export type ServiceState = "operational" | "maintenance" | "degraded" | "partial_outage" | "major_outage";
export type Severity = "CRITICAL" | "HIGH" | "MEDIUM" | "LOW";
export type PublicIncidentStatus = "investigating" | "identified" | "monitoring" | "resolved";

export const STATE_RANK: Record<ServiceState, number> = { operational: 0, maintenance: 1, degraded: 2, partial_outage: 3, major_outage: 4 };

const BY_SEVERITY: Record<Severity, ServiceState> = { CRITICAL: "major_outage", HIGH: "partial_outage", MEDIUM: "degraded", LOW: "degraded" };

export type TrackedService = {
  id: string;
  /** The state a commander set explicitly, and when (null: never set, the default). */
  state: ServiceState;
  stateSetAt: Date | null;
};

export type TrackedIncident = {
  id: string;
  severity: Severity;
  /** The latest public update's status; null before the first one. */
  publicStatus: PublicIncidentStatus | null;
  startedAt: Date;
  serviceIds: string[];
};

export type TrackedState = { state: ServiceState; source: "incident" | "explicit" };

export function worst(a: ServiceState, b: ServiceState): ServiceState {
  return STATE_RANK[b] > STATE_RANK[a] ? b : a;
}

/** What one open public incident means for the services it affects. */
export function incidentState(i: Pick<TrackedIncident, "severity" | "publicStatus">): ServiceState {
  const s = BY_SEVERITY[i.severity];
  if (i.publicStatus === "monitoring" || i.publicStatus === "resolved") return STATE_RANK[s] > STATE_RANK.degraded ? "degraded" : s;
  return s;
}

/** One service's public state, given the open public incidents (only those affecting it count). */
export function serviceState(service: TrackedService, openIncidents: readonly TrackedIncident[]): TrackedState {
  const mine = openIncidents.filter((i) => i.serviceIds.includes(service.id));
  if (mine.length === 0) return { state: service.state, source: "explicit" };
  const latestStart = Math.max(...mine.map((i) => i.startedAt.getTime()));
  if (service.stateSetAt && service.stateSetAt.getTime() > latestStart) return { state: service.state, source: "explicit" };
  return { state: mine.map(incidentState).reduce(worst, "degraded"), source: "incident" };
}

/** Every listed service's public state and the overall state, from the open public incidents. */
export function trackStatus(services: readonly TrackedService[], openIncidents: readonly TrackedIncident[]) {
  const states = new Map(services.map((s) => [s.id, serviceState(s, openIncidents)]));
  let overall = [...states.values()].map((s) => s.state).reduce(worst, "operational");
  for (const i of openIncidents) {
    const onListed = i.serviceIds.some((id) => states.has(id));
    overall = worst(overall, onListed ? "degraded" : incidentState(i));
  }
  return { services: states, overall };
}

export type PublicRun = { status: string; steps: { status: string }[] } | undefined;

/** The public progress figure: a paused run waits for a person, a failed or aborted one shows none. */
export function publicProgress(run: PublicRun): number | "waiting" | null {
  if (!run?.steps.length) return null;
  if (run.status === "paused") return "waiting";
  if (run.status === "failed" || run.status === "aborted") return null;
  const done = run.steps.filter((s) => s.status === "succeeded" || s.status === "skipped").length;
  return Math.round((done / run.steps.length) * 100);
}

export type StateChange = { serviceId: string; state: ServiceState; at: Date };
export type IncidentSpan = {
  id: string;
  severity: Severity;
  startedAt: Date;
  /** When it was resolved; null while it is open. */
  endedAt: Date | null;
  serviceIds: string[];
  /** Public updates, oldest first. */
  updates: { status: PublicIncidentStatus; at: Date }[];
};

/**
 * The worst tracked state of each service on each day: the tracker evaluated at the start of each
 * day and at every change inside it (an explicit state, an incident starting or ending, a public
 * update). `initial` is each service's explicit state (and when it was set) before the first day.
 */
export function trackHistory(input: {
  services: readonly { id: string; initial: { state: ServiceState; at: Date | null } }[];
  changes: readonly StateChange[];
  incidents: readonly IncidentSpan[];
  days: readonly Date[];
  dayMs: number;
  now: Date;
}): Map<string, { day: string; worst: ServiceState }[]> {
  const changes = [...input.changes].sort((a, b) => a.at.getTime() - b.at.getTime());
  const first = input.days[0]?.getTime() ?? 0;
  const last = input.now.getTime();
  const instants = [...changes.map((c) => c.at), ...input.incidents.flatMap((i) => [i.startedAt, ...(i.endedAt ? [i.endedAt] : []), ...i.updates.map((u) => u.at)])]
    .map((t) => t.getTime())
    .filter((t) => t > first && t <= last);
  // One sweep in time order: explicit states move forward with a pointer into the changes.
  const points = [...new Set([...input.days.map((d) => d.getTime()), ...instants])].sort((a, b) => a - b);
  const explicit = new Map(input.services.map((s) => [s.id, { state: s.initial.state, stateSetAt: s.initial.at }]));
  const worstByDay = new Map(input.services.map((s) => [s.id, input.days.map((): ServiceState => "operational")]));
  let c = 0;
  for (const t of points) {
    while (c < changes.length && changes[c]!.at.getTime() <= t) {
      const ch = changes[c++]!;
      if (explicit.has(ch.serviceId)) explicit.set(ch.serviceId, { state: ch.state, stateSetAt: ch.at });
    }
    const open: TrackedIncident[] = input.incidents
      .filter((i) => i.startedAt.getTime() <= t && (!i.endedAt || i.endedAt.getTime() > t))
      .map((i) => ({ ...i, publicStatus: i.updates.filter((u) => u.at.getTime() <= t).at(-1)?.status ?? null }));
    const services = input.services.map((s) => ({ id: s.id, ...explicit.get(s.id)! }));
    const day = Math.floor((t - first) / input.dayMs);
    if (day < 0 || day >= input.days.length) continue;
    for (const [id, s] of trackStatus(services, open).services) {
      const row = worstByDay.get(id)!;
      row[day] = worst(row[day]!, s.state);
    }
  }
  const out = new Map<string, { day: string; worst: ServiceState }[]>();
  for (const [id, row] of worstByDay) out.set(id, row.map((w, n) => ({ day: input.days[n]!.toISOString().slice(0, 10), worst: w })));
  return out;
}
