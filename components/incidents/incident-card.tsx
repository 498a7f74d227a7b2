import Link from "next/link";
import type { IncidentSummary } from "@/lib/incidents/queries";
import { RelativeTime } from "@/components/ui/relative-time";
import { Countdown } from "@/components/ui/countdown";
import { SEVERITY_STYLES, SeverityBadge, StatusBadge } from "./badges";

export function IncidentCard({ incident, updateDueAt, waitingFor }: { incident: IncidentSummary; updateDueAt?: Date | null; waitingFor?: string }) {
  return (
    <li>
      <Link
        href={`/incidents/${incident.key}`}
        className={`block rounded-lg border border-l-8 border-slate-200 bg-white p-4 shadow-sm hover:border-slate-300 hover:shadow dark:border-slate-800 dark:bg-slate-900 dark:hover:border-slate-700 ${SEVERITY_STYLES[incident.severity].bar}`}
      >
        <div className="flex flex-wrap items-center gap-2 text-xs">
          <SeverityBadge severity={incident.severity} />
          <StatusBadge status={incident.status} />
          <span className="font-mono text-slate-500 dark:text-slate-400">{incident.key}</span>
          <span className="ml-auto text-slate-600 dark:text-slate-400">
            detected <RelativeTime iso={incident.detectedAt.toISOString()} />
          </span>
        </div>
        <p className="mt-2 text-base font-semibold break-words">{incident.title}</p>
        {waitingFor && (
          <p className="mt-1 text-sm" data-testid="card-waiting-for">
            <span className="font-semibold">Waiting for:</span> {waitingFor}
          </p>
        )}
        <div className="mt-1 flex flex-wrap items-center gap-x-4 gap-y-1 text-sm text-slate-600 dark:text-slate-400">
          <span>{incident.services.map((s) => s.service.name).join(", ") || "No services"}</span>
          <span>Commander: {incident.commander?.name ?? "unassigned"}</span>
          {incident.respondBy && !incident.decidedAt && (incident.status === "detected" || incident.status === "investigating") && (
            <Countdown deadline={incident.respondBy.toISOString()} label="Respond" />
          )}
          {incident.flaggedForReview && <span className="rounded bg-red-700 px-2 py-0.5 text-xs font-bold text-white">Break-glass: review</span>}
          {updateDueAt && <Countdown deadline={updateDueAt.toISOString()} label="Stakeholder update" />}
        </div>
      </Link>
    </li>
  );
}
