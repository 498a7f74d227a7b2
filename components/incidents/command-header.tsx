import type { ReactNode } from "react";
import type { NextAction } from "@/lib/incidents/next-action";
import type { PlainSummary } from "@/lib/incidents/plain-summary";
import type { SeverityName, StatusName } from "@/lib/incidents/schemas";
import { Countdown } from "@/components/ui/countdown";
import { ClockTime } from "@/components/ui/clock-time";
import { RelativeTime } from "@/components/ui/relative-time";
import { SeverityBadge, StatusBadge } from "./badges";
import { NextActionBar } from "./next-action-bar";
import { ResultRegion } from "./result-region";

export type LiveRunSummary = {
  title: string;
  mode: string;
  status: string;
  currentStep: string | null;
  done: number;
  total: number;
  elapsedMinutes: number;
  estimateMinutes: number | null;
  rtoMinutes: number | null;
};

type Props = {
  incidentKey: string;
  title: string;
  severity: SeverityName;
  status: StatusName;
  commander: string | null;
  services: string;
  next: NextAction;
  run: LiveRunSummary | null;
  respondBy: string | null;
  responseMet: boolean;
  updateDueAt: string | null;
  /** Done here instead of a link to the card that does it (the quick rollback). */
  primary?: ReactNode;
  /** Other things this person may do, as jumps to their cards. */
  jumps?: { label: string; href: string }[];
  /** For stakeholders: what happened and what is being done, in plain words, instead of the operator's box. */
  plain?: (PlainSummary & { happened: string }) | null;
  /** A rollback that waits for approval: who may give it and until when. */
  approval?: { who: string | null; expiresAt: string | null } | null;
  /** How the last live rollback ended, when none is open (the result before the next step). */
  lastRollback?: { text: string; ok: boolean; at: string | null } | null;
};

/** Where focus goes after an action whose control goes away; also what the phone's action bar watches. */
export const NEEDS_NOW = "needs-now";

const round = (m: number) => (m < 10 ? Math.round(m * 10) / 10 : Math.round(m));

/**
 * The top of the incident page, first in the DOM as on screen: phase, what it waits for, the one
 * action for this person, the live run and the clocks. On a phone it fits above the fold.
 */
