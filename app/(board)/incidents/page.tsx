import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { anyIncident } from "@/lib/setup/checklist-queries";
import { listIncidents } from "@/lib/incidents/queries";
import { SEVERITIES, STATUSES, STATUS_LABELS, ZIncidentFilters } from "@/lib/incidents/schemas";
import { listServices } from "@/lib/services/queries";
import { IncidentCard } from "@/components/incidents/incident-card";
import { Button } from "@/components/ui/button";
import { Select, TextInput } from "@/components/ui/field";

export const metadata = { title: "Incidents" };
export const dynamic = "force-dynamic";

export default async function IncidentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const raw = await searchParams;
  const filters = ZIncidentFilters.parse(Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])));
  const [{ items, nextCursor }, services] = await Promise.all([listIncidents(filters), listServices({ includeArchived: true })]);
  const nextParams = new URLSearchParams();
  for (const k of ["status", "severity", "service", "q"] as const) if (filters[k]) nextParams.set(k, String(filters[k]));
  if (nextCursor) nextParams.set("cursor", nextCursor);
  const firstParams = new URLSearchParams(nextParams);
  firstParams.delete("cursor");
  const filtered = Boolean(filters.status || filters.severity || filters.service || filters.q);
  // An empty page is either "nothing declared yet" or "nothing matches": they need different next steps.
  const noneAtAll = items.length === 0 && !filters.cursor && !(await anyIncident());

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Incidents</h1>
      <form role="search" aria-label="Filter incidents" className="grid grid-cols-2 gap-2 sm:grid-cols-5">
        <label className="col-span-2 sm:col-span-2">
          <span className="sr-only">Search</span>
          <TextInput name="q" type="search" placeholder="Search title or summary (3+ letters), or an incident number" defaultValue={filters.q ?? ""} aria-label="Search" />
        </label>
        <Select name="status" defaultValue={filters.status ?? ""} aria-label="Status">
          <option value="">Any status</option>
          <option value="active">Active</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </Select>
        <Select name="severity" defaultValue={filters.severity ?? ""} aria-label="Severity">
          <option value="">Any severity</option>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </Select>
        <Select name="service" defaultValue={filters.service ?? ""} aria-label="Service">
          <option value="">Any service</option>
          {services.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </Select>
        <div className="col-span-2 flex gap-2 sm:col-span-5">
          <Button type="submit">Apply filters</Button>
          <Link href="/incidents" className="inline-flex min-h-11 items-center rounded-md px-4 text-sm font-semibold text-slate-700 hover:bg-slate-200 dark:text-slate-300 dark:hover:bg-slate-800">
            Clear
          </Link>
        </div>
      </form>
      {noneAtAll ? (
        <div className="rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400" data-testid="incidents-empty">
          <p className="font-semibold text-slate-800 dark:text-slate-200">No incidents yet.</p>
          <p className="mt-1 text-sm">
            Every incident declared in Rollcall is listed here, open or resolved, with its timeline and decisions.
            {can(user.role, "incident.declare") ? (
              <>
                {" "}
                <Link href="/incidents/new" className="font-semibold text-sky-700 underline dark:text-sky-400">
                  Declare an incident
                </Link>{" "}
                when something breaks.
              </>
            ) : (
              " On-call engineers and team leads declare them."
            )}
          </p>
        </div>
      ) : items.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400" data-testid="incidents-no-match">
          <p>{filtered ? "No incidents match these filters." : "No more incidents."}</p>
          <p className="mt-2 text-sm">
            {filtered ? "Try another status or severity, a shorter search, or " : "Go back to "}
            <Link href="/incidents" className="font-semibold text-sky-700 underline dark:text-sky-400">
              {filtered ? "clear filters" : "the first page"}
            </Link>
            .
          </p>
        </div>
      ) : (
        <ul className="space-y-2" aria-label="Incidents">
          {items.map((i) => (
            <IncidentCard key={i.id} incident={i} />
          ))}
        </ul>
      )}
      <nav aria-label="Pages" className="flex gap-3">
        {filters.cursor && (
          <Link href={`/incidents?${firstParams.toString()}`} className="rounded-md px-3 py-2 font-semibold text-sky-700 underline dark:text-sky-400">
            First page
          </Link>
        )}
        {nextCursor && (
          <Link href={`/incidents?${nextParams.toString()}`} className="rounded-md px-3 py-2 font-semibold text-sky-700 underline dark:text-sky-400">
            Older incidents →
          </Link>
        )}
      </nav>
    </div>
  );
}
