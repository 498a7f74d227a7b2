import { evaluate, type Decision, type LoadedPolicy } from "../policy/evaluate.ts";
import type { ReadingSource } from "./mapping.ts";

// Pure: what automation should do with one alert group, from the same evaluate() a person's what-if
// uses. No database, no clock (now comes in). lib/alerts/ingest.ts gathers the facts and carries it out.

export type Outcome = "act" | "hold" | "inconclusive";

export type GroupFacts = {
  /** The service label's value and the label's name, for the "missing labels" reason. */
  serviceKey: string;
  serviceLabel: string;
  service: {
    name: string;
    automationEnabled: boolean;
    currentVersion: string | null;
    lastKnownGoodVersion: string | null;
    runbook: string | null;
  } | null;
  readings: { trigger: string | null; metrics: Record<string, ReadingSource> };
  /** Global kill switch (/admin/settings). */
  automationEnabled: boolean;
  /** The integration's shadow flag (the policy's alerts.shadow applies too). */
  integrationShadow: boolean;
  /** Automatic rollbacks of this service within the circuit breaker's window (not shadow). */
  recentAutomaticRollbacks: number;
  /** The open incident of this service, if any, and whether a live rollback of it is open. */
  openIncident: { key: string; liveRollback: string | null } | null;
};

export type Plan = {
  /** Declare an incident (or use the service's open one). */
  declare: boolean;
  /** Roll back: "start" (autoRollback yes: gate open, run starts) or "request" (conditional: through the gate). */
  rollback: "start" | "request" | null;
  /** Ask a person: timeline (when there is an incident) and a message to on-call. */
  ask: boolean;
};

export type GroupDecision = {
  outcome: Outcome;
  reason: string;
  shadow: boolean;
  plan: Plan;
  decision: Decision | null;
  /** The facts given to evaluate(), stored with the decision. */
  facts: { trigger: string | null; metrics: Record<string, { value: number; forMinutes: number; fingerprint: string; startsAt: string }> };
  /** A rule waits only for time to pass: decide again later (the sweeper does). */
  retry: boolean;
};

const NOTHING: Plan = { declare: false, rollback: null, ask: false };

function minutesBetween(from: Date, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - from.getTime()) / 6_000) / 10);
}

export function decideGroup(loaded: LoadedPolicy, g: GroupFacts, now: Date): GroupDecision {
  const cfg = loaded.policy.alerts;
  const shadow = cfg.shadow || g.integrationShadow;
  const facts: GroupDecision["facts"] = {
    trigger: g.readings.trigger,
    metrics: Object.fromEntries(
      Object.entries(g.readings.metrics).map(([id, r]) => [id, { value: r.value, forMinutes: minutesBetween(r.startsAt, now), fingerprint: r.fingerprint, startsAt: r.startsAt.toISOString() }]),
    ),
  };
  const base = { shadow, facts, decision: null, retry: false };
  const inconclusive = (reason: string): GroupDecision => ({ ...base, outcome: "inconclusive", reason, plan: { ...NOTHING, ask: true } });

  if (!g.serviceKey) return inconclusive(`Missing label: the alert has no “${g.serviceLabel}” label, so Rollcall cannot tell which service it is about.`);
  if (!g.service) return inconclusive(`Unroutable: no service is named “${g.serviceKey}” (label “${g.serviceLabel}”). Add it under Services or map it in the integration.`);
  const metricIds = Object.keys(g.readings.metrics);
  if (!g.readings.trigger && metricIds.length === 0) {
    return inconclusive("No data: the alert carries no trigger and none of the policy's metric readings the integration's mapping looks for.");
  }
  const staleAfter = cfg.staleMinutes * 60_000;
  const stale = Object.entries(g.readings.metrics).filter(([, r]) => now.getTime() - r.lastSeenAt.getTime() > staleAfter || (r.endsAt !== null && r.endsAt.getTime() < now.getTime()));
  if (stale.length) {
    return inconclusive(`Stale data: ${stale.map(([id]) => id).join(", ")} not refreshed by the alert source in the last ${cfg.staleMinutes} minutes.`);
  }
  if (g.readings.trigger && !loaded.policy.triggers.some((t) => t.id === g.readings.trigger) && metricIds.length === 0) {
    return inconclusive(`Unknown trigger “${g.readings.trigger}”: the active policy has no such trigger.`);
  }

  const decision = evaluate(loaded, { trigger: g.readings.trigger, metrics: Object.fromEntries(Object.entries(facts.metrics).map(([id, r]) => [id, { value: r.value, forMinutes: r.forMinutes }])) }, now);
  const decisive = decision.reasons.find((r) => r.decisive)?.text ?? "";
  const held = (reason: string, plan: Plan = NOTHING, retry = false): GroupDecision => ({ ...base, outcome: "hold", reason, plan, decision, retry });

  if (decision.action !== "rollback") {
    if (decision.pending.length) return held(`Not yet: ${decision.pending[0]!.text}.`, NOTHING, true);
    const what = decision.action === "none" ? "no rule matched these readings" : `the policy says ${decision.action.replace(/_/g, " ")}, not roll back`;
    return held(`Do not act: ${what}${decisive && decision.action !== "none" ? ` (${decisive})` : ""}.`);
  }
  if (!g.automationEnabled) return held(`Automation is switched off for every service (Admin › Settings); a person decides. The policy says: ${decisive}`, { ...NOTHING, ask: true });
  if (!g.service.automationEnabled) return held(`Automation is switched off for ${g.service.name}; a person decides. The policy says: ${decisive}`, { ...NOTHING, ask: true });

  const auto = decision.autoRollback ?? "no";
  if (auto === "no") {
    if (cfg.whenNotAutomatic === "propose") return held(`The policy says roll back but not automatically at ${decision.severity ?? "this severity"}: proposed to on-call. ${decisive}`, { ...NOTHING, ask: true });
    return held(`The policy says roll back but not automatically at ${decision.severity ?? "this severity"}: incident declared for a person to decide. ${decisive}`, { declare: true, rollback: null, ask: true });
  }
  const declareAndAsk: Plan = { declare: true, rollback: null, ask: true };
  if (g.openIncident?.liveRollback) return held(`A rollback of ${g.openIncident.key} is already ${g.openIncident.liveRollback}; not starting another.`, { declare: true, rollback: null, ask: false });
  const breaker = cfg.circuitBreaker;
  if (g.recentAutomaticRollbacks >= breaker.maxRollbacks) {
    return held(`Circuit breaker: ${g.recentAutomaticRollbacks} automatic rollback${g.recentAutomaticRollbacks === 1 ? "" : "s"} of ${g.service.name} in the last ${breaker.windowMinutes} minutes (at most ${breaker.maxRollbacks}); a person decides.`, declareAndAsk);
  }
  if (!g.service.runbook) return held(`${g.service.name} has no runbook to roll it back with; a person decides.`, declareAndAsk);
  const target = g.service.lastKnownGoodVersion;
  if (!target) return held(`${g.service.name} has no last known good version to roll back to; a person decides.`, declareAndAsk);
  if (target === g.service.currentVersion) {
    return held(`Not rolling back: ${g.service.name}'s last known good version ${target} is the version running now.`, declareAndAsk);
  }
  const how = auto === "yes" ? "start" : "request";
  return {
    ...base,
    outcome: "act",
    reason: `${decisive} Roll ${g.service.name} back to ${target} with ${g.service.runbook}${how === "request" ? ", through the approval gate" : ""}.`,
    plan: { declare: true, rollback: how, ask: false },
    decision,
  };
}
