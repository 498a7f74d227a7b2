import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePolicy } from "../policy/load";
import type { LoadedPolicy } from "../policy/evaluate";
import { decideGroup, type GroupFacts } from "./decide";

const loaded: LoadedPolicy = (() => {
  const r = parsePolicy("policy/default.yaml", readFileSync("policy/default.yaml", "utf8"));
  if (!r.ok) throw new Error("default policy does not load");
  return r.loaded;
})();

const NOW = new Date("2026-11-29T12:00:00Z");
const ago = (min: number) => new Date(NOW.getTime() - min * 60_000);
const reading = (value: number, heldMin: number, seenMinAgo = 0) => ({ value, fingerprint: "f", startsAt: ago(heldMin), lastSeenAt: ago(seenMinAgo), endsAt: null });

function facts(over: Partial<GroupFacts> = {}): GroupFacts {
  return {
    serviceKey: "checkout",
    serviceLabel: "service",
    service: { name: "Checkout", automationEnabled: true, currentVersion: "v2", lastKnownGoodVersion: "v1", runbook: "checkout-rollback" },
    readings: { trigger: null, metrics: { error_rate_pct: reading(12, 6) } },
    automationEnabled: true,
    integrationShadow: false,
    recentAutomaticRollbacks: 0,
    openIncident: null,
    ...over,
  };
}

// Each row: the facts that differ from a healthy "error rate 12 % for 6 minutes" group, and what follows.
const table: [string, Partial<GroupFacts>, { outcome: string; reason: RegExp; rollback?: string | null; declare?: boolean; ask?: boolean; shadow?: boolean }][] = [
  ["seed 002: error rate > 10% for 5 min acts", {}, { outcome: "act", reason: /Error rate above 10% for 5 minutes.*Roll Checkout back to v1 with checkout-rollback\.$/, rollback: "start", declare: true, ask: false }],
  ["seed 004: > 5% for 5 min goes through the gate", { readings: { trigger: null, metrics: { error_rate_pct: reading(7, 6) } } }, { outcome: "act", reason: /through the approval gate/, rollback: "request" }],
  ["held 3 of 5 minutes waits", { readings: { trigger: null, metrics: { error_rate_pct: reading(12, 3) } } }, { outcome: "hold", reason: /^Not yet: .*held 3 of the 5 minutes/, rollback: null, ask: false }],
  ["memory > 95% acts at once", { readings: { trigger: null, metrics: { memory_pct: reading(97, 0) } } }, { outcome: "act", reason: /Memory usage above 95%/, rollback: "start" }],
  ["p95 1.2 s is no rollback", { readings: { trigger: null, metrics: { p95_ms: reading(1200, 30) } } }, { outcome: "hold", reason: /^Do not act: no rule matched/ }],
  ["no service label", { serviceKey: "", service: null }, { outcome: "inconclusive", reason: /^Missing label: .*“service”/, ask: true }],
  ["unknown service", { service: null }, { outcome: "inconclusive", reason: /^Unroutable: no service is named “checkout”/, ask: true }],
  ["no readings", { readings: { trigger: null, metrics: {} } }, { outcome: "inconclusive", reason: /^No data/, ask: true }],
  ["not refreshed for 16 minutes", { readings: { trigger: null, metrics: { error_rate_pct: reading(12, 20, 16) } } }, { outcome: "inconclusive", reason: /^Stale data: error_rate_pct/ }],
  ["unknown trigger", { readings: { trigger: "made_up", metrics: {} } }, { outcome: "inconclusive", reason: /Unknown trigger “made_up”/ }],
  ["global kill switch", { automationEnabled: false }, { outcome: "hold", reason: /switched off for every service/, declare: false, ask: true }],
  ["service kill switch", { service: { name: "Checkout", automationEnabled: false, currentVersion: "v2", lastKnownGoodVersion: "v1", runbook: "r" } }, { outcome: "hold", reason: /switched off for Checkout/, declare: false, ask: true }],
  ["circuit breaker", { recentAutomaticRollbacks: 1 }, { outcome: "hold", reason: /^Circuit breaker: 1 automatic rollback of Checkout in the last 60 minutes \(at most 1\)/, declare: true, ask: true }],
  ["same version", { service: { name: "Checkout", automationEnabled: true, currentVersion: "v1", lastKnownGoodVersion: "v1", runbook: "r" } }, { outcome: "hold", reason: /v1 is the version running now/, declare: true, rollback: null }],
  ["no last known good", { service: { name: "Checkout", automationEnabled: true, currentVersion: "v2", lastKnownGoodVersion: null, runbook: "r" } }, { outcome: "hold", reason: /no last known good version/ }],
  ["no runbook", { service: { name: "Checkout", automationEnabled: true, currentVersion: "v2", lastKnownGoodVersion: "v1", runbook: null } }, { outcome: "hold", reason: /no runbook/ }],
  ["a live rollback is open", { openIncident: { key: "INC-1", liveRollback: "running" } }, { outcome: "hold", reason: /A rollback of INC-1 is already running/, ask: false }],
  ["system_down trigger: autoRollback no declares", { readings: { trigger: "system_down", metrics: {} } }, { outcome: "hold", reason: /not automatically at CRITICAL: incident declared/, declare: true, rollback: null }],
  ["shadow per integration keeps the plan", { integrationShadow: true }, { outcome: "act", reason: /Roll Checkout back/, shadow: true, rollback: "start" }],
];

describe("decideGroup (default policy)", () => {
  it.each(table)("%s", (_name, over, want) => {
    const d = decideGroup(loaded, facts(over), NOW);
    expect(d.outcome).toBe(want.outcome);
    expect(d.reason).toMatch(want.reason);
    if (want.rollback !== undefined) expect(d.plan.rollback).toBe(want.rollback);
    if (want.declare !== undefined) expect(d.plan.declare).toBe(want.declare);
    if (want.ask !== undefined) expect(d.plan.ask).toBe(want.ask);
    expect(d.shadow).toBe(want.shadow ?? false);
  });

  it("stores the readings it used, forMinutes from startsAt and the injected now", () => {
    const d = decideGroup(loaded, facts(), NOW);
    expect(d.facts.metrics.error_rate_pct).toEqual({ value: 12, forMinutes: 6, fingerprint: "f", startsAt: ago(6).toISOString() });
    expect(d.decision?.policyVersion).toBe(loaded.version);
  });

  it("inconclusive never plans a rollback or a declaration", () => {
    for (const [, over, want] of table) {
      if (want.outcome !== "inconclusive") continue;
      const d = decideGroup(loaded, facts(over), NOW);
      expect(d.plan).toEqual({ declare: false, rollback: null, ask: true });
    }
  });
});
