import type { Approval, Bound, Policy, PolicyAction, Rule, SeverityId } from "./schema.ts";

// Pure: no database, no I/O, no clock. `now` comes in; the same facts always give the same decision.

export type MetricReading = { value: number; forMinutes: number };

export type Facts = {
  trigger?: string | null;
  /** A severity a person already assessed (seed 002's matrix is keyed on it). */
  severity?: SeverityId | null;
  usersAffectedPct?: number | null;
  timeToFixMinutes?: number | null;
  metrics?: Record<string, MetricReading>;
};

export type Reason = { ruleId: string; text: string; decisive: boolean };
export type Pending = { ruleId: string; text: string };
export type MetricStatus = { id: string; label: string; unit: string; value: number; forMinutes: number; band: "normal" | "warning" | "critical"; action: PolicyAction | null };

export type Decision = {
  policyVersion: string;
  severity: SeverityId | null;
  action: PolicyAction;
  scope: { id: string; label: string } | null;
  level: { min: number; max: number } | null;
  responseMinutes: number | null;
  respondBy: Date | null;
  approval: Approval | null;
  initiators: string[];
  autoRollback: "yes" | "no" | "conditional" | null;
  /** How often stakeholders get an update at this severity (the communication cadence). */
  updateIntervalMinutes: number | null;
  /** Whether rollback messages go out without a click at this severity, and where. */
  messages: { autoSend: boolean; channels: string[] } | null;
  runbook: string | null;
  reasons: Reason[];
  pending: Pending[];
  metrics: MetricStatus[];
};

export type LoadedPolicy = { policy: Policy; version: string };

const SEVERITY_RANK: Record<SeverityId, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3 };
const ACTION_RANK: Record<PolicyAction, number> = {
  rollback: 0,
  consider_rollback: 1,
  security_review: 2,
  fix_forward: 3,
  investigate: 4,
  monitor: 5,
  none: 6,
};

export function inBound(value: number, b: Bound): boolean {
  if (b.gt !== undefined && !(value > b.gt)) return false;
  if (b.gte !== undefined && !(value >= b.gte)) return false;
  if (b.lt !== undefined && !(value < b.lt)) return false;
  if (b.lte !== undefined && !(value <= b.lte)) return false;
  return true;
}

export function describeBound(b: Bound, unit = ""): string {
  const parts: string[] = [];
  if (b.gt !== undefined) parts.push(`> ${b.gt}${unit}`);
  if (b.gte !== undefined) parts.push(`≥ ${b.gte}${unit}`);
  if (b.lt !== undefined) parts.push(`< ${b.lt}${unit}`);
  if (b.lte !== undefined) parts.push(`≤ ${b.lte}${unit}`);
  return parts.join(" and ");
}

type Match = { matched: true } | { matched: false; pending?: string };

function matchRule(rule: Rule, facts: Facts, policy: Policy): Match {
  const w = rule.when;
  if (w.trigger && (!facts.trigger || !w.trigger.includes(facts.trigger))) return { matched: false };
  if (w.severity && (!facts.severity || !w.severity.includes(facts.severity))) return { matched: false };
  if (w.usersAffectedPct && (facts.usersAffectedPct == null || !inBound(facts.usersAffectedPct, w.usersAffectedPct))) return { matched: false };
  if (w.timeToFixMinutes && (facts.timeToFixMinutes == null || !inBound(facts.timeToFixMinutes, w.timeToFixMinutes))) return { matched: false };
  let pending: string | undefined;
  for (const m of w.metrics ?? []) {
    const reading = facts.metrics?.[m.metric];
    if (!reading || !inBound(reading.value, m)) return { matched: false };
    if (reading.forMinutes < m.forMinutes) {
      const label = policy.metrics.find((x) => x.id === m.metric)?.label ?? m.metric;
      pending = `${label} is ${describeBound(m)} but has held ${reading.forMinutes} of the ${m.forMinutes} minutes “${rule.reason}” needs`;
    }
  }
  return pending ? { matched: false, pending } : { matched: true };
}