export function CommandHeader(p: Props) {
  const pct = p.run && p.run.total ? Math.round((p.run.done / p.run.total) * 100) : 0;
  const overRto = p.run?.rtoMinutes != null && p.run.elapsedMinutes > p.run.rtoMinutes;
  const clocks = (
    <div className="mt-2 flex flex-wrap gap-2 text-sm">
      {p.respondBy && !p.plain && <Countdown deadline={p.respondBy} label="Respond" met={p.responseMet} />}
      {p.updateDueAt && <Countdown deadline={p.updateDueAt} label="Next update" />}
    </div>
  );
  return (
    <header className="space-y-3" aria-label="Command summary">
      <div className="flex flex-wrap items-center gap-2">
        <SeverityBadge severity={p.severity} />
        <StatusBadge status={p.status} />
        <span className="font-mono text-sm text-slate-600 dark:text-slate-300">{p.incidentKey}</span>
      </div>
      <h1 className="text-2xl font-bold break-words">{p.title}</h1>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        {p.services} · Commander {p.commander ?? "unassigned"}
      </p>
      {p.plain ? (
        <ResultRegion
          target={NEEDS_NOW}
          version={`${p.next.phase}|${p.plain.doing}`}
          id={NEEDS_NOW}
          aria-label="What is happening"
          data-testid="plain-summary"
          className="space-y-2 rounded-lg border-2 border-slate-300 bg-white p-3 text-sm outline-none focus-visible:ring-2 focus-visible:ring-sky-600 dark:border-slate-600 dark:bg-slate-900"
        >
          <p>
            <span className="font-semibold">What happened: </span>
            {p.plain.happened}
          </p>
          <p>
            <span className="font-semibold">What is being done: </span>
            <span data-testid="plain-doing">{p.plain.doing}</span>
          </p>
          {p.plain.progress !== null && (
            <div className="flex items-center gap-2">
              <div className="h-3 flex-1 overflow-hidden rounded bg-slate-200 dark:bg-slate-700" role="progressbar" aria-label="Rollback progress" aria-valuenow={p.plain.progress} aria-valuemin={0} aria-valuemax={100}>
                <div className={`h-full ${p.next.phase === "paused" ? "bg-orange-600" : "bg-sky-700 dark:bg-sky-500"}`} style={{ width: `${p.plain.progress}%` }} />
              </div>
              <span className="font-semibold">{p.plain.progress}% done</span>
            </div>
          )}
          <p>
            <span className="font-semibold">Next update: </span>
            {p.updateDueAt ? (
              <>
                at <ClockTime iso={p.updateDueAt} /> (<RelativeTime iso={p.updateDueAt} />)
              </>
            ) : (
              "none planned"
            )}
          </p>
        </ResultRegion>
      ) : (
        <ResultRegion
          target={NEEDS_NOW}
          version={`${p.next.phase}|${p.next.waitingFor}|${p.run?.done ?? ""}`}
          id={NEEDS_NOW}
          aria-label="Needs now"
          className="rounded-lg border-2 border-slate-300 bg-white p-3 outline-none focus-visible:ring-2 focus-visible:ring-sky-600 dark:border-slate-600 dark:bg-slate-900"
        >
          {p.lastRollback && (
            <p className="mb-1 text-sm" data-testid="last-rollback">
              <span className={`font-semibold ${p.lastRollback.ok ? "text-emerald-800 dark:text-emerald-300" : "text-red-800 dark:text-red-300"}`}>{p.lastRollback.ok ? "✓" : "✗"} {p.lastRollback.text}</span>
              {p.lastRollback.at && (
                <span className="text-slate-600 dark:text-slate-300">
                  {" "}
                  · <RelativeTime iso={p.lastRollback.at} />
                </span>
              )}
            </p>
          )}
          <p className="text-sm">
            <span className="font-semibold">Waiting for: </span>
            <span data-testid="waiting-for">{p.next.waitingFor}</span>
          </p>
          {p.approval && (
            <p className="mt-1 text-sm text-slate-700 dark:text-slate-300" data-testid="approval-who">
              {p.approval.who ? `May approve: ${p.approval.who}` : "Waiting for an approver"}
              {p.approval.expiresAt && (
                <>
                  {" "}
                  · expires at <ClockTime iso={p.approval.expiresAt} />
                </>
              )}
            </p>
          )}
          {p.primary ??
            (p.next.action && (
              <a
                href={p.next.action.href}
                data-testid="primary-action"
                className={`mt-2 inline-flex min-h-11 w-full items-center justify-center rounded-md px-4 text-sm font-semibold sm:w-auto ${p.next.action.urgent ? "bg-red-700 text-white hover:bg-red-800 dark:bg-red-600" : "border border-slate-400 hover:bg-slate-100 dark:border-slate-500 dark:hover:bg-slate-800"}`}
              >
                {p.next.action.label}
                <span aria-hidden="true">&nbsp;↓</span>
              </a>
            ))}
          {p.run && (
            <div className="mt-3 space-y-1" data-testid="header-run">
              <p className="text-sm">
                <span className="font-semibold">{p.run.mode === "drill" ? "Drill" : "Rollback"}: </span>
                {p.run.title} · {p.run.status === "paused" ? "paused" : p.run.currentStep ? `now: ${p.run.currentStep}` : p.run.status}
              </p>
              <div className="h-3 w-full overflow-hidden rounded bg-slate-200 dark:bg-slate-700" role="progressbar" aria-label="Rollback progress" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
                <div className={`h-full ${p.run.status === "paused" ? "bg-orange-600" : "bg-sky-700 dark:bg-sky-500"}`} style={{ width: `${pct}%` }} />
              </div>
              <p className="text-xs text-slate-700 dark:text-slate-300">
                {p.run.done}/{p.run.total} steps · {round(p.run.elapsedMinutes)} min elapsed
                {p.run.estimateMinutes ? ` of about ${round(p.run.estimateMinutes)}` : ""}
                {p.run.rtoMinutes ? ` · RTO ${p.run.rtoMinutes} min` : ""}
                {overRto ? <strong className="text-red-700 dark:text-red-400"> · over RTO</strong> : null}
              </p>
            </div>
          )}
          {clocks}
        </ResultRegion>
      )}
      {p.jumps && p.jumps.length > 0 && (
        <nav aria-label="On this page" className="flex flex-wrap gap-1.5">
          {p.jumps.map((j) => (
            <a key={j.href} href={j.href} className="inline-flex min-h-11 items-center rounded-md border border-slate-300 bg-white px-2.5 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-900 dark:hover:bg-slate-800">
              {j.label}
              <span aria-hidden="true">&nbsp;↓</span>
            </a>
          ))}
        </nav>
      )}
      {!p.plain && p.next.action && <NextActionBar watch={NEEDS_NOW} label={p.next.action.label} href={p.primary ? `#${NEEDS_NOW}` : p.next.action.href} urgent={p.next.action.urgent} />}
    </header>
  );
}
