import { describe, expect, it } from "vitest";
import { incidentState, publicProgress, trackHistory, trackStatus, type IncidentSpan, type PublicIncidentStatus, type ServiceState, type Severity, type TrackedIncident } from "./tracker";

const T = (min: number) => new Date(Date.UTC(2026, 10, 20, 12, 0) + min * 60_000);
const inc = (severity: Severity, startMin: number, serviceIds: string[], publicStatus: PublicIncidentStatus | null = "investigating"): TrackedIncident => ({
  id: `i-${severity}-${startMin}-${serviceIds.join("")}`,
  severity,
  publicStatus,
  startedAt: T(startMin),
  serviceIds,
});

describe("incidentState: the mapping quoted in the README", () => {
  const cases: [Severity, PublicIncidentStatus | null, ServiceState][] = [
    ["CRITICAL", "investigating", "major_outage"],
    ["CRITICAL", "identified", "major_outage"],
    ["CRITICAL", null, "major_outage"],
    ["HIGH", "identified", "partial_outage"],
    ["MEDIUM", "investigating", "degraded"],
    ["LOW", "investigating", "degraded"],
    ["CRITICAL", "monitoring", "degraded"],
    ["HIGH", "monitoring", "degraded"],
    ["LOW", "monitoring", "degraded"],
    ["CRITICAL", "resolved", "degraded"],
  ];
  it.each(cases)("%s, public status %s -> %s", (severity, publicStatus, state) => {
    expect(incidentState({ severity, publicStatus })).toBe(state);
  });
});

describe("trackStatus", () => {
  type Case = {
    name: string;
    services: { id: string; state: ServiceState; setAt: number | null }[];
    incidents: TrackedIncident[];
    states: Record<string, ServiceState>;
    overall: ServiceState;
  };
  const cases: Case[] = [
    { name: "nothing open: the explicit states apply", services: [{ id: "a", state: "operational", setAt: null }, { id: "b", state: "maintenance", setAt: -500 }], incidents: [], states: { a: "operational", b: "maintenance" }, overall: "maintenance" },
    { name: "the reviewer's case: a HIGH incident over an operational service", services: [{ id: "a", state: "operational", setAt: -500 }], incidents: [inc("HIGH", 0, ["a"])], states: { a: "partial_outage" }, overall: "partial_outage" },
    { name: "a CRITICAL incident beats maintenance set before it began", services: [{ id: "a", state: "maintenance", setAt: -10 }], incidents: [inc("CRITICAL", 0, ["a"])], states: { a: "major_outage" }, overall: "major_outage" },
    { name: "a state set after the incident began wins", services: [{ id: "a", state: "degraded", setAt: 5 }], incidents: [inc("CRITICAL", 0, ["a"])], states: { a: "degraded" }, overall: "degraded" },
    { name: "a state set at the very moment it began does not win", services: [{ id: "a", state: "operational", setAt: 0 }], incidents: [inc("HIGH", 0, ["a"])], states: { a: "partial_outage" }, overall: "partial_outage" },
    { name: "explicit operational during an incident: the overall state is still not operational", services: [{ id: "a", state: "operational", setAt: 5 }], incidents: [inc("HIGH", 0, ["a"])], states: { a: "operational" }, overall: "degraded" },
    { name: "an incident that began after the explicit state takes over again", services: [{ id: "a", state: "operational", setAt: 5 }], incidents: [inc("LOW", 0, ["a"]), inc("HIGH", 10, ["a"])], states: { a: "partial_outage" }, overall: "partial_outage" },
    { name: "several incidents: the worst", services: [{ id: "a", state: "operational", setAt: null }], incidents: [inc("LOW", 0, ["a"]), inc("CRITICAL", 1, ["a"], "monitoring"), inc("HIGH", 2, ["a"])], states: { a: "partial_outage" }, overall: "partial_outage" },
    { name: "monitoring caps at degraded", services: [{ id: "a", state: "operational", setAt: null }], incidents: [inc("CRITICAL", 0, ["a"], "monitoring")], states: { a: "degraded" }, overall: "degraded" },
    { name: "only the services an incident affects", services: [{ id: "a", state: "operational", setAt: null }, { id: "b", state: "operational", setAt: null }], incidents: [inc("CRITICAL", 0, ["a"])], states: { a: "major_outage", b: "operational" }, overall: "major_outage" },
    { name: "an incident on no listed service counts by its own severity overall", services: [{ id: "a", state: "operational", setAt: null }], incidents: [inc("CRITICAL", 0, ["unlisted"])], states: { a: "operational" }, overall: "major_outage" },
    { name: "no listed services at all, an open incident: not operational", services: [], incidents: [inc("LOW", 0, [])], states: {}, overall: "degraded" },
    { name: "explicit maintenance after a LOW incident began: maintenance shown, overall degraded", services: [{ id: "a", state: "maintenance", setAt: 3 }], incidents: [inc("LOW", 0, ["a"])], states: { a: "maintenance" }, overall: "degraded" },
  ];
  it.each(cases)("$name", ({ services, incidents, states, overall }) => {
    const out = trackStatus(services.map((s) => ({ id: s.id, state: s.state, stateSetAt: s.setAt === null ? null : T(s.setAt) })), incidents);
    expect(Object.fromEntries([...out.services].map(([id, s]) => [id, s.state]))).toEqual(states);
    expect(out.overall).toBe(overall);
  });

  it("says where a state comes from", () => {
    const out = trackStatus([{ id: "a", state: "operational", stateSetAt: null }, { id: "b", state: "degraded", stateSetAt: T(5) }], [inc("HIGH", 0, ["a", "b"])]);
    expect(out.services.get("a")?.source).toBe("incident");
    expect(out.services.get("b")?.source).toBe("explicit");
  });
});

