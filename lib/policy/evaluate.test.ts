import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { evaluate, type Facts, type LoadedPolicy } from "./evaluate";
import { formatPolicyError, parsePolicy } from "./load";

const root = path.resolve(import.meta.dirname, "../..");
function load(rel: string): LoadedPolicy {
  const r = parsePolicy(rel, readFileSync(path.join(root, rel), "utf8"));
  if (!r.ok) throw new Error(r.errors.map(formatPolicyError).join("\n"));
  return r.loaded;
}
const now = new Date("2026-11-23T12:00:00Z");

const DEFAULT = load("policy/default.yaml");
const LEVELS = load("policy/examples/levels-auto-rollback.yaml");
const IMPACT = load("policy/examples/impact-time-to-fix.yaml");
const METRICS = load("policy/examples/metric-thresholds.yaml");

describe("seed 000: the default matrix, every row", () => {
  it.each([
    ["system_down", "CRITICAL", 5, "full_system", "none", null],
    ["data_corruption", "HIGH", 10, "database_application", "none", null],
    ["auth_failure", "HIGH", 10, "application", "none", null],
    ["performance_degradation", "MEDIUM", 15, "application", "role", "teamlead"],
    ["feature_broken", "MEDIUM", 30, "feature", "role", "teamlead"],
    ["minor_ui", "LOW", 60, "frontend", "role", "productowner"],
  ] as const)("%s → %s, < %i min, %s, approval %s %s", (trigger, severity, minutes, scope, mode, role) => {
    const d = evaluate(DEFAULT, { trigger }, now);
    expect(d.severity).toBe(severity);
    expect(d.responseMinutes).toBe(minutes);
    expect(d.respondBy).toEqual(new Date(now.getTime() + minutes * 60_000));
    expect(d.scope?.id).toBe(scope);
    expect(d.approval?.mode).toBe(mode);
    if (role) expect(d.approval?.roles).toEqual([role]);
    expect(d.approval?.selfApproval ?? false).toBe(false);
    expect(d.reasons.filter((r) => r.decisive)).toHaveLength(1);
    expect(d.policyVersion).toMatch(/^[0-9a-f]{12}$/);
  });

  it("lets any on-call engineer start CRITICAL and HIGH rollbacks", () => {
    for (const trigger of ["system_down", "auth_failure"]) {
      const d = evaluate(DEFAULT, { trigger }, now);
      expect(d.initiators).toContain("oncall");
      expect(d.approval?.mode).toBe("none");
    }
  });

  it("falls back to the chosen severity's defaults when no rule matches", () => {
    const d = evaluate(DEFAULT, { trigger: "something_else", severity: "MEDIUM" }, now);
    expect(d.severity).toBe("MEDIUM");
    expect(d.responseMinutes).toBe(15);
    expect(d.approval?.roles).toEqual(["teamlead"]);
    expect(d.reasons[0]?.text).toMatch(/No rule matched/);
  });

  it("says so when nothing is known", () => {
    const d = evaluate(DEFAULT, {}, now);
    expect(d.severity).toBeNull();
    expect(d.action).toBe("none");
    expect(d.respondBy).toBeNull();
  });
});

describe("seed 001: levels 1-4 with authority and auto-rollback, every row", () => {
  it.each([
    ["system_down_30s", "CRITICAL", 2, "none", null, "yes"],
    ["major_degradation", "HIGH", 5, "role", "teamlead", "conditional"],
    ["partial_degradation", "MEDIUM", 15, "role", "teamlead", "no"],
    ["cosmetic", "LOW", 60, "role", "productowner", "no"],
  ] as const)("%s → %s < %i min, approval %s %s, auto-rollback %s", (trigger, severity, minutes, mode, role, auto) => {
    const d = evaluate(LEVELS, { trigger }, now);
    expect(d.severity).toBe(severity);
    expect(d.responseMinutes).toBe(minutes);
    expect(d.approval?.mode).toBe(mode);
    if (role) expect(d.approval?.roles).toEqual([role]);
    expect(d.autoRollback).toBe(auto);
  });

  it.each(["system_down_30s", "database_corruption", "security_breach", "auth_failure", "data_loss"])(
    "critical trigger %s → Level 1 with automatic rollback",
    (trigger) => {
      const d = evaluate(LEVELS, { trigger }, now);
      expect(d.severity).toBe("CRITICAL");
      expect(d.autoRollback).toBe("yes");
    },
  );
});

