"use client";
import { useMemo, useState } from "react";
import { evaluate, type Facts, type LoadedPolicy } from "@/lib/policy/evaluate";
import type { SeverityId } from "@/lib/policy/schema";
import { inputClass } from "@/components/ui/field";
import { SeverityBadge } from "@/components/incidents/badges";

const ACTION: Record<string, string> = {
  rollback: "Roll back", consider_rollback: "Consider rollback", fix_forward: "Fix forward", investigate: "Investigate",
  monitor: "Monitor closely", security_review: "Security review", none: "Assess by hand",
};

/** Change the inputs, see the decision and its reasons: the same pure function the server uses. */
export function WhatIf({ loaded }: { loaded: LoadedPolicy }) {
  const { policy } = loaded;
  const [trigger, setTrigger] = useState("");
  const [severity, setSeverity] = useState("");
  const [users, setUsers] = useState("");
  const [fix, setFix] = useState("");
  const [metrics, setMetrics] = useState<Record<string, { value: string; forMinutes: string }>>({});
  const facts: Facts = useMemo(() => {
    const m: NonNullable<Facts["metrics"]> = {};
    for (const [id, r] of Object.entries(metrics)) {
      if (r.value !== "" && !Number.isNaN(Number(r.value))) m[id] = { value: Number(r.value), forMinutes: Number(r.forMinutes || 0) };
    }
    return {
      trigger: trigger || null,
      severity: (severity || null) as SeverityId | null,
      usersAffectedPct: users === "" ? null : Number(users),
      timeToFixMinutes: fix === "" ? null : Number(fix),
      metrics: m,
    };
  }, [trigger, severity, users, fix, metrics]);
  const [now] = useState(() => new Date());
  const d = evaluate(loaded, facts, now);

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <form className="space-y-3" aria-label="What-if inputs" onSubmit={(e) => e.preventDefault()}>
        {policy.triggers.length > 0 && (
          <label className="block text-sm font-medium">
            Trigger
            <select className={inputClass} value={trigger} onChange={(e) => setTrigger(e.target.value)}>
              <option value="">None</option>
              {policy.triggers.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.label}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="block text-sm font-medium">
          Assessed severity
          <select className={inputClass} value={severity} onChange={(e) => setSeverity(e.target.value)}>
            <option value="">Not assessed</option>
            {policy.severities.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <div className="grid grid-cols-2 gap-3">
          <label className="block text-sm font-medium">
            Users affected (%)
            <input className={inputClass} inputMode="decimal" value={users} onChange={(e) => setUsers(e.target.value)} />
          </label>
          <label className="block text-sm font-medium">
            Time to fix (min)
            <input className={inputClass} inputMode="numeric" value={fix} onChange={(e) => setFix(e.target.value)} />
          </label>
        </div>
        {policy.metrics.length > 0 && (
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">Metric readings</legend>
            {policy.metrics.map((m) => (
              <div key={m.id} className="grid grid-cols-[1fr_6rem_6rem] items-end gap-2">
                <span className="text-sm">{m.label}{m.unit ? ` (${m.unit.trim()})` : ""}</span>
                <label className="text-xs">
                  Value
                  <input
                    aria-label={`${m.label} value`}
                    className={inputClass}
                    inputMode="decimal"
                    value={metrics[m.id]?.value ?? ""}
                    onChange={(e) => setMetrics({ ...metrics, [m.id]: { value: e.target.value, forMinutes: metrics[m.id]?.forMinutes ?? "" } })}
                  />
                </label>
                <label className="text-xs">
                  Held (min)
                  <input
                    aria-label={`${m.label} held for minutes`}
                    className={inputClass}
                    inputMode="numeric"
                    value={metrics[m.id]?.forMinutes ?? ""}
                    onChange={(e) => setMetrics({ ...metrics, [m.id]: { value: metrics[m.id]?.value ?? "", forMinutes: e.target.value } })}
                  />
                </label>
              </div>
            ))}
          </fieldset>
        )}
      </form>
      <section aria-label="What-if decision" aria-live="polite" className="space-y-3 rounded-lg border border-slate-200 p-4 dark:border-slate-800">
        <div className="flex flex-wrap items-center gap-2">
          {d.severity ? <SeverityBadge severity={d.severity} /> : <span className="text-sm font-semibold">No severity</span>}
          <span className="font-semibold" data-testid="whatif-action">{ACTION[d.action]}</span>
          {d.scope && <span className="text-sm">· {d.scope.label}</span>}
          {d.level && <span className="text-sm">· level {d.level.min === d.level.max ? d.level.min : `${d.level.min}-${d.level.max}`}</span>}
        </div>
        <dl className="grid grid-cols-2 gap-2 text-sm">
          <dt className="text-slate-600 dark:text-slate-400">Response time</dt>
          <dd>{d.responseMinutes ? `< ${d.responseMinutes} min` : "—"}</dd>
          <dt className="text-slate-600 dark:text-slate-400">Who may start</dt>
          <dd>{d.initiators.join(", ") || "—"}</dd>
          <dt className="text-slate-600 dark:text-slate-400">Approval</dt>
          <dd>{!d.approval ? "—" : d.approval.mode === "none" ? "none" : `${d.approval.mode === "quorum" ? `${d.approval.quorum} × ` : ""}${d.approval.roles.join(" or ")}`}</dd>
          <dt className="text-slate-600 dark:text-slate-400">Auto-rollback</dt>
          <dd>{d.autoRollback ?? "—"}</dd>
          {d.runbook && (
            <>
              <dt className="text-slate-600 dark:text-slate-400">Runbook</dt>
              <dd>{d.runbook}</dd>
            </>
          )}
        </dl>
        <ul className="space-y-1 text-sm">
          {d.reasons.map((r) => (
            <li key={r.ruleId} className={r.decisive ? "font-medium" : "text-slate-600 dark:text-slate-400"}>
              {r.decisive ? "▸ " : "· "}
              {r.text}
            </li>
          ))}
          {d.pending.map((p) => (
            <li key={p.ruleId} className="text-slate-600 italic dark:text-slate-400">
              · Not yet: {p.text}
            </li>
          ))}
        </ul>
        {d.metrics.length > 0 && (
          <ul className="text-sm" aria-label="Metric bands">
            {d.metrics.map((m) => (
              <li key={m.id}>
                {m.label}: {m.value}
                {m.unit} is <strong className={m.band === "critical" ? "text-red-700 dark:text-red-400" : m.band === "warning" ? "text-amber-700 dark:text-amber-400" : ""}>{m.band}</strong>
                {m.action ? ` → ${ACTION[m.action]}` : ""}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
