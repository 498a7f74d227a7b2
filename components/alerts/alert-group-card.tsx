import Link from "next/link";
import type { AlertGroupRow } from "@/lib/alerts/queries";
import { StatusBadge } from "@/components/incidents/badges";
import { RelativeTime } from "@/components/ui/relative-time";
import { Card } from "@/components/ui/card";
import type { StatusName } from "@/lib/incidents/schemas";
import { OUTCOME_LABELS, readingsText } from "./timeline-text";

const OUTCOME_STYLE: Record<string, string> = {
  act: "bg-purple-100 text-purple-900 dark:bg-purple-950 dark:text-purple-200",
  hold: "bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-200",
  inconclusive: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
};

export function AlertGroupCard({ g }: { g: AlertGroupRow }) {
  const h = `group-${g.id}-h`;
  const firing = g.status === "firing";
  return (
    <li data-testid="alert-group" data-status={g.status} data-unroutable={g.unroutable ? "true" : "false"}>
      <Card aria-labelledby={h} className={`space-y-2 border-l-4 ${firing ? "border-l-red-600" : "border-l-emerald-600"}`}>
        <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
          <h3 id={h} className="font-semibold break-words">
            {g.title}
          </h3>
          <span className={`rounded-full px-2 py-0.5 text-xs font-bold uppercase ${firing ? "bg-red-700 text-white dark:bg-red-600" : "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200"}`}>
            {firing ? `firing (${g.firing} of ${g.alertCount})` : "resolved"}
          </span>
          {g.reopenCount > 0 && <span className="text-xs text-slate-600 dark:text-slate-400">reopened {g.reopenCount}× (flapping)</span>}
        </div>
        <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-2">
          <div>
            <dt className="inline text-slate-600 dark:text-slate-400">Service: </dt>
            <dd className="inline">
              {g.service ? (
                <>
                  {g.service.name}
                  {!g.service.automationEnabled && <span className="ml-1 text-xs font-semibold text-amber-800 dark:text-amber-300">(automation off)</span>}
                </>
              ) : (
                <strong className="text-amber-800 dark:text-amber-300" data-testid="unroutable">
                  Unroutable{g.serviceKey ? ` (“${g.serviceKey}” is no service)` : " (no service label)"}
                </strong>
              )}
            </dd>
          </div>
          <div>
            <dt className="inline text-slate-600 dark:text-slate-400">Incident: </dt>
            <dd className="inline">
              {g.incident ? (
                <span className="inline-flex flex-wrap items-center gap-2">
                  <Link href={`/incidents/${g.incident.key}`} className="font-medium text-sky-800 underline dark:text-sky-300">
                    {g.incident.key}
                  </Link>
                  <StatusBadge status={g.incident.status as StatusName} />
                </span>
              ) : (
                "none"
              )}
            </dd>
          </div>
          <div>
            <dt className="inline text-slate-600 dark:text-slate-400">From: </dt>
            <dd className="inline break-all">{g.integrationName}</dd>
          </div>
          <div>
            <dt className="inline text-slate-600 dark:text-slate-400">First fired </dt>
            <dd className="inline">
              <RelativeTime iso={g.firstFiredAt.toISOString()} />, last received <RelativeTime iso={g.lastReceivedAt.toISOString()} />
            </dd>
          </div>
        </dl>
        {g.decision ? (
          <div className="rounded-md bg-slate-50 p-2 text-sm dark:bg-slate-900" data-testid="decision" data-outcome={g.decision.outcome}>
            <p className="flex flex-wrap items-center gap-2">
              <span className="font-medium">Decision:</span>
              <span className={`rounded-full px-2 py-0.5 text-xs font-bold ${OUTCOME_STYLE[g.decision.outcome] ?? ""}`}>{OUTCOME_LABELS[g.decision.outcome] ?? g.decision.outcome}</span>
              {g.decision.shadow && <span className="rounded-full bg-slate-700 px-2 py-0.5 text-xs font-bold text-white">shadow mode: nothing done</span>}
              <span className="text-xs text-slate-600 dark:text-slate-400">
                <RelativeTime iso={g.decision.createdAt.toISOString()} />
              </span>
            </p>
            <p className="mt-1 break-words">{g.decision.reason}</p>
            {readingsText(g.decision.readings) && <p className="mt-1 text-xs text-slate-700 dark:text-slate-300">Readings: {readingsText(g.decision.readings)}</p>}
          </div>
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">No decision: {firing ? "nothing new since the last one" : "resolved alerts are recorded, not decided"}.</p>
        )}
        <details>
          <summary className="inline-flex min-h-11 cursor-pointer items-center text-sm font-medium text-sky-800 dark:text-sky-300">Alerts and labels</summary>
          <ul className="mt-1 space-y-2 text-xs">
            {g.alerts.map((a) => (
              <li key={a.fingerprint} className="rounded border border-slate-200 p-2 dark:border-slate-800">
                <p>
                  <span className="font-semibold">{a.status}</span> · started <RelativeTime iso={a.startsAt.toISOString()} /> · <span className="font-mono break-all">{a.fingerprint}</span>
                </p>
                <p className="font-mono break-all">{Object.entries(a.labels).map(([k, v]) => `${k}="${v}"`).join(" ")}</p>
                {Object.keys(a.annotations).length > 0 && <p className="break-all text-slate-700 dark:text-slate-300">{Object.entries(a.annotations).map(([k, v]) => `${k}: ${v}`).join(" · ")}</p>}
              </li>
            ))}
          </ul>
        </details>
      </Card>
    </li>
  );
}
