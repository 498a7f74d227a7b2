import type { NextAction } from "@/lib/incidents/next-action";
import type { SeverityName, StatusName } from "@/lib/incidents/schemas";
import { Countdown } from "@/components/ui/countdown";
import { SeverityBadge, StatusBadge } from "./badges";

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
};

const round = (m: number) => (m < 10 ? Math.round(m * 10) / 10 : Math.round(m));

/**
 * The top of the incident page, first in the DOM as on screen: phase, what it waits for, the one
 * action for this person, the live run and the clocks. On a phone it fits above the fold.
 */
export function CommandHeader(p: Props) {
  const pct = p.run && p.run.total ? Math.round((p.run.done / p.run.total) * 100) : 0;
  const overRto = p.run?.rtoMinutes != null && p.run.elapsedMinutes > p.run.rtoMinutes;
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
      <section aria-label="Needs now" className="rounded-lg border-2 border-slate-300 bg-white p-3 dark:border-slate-600 dark:bg-slate-900">
        <p className="text-sm">
          <span className="font-semibold">Waiting for: </span>
          <span data-testid="waiting-for">{p.next.waitingFor}</span>
        </p>
        {p.next.action && (
          <a
            href={p.next.action.href}
            className={`mt-2 inline-flex min-h-11 w-full items-center justify-center rounded-md px-4 text-sm font-semibold sm:w-auto ${p.next.action.urgent ? "bg-red-700 text-white hover:bg-red-800 dark:bg-red-600" : "border border-slate-400 hover:bg-slate-100 dark:border-slate-500 dark:hover:bg-slate-800"}`}
          >
            {p.next.action.label} ↓
          </a>
        )}
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
        <div className="mt-2 flex flex-wrap gap-2 text-sm">
          {p.respondBy && <Countdown deadline={p.respondBy} label="Respond" met={p.responseMet} />}
          {p.updateDueAt && <Countdown deadline={p.updateDueAt} label="Next update" />}
        </div>
      </section>
    </header>
  );
}