describe("seed 002: severity x users affected x time to fix, every row", () => {
  it.each([
    ["CRITICAL", 100, 61, { min: 3, max: 5 }, "rollback"],
    ["HIGH", 51, 31, { min: 2, max: 3 }, "rollback"],
    ["MEDIUM", 49, 16, { min: 1, max: 2 }, "rollback"],
    ["LOW", 9, 14, null, "fix_forward"],
  ] as const)("%s, %i%% users, %i min to fix → level %o, %s", (severity, pct, fix, level, action) => {
    const d = evaluate(IMPACT, { severity, usersAffectedPct: pct, timeToFixMinutes: fix }, now);
    expect(d.severity).toBe(severity);
    expect(d.level).toEqual(level);
    expect(d.action).toBe(action);
  });

  it("is exact at thresholds: 50% of users is not more than 50%", () => {
    const d = evaluate(IMPACT, { severity: "HIGH", usersAffectedPct: 50, timeToFixMinutes: 45 }, now);
    expect(d.level).toBeNull();
    expect(d.reasons[0]?.ruleId).toBe("none");
  });

  it("is exact at thresholds: a 30-minute fix is not over 30 minutes", () => {
    expect(evaluate(IMPACT, { severity: "HIGH", usersAffectedPct: 80, timeToFixMinutes: 30 }, now).level).toBeNull();
    expect(evaluate(IMPACT, { severity: "HIGH", usersAffectedPct: 80, timeToFixMinutes: 31 }, now).level).toEqual({ min: 2, max: 3 });
  });

  it.each([
    ["error_rate_pct", 10.5, 5, "auto-error-rate"],
    ["p95_ms", 5100, 5, "auto-latency"],
    ["health_check_failures", 4, 0, "auto-health-checks"],
    ["memory_pct", 96, 0, "auto-memory"],
    ["db_pool_used_pct", 100, 0, "auto-db-pool"],
  ] as const)("automatic trigger: %s = %d for %i min → %s", (metric, value, forMinutes, rule) => {
    const d = evaluate(IMPACT, { metrics: { [metric]: { value, forMinutes } } }, now);
    expect(d.severity).toBe("CRITICAL");
    expect(d.autoRollback).toBe("yes");
    expect(d.reasons.find((r) => r.decisive)?.ruleId).toBe(rule);
  });

  it("a metric that has not held long enough does not decide, and says how long it has held", () => {
    const d = evaluate(IMPACT, { metrics: { error_rate_pct: { value: 12, forMinutes: 3 } } }, now);
    expect(d.severity).toBeNull();
    expect(d.pending[0]?.text).toMatch(/held 3 of the 5 minutes/);
  });

  it("exactly at the threshold is not above it: 10% error rate does not trigger", () => {
    expect(evaluate(IMPACT, { metrics: { error_rate_pct: { value: 10, forMinutes: 60 } } }, now).severity).toBeNull();
  });

  it("manual triggers start a team-initiated rollback", () => {
    const d = evaluate(IMPACT, { trigger: "payment_failures" }, now);
    expect(d).toMatchObject({ severity: "HIGH", action: "rollback", autoRollback: "no" });
  });
});