function metricStatuses(policy: Policy, facts: Facts): MetricStatus[] {
  const out: MetricStatus[] = [];
  for (const m of policy.metrics) {
    const r = facts.metrics?.[m.id];
    if (!r) continue;
    const band = inBound(r.value, m.critical) ? "critical" : inBound(r.value, m.warning) ? "warning" : "normal";
    out.push({ id: m.id, label: m.label, unit: m.unit, value: r.value, forMinutes: r.forMinutes, band, action: band === "critical" ? m.action : null });
  }
  return out;
}

function severityOf(rule: Rule, facts: Facts): SeverityId | null {
  return rule.then.severity ?? facts.severity ?? null;
}

/** Every matching rule is a reason; the most severe one decides (then the most urgent action, then file order). */
export function evaluate({ policy, version }: LoadedPolicy, facts: Facts, now: Date): Decision {
  const matched: Rule[] = [];
  const pending: Pending[] = [];
  for (const rule of policy.rules) {
    const m = matchRule(rule, facts, policy);
    if (m.matched) matched.push(rule);
    else if (m.pending) pending.push({ ruleId: rule.id, text: m.pending });
  }
  const rank = (r: Rule) => {
    const s = severityOf(r, facts);
    return [s ? SEVERITY_RANK[s] : 9, ACTION_RANK[r.then.action]] as const;
  };
  const ordered = matched
    .map((rule, index) => ({ rule, index, rank: rank(rule) }))
    .sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.index - b.index);
  const decisive = ordered[0]?.rule ?? null;

  const severity = decisive ? severityOf(decisive, facts) : (facts.severity ?? null);
  const defaults = severity ? policy.severities.find((s) => s.id === severity) : undefined;
  const responseMinutes = decisive?.then.responseMinutes ?? defaults?.responseMinutes ?? null;
  const scopeId = decisive?.then.scope ?? ordered.find((o) => o.rule.then.scope && severityOf(o.rule, facts) === severity)?.rule.then.scope;
  const scope = scopeId ? (policy.scopes.find((s) => s.id === scopeId) ?? null) : null;
  const lvl = decisive?.then.level;
  const level = lvl === undefined ? null : typeof lvl === "number" ? { min: lvl, max: lvl } : lvl;

  const reasons: Reason[] = ordered.map((o) => ({ ruleId: o.rule.id, text: o.rule.reason, decisive: o.rule === decisive }));
  if (!decisive) {
    reasons.push({
      ruleId: "none",
      text: severity ? `No rule matched; using the ${severity} defaults for the severity you chose.` : "No rule matched what is known yet: assess the severity by hand.",
      decisive: true,
    });
  }

  return {
    policyVersion: version,
    severity,
    action: decisive?.then.action ?? (severity ? "investigate" : "none"),
    scope,
    level,
    responseMinutes,
    respondBy: responseMinutes === null ? null : new Date(now.getTime() + responseMinutes * 60_000),
    approval: defaults?.approval ?? null,
    initiators: defaults?.initiators ?? [],
    autoRollback: decisive?.then.autoRollback ?? defaults?.autoRollback ?? null,
    updateIntervalMinutes: defaults?.updateIntervalMinutes ?? null,
    messages: defaults?.messages ?? null,
    runbook: decisive?.then.runbook ?? null,
    reasons,
    pending,
    metrics: metricStatuses(policy, facts),
  };
}

/**
 * The commander chose a different severity than the matrix recommends: keep the reasons, take
 * response time and approval gate from the chosen severity's row.
 */
export function withSeverity({ policy }: LoadedPolicy, d: Decision, severity: SeverityId, from: Date): Decision {
  if (d.severity === severity) return d;
  const row = policy.severities.find((s) => s.id === severity);
  if (!row) return d;
  return {
    ...d,
    severity,
    responseMinutes: row.responseMinutes,
    respondBy: new Date(from.getTime() + row.responseMinutes * 60_000),
    approval: row.approval,
    initiators: row.initiators,
    autoRollback: row.autoRollback,
    updateIntervalMinutes: row.updateIntervalMinutes,
    messages: row.messages,
  };
}