describe("trackHistory", () => {
  const DAY = 86_400_000;
  const days = [0, 1, 2, 3].map((d) => new Date(Date.UTC(2026, 10, 20) + d * DAY));
  const now = new Date(days[3]!.getTime() + 12 * 3_600_000);
  const span = (s: Partial<IncidentSpan>): IncidentSpan => ({ id: "i", severity: "HIGH", startedAt: days[1]!, endedAt: null, serviceIds: ["a"], updates: [], ...s });
  const run = (incidents: IncidentSpan[], changes: { state: ServiceState; at: Date }[] = [], initial: ServiceState = "operational") =>
    trackHistory({ services: [{ id: "a", initial: { state: initial, at: null } }], changes: changes.map((c) => ({ serviceId: "a", ...c })), incidents, days, dayMs: DAY, now }).get("a")!.map((d) => d.worst);

  it("an incident colours the days it was open, not the others", () => {
    const h = run([span({ startedAt: new Date(days[1]!.getTime() + 3_600_000), endedAt: new Date(days[2]!.getTime() + 3_600_000) })]);
    expect(h).toEqual(["operational", "partial_outage", "partial_outage", "operational"]);
  });

  it("still open: every day since it began", () => {
    expect(run([span({ severity: "CRITICAL" })])).toEqual(["operational", "major_outage", "major_outage", "major_outage"]);
  });

  it("monitoring from a public update on lowers later days", () => {
    const h = run([span({ severity: "CRITICAL", updates: [{ status: "investigating", at: days[1]! }, { status: "monitoring", at: new Date(days[1]!.getTime() + 60_000) }] })]);
    expect(h).toEqual(["operational", "major_outage", "degraded", "degraded"]);
  });

  it("an explicit state set during the incident wins from then on, and a maintenance before it shows", () => {
    const h = run([span({})], [
      { state: "maintenance", at: new Date(days[0]!.getTime() + 3_600_000) },
      { state: "degraded", at: new Date(days[2]!.getTime() + 3_600_000) },
    ]);
    expect(h).toEqual(["maintenance", "partial_outage", "partial_outage", "degraded"]);
  });

  it("the state in force before the first day carries in", () => {
    expect(run([], [], "maintenance")).toEqual(["maintenance", "maintenance", "maintenance", "maintenance"]);
  });
});

describe("publicProgress", () => {
  const steps = (...st: string[]) => st.map((status) => ({ status }));
  const cases: { name: string; run: Parameters<typeof publicProgress>[0]; out: number | "waiting" | null }[] = [
    { name: "no run", run: undefined, out: null },
    { name: "running: the share of steps done or skipped", run: { status: "running", steps: steps("succeeded", "skipped", "running", "pending") }, out: 50 },
    { name: "paused for a person to confirm: waiting, not a frozen figure", run: { status: "paused", steps: steps("succeeded", "awaiting_confirmation", "pending") }, out: "waiting" },
    { name: "paused after a failed step: waiting", run: { status: "paused", steps: steps("succeeded", "failed", "pending") }, out: "waiting" },
    { name: "succeeded", run: { status: "succeeded", steps: steps("succeeded", "succeeded", "skipped") }, out: 100 },
    { name: "aborted: no figure", run: { status: "aborted", steps: steps("succeeded", "aborted") }, out: null },
    { name: "failed: no figure", run: { status: "failed", steps: steps("succeeded", "failed") }, out: null },
  ];
  it.each(cases)("$name", ({ run, out }) => {
    expect(publicProgress(run)).toBe(out);
  });
});