describe("seed 004: metric bands and immediate vs consider triggers", () => {
  it.each([
    ["error_rate_pct", 0.5, "normal"], ["error_rate_pct", 1.5, "warning"], ["error_rate_pct", 2.5, "critical"],
    ["p95_ms", 400, "normal"], ["p95_ms", 800, "warning"], ["p95_ms", 1200, "critical"],
    ["cpu_pct", 60, "normal"], ["cpu_pct", 80, "warning"], ["cpu_pct", 90, "critical"],
    ["memory_pct", 70, "normal"], ["memory_pct", 85, "warning"], ["memory_pct", 95, "critical"],
    ["db_connections_pct", 50, "normal"], ["db_connections_pct", 85, "warning"], ["db_connections_pct", 95, "critical"],
    ["failed_logins_per_min", 5, "normal"], ["failed_logins_per_min", 30, "warning"], ["failed_logins_per_min", 60, "critical"],
  ] as const)("%s = %d is %s", (metric, value, band) => {
    const d = evaluate(METRICS, { metrics: { [metric]: { value, forMinutes: 1 } } }, now);
    expect(d.metrics[0]?.band).toBe(band);
  });

  it.each([
    ["error_rate_pct", "consider_rollback"], ["p95_ms", "monitor"], ["cpu_pct", "investigate"],
    ["memory_pct", "consider_rollback"], ["db_connections_pct", "rollback"], ["failed_logins_per_min", "security_review"],
  ] as const)("critical %s → action %s", (metric, action) => {
    const d = evaluate(METRICS, { metrics: { [metric]: { value: 1e6, forMinutes: 0 } } }, now);
    expect(d.metrics[0]?.action).toBe(action);
  });

  it.each([
    [{ metrics: { error_rate_pct: { value: 6, forMinutes: 5 } } }, "immediate-error-rate", "rollback"],
    [{ metrics: { p95_ms: { value: 2500, forMinutes: 5 } } }, "immediate-latency", "rollback"],
    [{ metrics: { db_connections_pct: { value: 100, forMinutes: 0 } } }, "immediate-db-connections", "rollback"],
    [{ trigger: "security_vulnerability" }, "immediate-security", "rollback"],
    [{ trigger: "data_corruption" }, "immediate-corruption", "rollback"],
    [{ trigger: "complete_outage" }, "immediate-outage", "rollback"],
    [{ metrics: { error_rate_pct: { value: 3, forMinutes: 10 } } }, "consider-error-rate", "consider_rollback"],
    [{ metrics: { p95_ms: { value: 1500, forMinutes: 10 } } }, "consider-latency", "consider_rollback"],
    [{ metrics: { memory_pct: { value: 92, forMinutes: 5 } } }, "consider-memory", "consider_rollback"],
    [{ metrics: { failed_logins_per_min: { value: 80, forMinutes: 1 } } }, "consider-failed-logins", "security_review"],
    [{ metrics: { cache_hit_pct: { value: 40, forMinutes: 1 } } }, "consider-cache", "consider_rollback"],
  ] as [Facts, string, string][])("%o → %s (%s)", (facts, rule, action) => {
    const d = evaluate(METRICS, facts, now);
    expect(d.reasons.find((r) => r.decisive)?.ruleId).toBe(rule);
    expect(d.action).toBe(action);
  });

  it("an error rate of 6% held 7 minutes is 'immediate', not 'consider' (it has not held 10)", () => {
    const d = evaluate(METRICS, { metrics: { error_rate_pct: { value: 6, forMinutes: 7 } } }, now);
    expect(d.action).toBe("rollback");
    expect(d.pending.map((p) => p.ruleId)).toEqual(["consider-error-rate"]);
  });

  it("conflicting signals: the most severe wins and the others stay as reasons", () => {
    const d = evaluate(METRICS, { trigger: "complete_outage", metrics: { error_rate_pct: { value: 3, forMinutes: 12 }, memory_pct: { value: 95, forMinutes: 6 } } }, now);
    expect(d.severity).toBe("CRITICAL");
    expect(d.scope?.id).toBe("full_system");
    expect(d.reasons.map((r) => [r.ruleId, r.decisive])).toEqual([
      ["immediate-outage", true],
      ["consider-error-rate", false],
      ["consider-memory", false],
    ]);
  });
});
