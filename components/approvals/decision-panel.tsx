import type { DecisionJson } from "@/lib/decisions/decide";
import { Countdown } from "@/components/ui/countdown";
import { SeverityBadge } from "@/components/incidents/badges";

const ACTION_LABELS: Record<string, string> = {
  rollback: "Roll back",
  consider_rollback: "Consider rollback",
  fix_forward: "Fix forward",
  investigate: "Investigate",
  monitor: "Monitor closely",
  security_review: "Security review",
  none: "Assess by hand",
};

const GATE_TEXT = (d: DecisionJson) => {
  const a = d.approval;
  if (!a || a.mode === "none") return `No approval needed: ${d.initiators.join(", ")} may start it at once.`;
  const who = a.roles.join(" or ");
  return `${a.mode === "quorum" ? `${a.quorum} approvals from` : "Approval by"} ${who}${a.selfApproval ? "" : " (not the requester)"}; requests expire after ${a.expiresMinutes} min.`;
};

/** `technical` false (stakeholders): the reasons without the policy's content hash. */
export function DecisionPanel({ decision, decidedAt, override, technical = true }: { decision: DecisionJson; decidedAt: Date | null; override: string | null; technical?: boolean }) {
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        {decision.severity && <SeverityBadge severity={decision.severity} />}
        <span className="font-semibold">{ACTION_LABELS[decision.action] ?? decision.action}</span>
        {decision.scope && <span className="text-sm text-slate-600 dark:text-slate-400">· {decision.scope.label}</span>}
        {decision.level && (
          <span className="text-sm text-slate-600 dark:text-slate-400">
            · level {decision.level.min === decision.level.max ? decision.level.min : `${decision.level.min}-${decision.level.max}`}
          </span>
        )}
      </div>
      {decision.respondBy && (
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <Countdown deadline={decision.respondBy} label={`Respond (${decision.responseMinutes} min)`} met={decidedAt !== null && decidedAt <= new Date(decision.respondBy)} />
        </div>
      )}
      <p className="text-sm">{GATE_TEXT(decision)}</p>
      {override && decision.recommendedSeverity && (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">
          The matrix recommended {decision.recommendedSeverity}; the commander chose {decision.severity}: “{override}”
        </p>
      )}
      <div>
        <h3 className="text-xs font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-400">Why</h3>
        <ul className="mt-1 space-y-1 text-sm">
          {decision.reasons.map((r) => (
            <li key={r.ruleId} className={r.decisive ? "font-medium" : "text-slate-600 dark:text-slate-400"}>
              {r.decisive ? "▸ " : "· "}
              {r.text}
            </li>
          ))}
          {decision.pending.map((p) => (
            <li key={`p-${p.ruleId}`} className="text-slate-600 italic dark:text-slate-400">
              · Not yet: {p.text}
            </li>
          ))}
        </ul>
        {technical && <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">Policy version {decision.policyVersion}</p>}
      </div>
    </div>
  );
}
