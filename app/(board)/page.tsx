import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { boardIncidents, isOverdue, updateDue, waitingFor } from "@/lib/incidents/queries";
import { SEVERITIES } from "@/lib/incidents/schemas";
import { setupChecklist } from "@/lib/setup/checklist";
import { activeServiceCount, setupCounts } from "@/lib/setup/checklist-queries";
import { IncidentCard } from "@/components/incidents/incident-card";
import { SeverityBadge } from "@/components/incidents/badges";
import { FirstRunChecklist } from "@/components/setup/first-run-checklist";

export const metadata = { title: "Board" };
export const dynamic = "force-dynamic";

export default async function BoardPage() {
  const user = await requireUser();
  const now = new Date();
  const all = await boardIncidents(now);
  const overdue = all.filter((i) => isOverdue(i, now));
  const incidents = all.filter((i) => !isOverdue(i, now));
  const isAdmin = can(user.role, "settings.manage");
  const counts = isAdmin ? await setupCounts() : null;
  const checklist = counts ? setupChecklist(counts) : null;
  // Only an empty board needs to know whether services exist (to say why nothing can be declared).
  const services = all.length > 0 ? null : (counts?.services ?? (await activeServiceCount()));
  const mayDeclare = can(user.role, "incident.declare");
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">Command board</h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {all.length === 0 ? "No active incidents." : `${all.length} active incident${all.length === 1 ? "" : "s"}${overdue.length ? `, ${overdue.length} past the response target` : ""}`}
          </p>
        </div>
        {mayDeclare && (
          <Link href="/incidents/new" className="inline-flex min-h-11 items-center rounded-md bg-red-700 px-4 py-2 text-sm font-bold text-white hover:bg-red-800 dark:bg-red-600">
            Declare incident
          </Link>
        )}
      </div>
      {checklist?.visible && <FirstRunChecklist checklist={checklist} />}
      {overdue.length > 0 && (
        <section aria-labelledby="sev-overdue" className="space-y-2">
          <h2 id="sev-overdue" className="text-sm font-bold tracking-wide text-red-700 uppercase dark:text-red-400">
            Overdue: no decision within the response time
          </h2>
          <ul className="space-y-2" data-testid="board-overdue">
            {overdue.map((i) => (
              <IncidentCard key={i.id} incident={i} updateDueAt={updateDue(i)} waitingFor={waitingFor(i, now)} />
            ))}
          </ul>
        </section>
      )}
      {SEVERITIES.map((sev) => {
        const group = incidents.filter((i) => i.severity === sev);
        if (group.length === 0) return null;
        return (
          <section key={sev} aria-labelledby={`sev-${sev}`} className="space-y-2">
            <h2 id={`sev-${sev}`} className="flex items-center gap-2 text-sm font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-400">
              <SeverityBadge severity={sev} /> {group.length}
            </h2>
            <ul className="space-y-2" data-testid={`board-${sev}`}>
              {group.map((i) => (
                <IncidentCard key={i.id} incident={i} updateDueAt={updateDue(i)} waitingFor={waitingFor(i, now)} />
              ))}
            </ul>
          </section>
        );
      })}
      {all.length === 0 && services === 0 && (
        <div className="rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400" data-testid="board-empty">
          <p className="font-semibold text-slate-800 dark:text-slate-200">No services yet.</p>
          <p className="mt-1 text-sm">
            Incidents are declared against services, so an administrator must add services first.{" "}
            {can(user.role, "service.manage") ? (
              <Link href="/services" className="font-semibold text-sky-700 underline dark:text-sky-400">
                Add services
              </Link>
            ) : (
              "Ask an administrator to add them."
            )}
          </p>
        </div>
      )}
      {all.length === 0 && services !== 0 && (
        <div className="rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400" data-testid="board-empty">
          <p className="font-semibold text-slate-800 dark:text-slate-200">All clear.</p>
          <p className="mt-1 text-sm">
            No active incidents. Declared incidents appear here the moment they are declared.
            {mayDeclare && (
              <>
                {" "}
                Something broken?{" "}
                <Link href="/incidents/new" className="font-semibold text-sky-700 underline dark:text-sky-400">
                  Declare an incident
                </Link>
                .
              </>
            )}
          </p>
        </div>
      )}
    </div>
  );
}
