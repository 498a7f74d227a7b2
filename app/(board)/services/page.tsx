import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { listServices, type ServiceRow } from "@/lib/services/queries";
import { readServicesFileStatus } from "@/lib/services/services-file";
import { runbooks as loadRunbooks } from "@/lib/runs/runbook-registry";
import { formatSourceError } from "@/lib/yaml/source";
import { ServiceForm, VersionsForm } from "@/components/services/service-form";
import { ArchiveForm, DeleteForm, ImportForm } from "@/components/services/catalog-forms";
import type { RunbookChoice } from "@/components/services/runbook-picker";
import { Card } from "@/components/ui/card";
import { Disclosure } from "@/components/ui/disclosure";
import { RelativeTime } from "@/components/ui/relative-time";

export const metadata = { title: "Services" };
export const dynamic = "force-dynamic";

function minutes(m: number) {
  return m >= 60 && m % 60 === 0 ? `${m / 60} h` : `${m} min`;
}

function SourceBadge({ s }: { s: ServiceRow }) {
  if (s.source === "file") return <span className="rounded bg-violet-100 px-1.5 py-0.5 text-xs font-semibold text-violet-900 dark:bg-violet-950 dark:text-violet-200">managed by file</span>;
  if (s.sourceRef) return <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-300">imported</span>;
  return null;
}

export default async function ServicesPage() {
  const user = await requireUser();
  const editable = can(user.role, "service.manage");
  const [services, fileStatus, loaded] = await Promise.all([listServices({ includeArchived: true }), readServicesFileStatus(db()), editable ? loadRunbooks() : null]);
  const servicesFile = env().SERVICES_FILE;
  const active = services.filter((s) => !s.archivedAt);
  const archived = services.filter((s) => s.archivedAt);
  const choices: RunbookChoice[] = (loaded?.runbooks ?? []).map((l) => ({
    name: l.runbook.name,
    title: l.runbook.title,
    parameters: l.runbook.parameters.map((p) => ({ name: p.name, type: p.type, required: p.required, default: p.default === undefined ? "" : String(p.default), description: p.description ?? "" })),
  }));

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Services</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        What incidents affect and rollbacks restore. Recovery objectives: how long each service may be down (RTO) and how much data it may lose (RPO).
      </p>

      {servicesFile && (
        <Card aria-labelledby="services-file">
          <h2 id="services-file" className="font-semibold">
            Services file <span className="font-mono text-sm font-normal">{fileStatus?.file ?? servicesFile}</span>
          </h2>
          {fileStatus?.appliedAt ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">
              Version {fileStatus.appliedVersion} applied <RelativeTime iso={fileStatus.appliedAt} />. Services it lists are read-only here: edit the file (changes apply within seconds).
            </p>
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">Not applied yet.</p>
          )}
          {fileStatus?.errors.length ? (
            <div role="alert" className="mt-2 rounded-md bg-red-50 p-3 text-sm text-red-900 dark:bg-red-950 dark:text-red-200">
              <p className="font-semibold">The file as it is now does not apply{fileStatus.appliedVersion ? "; the last good catalogue stays in use" : ""}:</p>
              <ul className="mt-1 list-disc pl-5 font-mono text-xs">
                {fileStatus.errors.map((e) => (
                  <li key={formatSourceError(e)}>{formatSourceError(e)}</li>
                ))}
              </ul>
            </div>
          ) : null}
          {fileStatus?.skipped.length ? (
            <ul className="mt-2 list-disc pl-5 text-xs text-slate-600 dark:text-slate-400">
              {fileStatus.skipped.map((s) => (
                <li key={s.ref}>
                  Skipped {s.ref}: {s.reason}
                </li>
              ))}
            </ul>
          ) : null}
        </Card>
      )}

      {active.length === 0 ? (
        <Card role="status" aria-labelledby="no-services">
          <h2 id="no-services" className="text-lg font-semibold">
            No services yet
          </h2>
          {editable ? (
            <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
              Incidents are declared against services, so add the first one below (name, RTO/RPO and the runbook that rolls it back), import a Backstage{" "}
              <code>catalog-info.yaml</code>, or point <code>SERVICES_FILE</code> at a catalogue file (see <code>catalog/services.example.yaml</code>).
            </p>
          ) : (
            <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">An administrator has not added any services yet; incidents can be declared once they have.</p>
          )}
        </Card>
      ) : (
        <Card className="overflow-x-auto p-0">
          <table className="w-full min-w-[40rem] text-left text-sm">
            <caption className="sr-only">Services in use</caption>
            <thead className="bg-slate-100 text-xs uppercase text-slate-600 dark:bg-slate-800 dark:text-slate-300">
              <tr>
                <th scope="col" className="px-3 py-2">Service</th>
                <th scope="col" className="px-3 py-2">RTO</th>
                <th scope="col" className="px-3 py-2">RPO</th>
                <th scope="col" className="px-3 py-2">Tier</th>
                <th scope="col" className="px-3 py-2">Owner</th>
                <th scope="col" className="px-3 py-2">Rollback runbooks</th>
                <th scope="col" className="px-3 py-2">Current / last good</th>
              </tr>
            </thead>
            <tbody>
              {active.map((s) => (
                <tr key={s.id} className="border-t border-slate-200 align-top dark:border-slate-800">
                  <th scope="row" className="px-3 py-2 font-semibold">
                    <Link href={`/services/${s.id}`} className="underline decoration-slate-400 underline-offset-2">
                      {s.name}
                    </Link>{" "}
                    <SourceBadge s={s} />
                    <span className="block text-xs font-normal text-slate-600 dark:text-slate-400">
                      {s.environments.join(", ")}
                      {s.onStatusPage ? (s.publicName ? ` · public as “${s.publicName}”` : " · on status page") : " · not on status page"}
                    </span>
                  </th>
                  <td className="px-3 py-2">{minutes(s.rtoMinutes)}</td>
                  <td className="px-3 py-2">{minutes(s.rpoMinutes)}</td>
                  <td className="px-3 py-2">{s.tier}</td>
                  <td className="px-3 py-2">{s.ownerTeam}</td>
                  <td className="px-3 py-2 font-mono text-xs">{s.runbooks.map((r) => r.runbook).join(", ") || "—"}</td>
                  <td className="px-3 py-2 font-mono text-xs">
                    {s.currentVersion ?? "—"} / {s.lastKnownGoodVersion ?? "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}

      {editable && (
        <>
          <Card>
            <Disclosure defaultOpen={active.length === 0} summary="Add a service" summaryClassName="cursor-pointer text-lg font-semibold">
              <div className="mt-3">
                <ServiceForm runbooks={choices} />
              </div>
            </Disclosure>
          </Card>
          <Card>
            <details>
              <summary className="cursor-pointer text-lg font-semibold">Import a Backstage catalog</summary>
              <div className="mt-3">
                <ImportForm />
              </div>
            </details>
          </Card>
          {active.length > 0 && (
            <section aria-labelledby="edit-services" className="space-y-3">
              <h2 id="edit-services" className="text-lg font-semibold">
                Edit services
              </h2>
              {active.map((s) => (
                <Card key={s.id}>
                  <details>
                    <summary className="cursor-pointer font-semibold">
                      {s.name} <SourceBadge s={s} />
                    </summary>
                    <div className="mt-3 space-y-4">
                      {s.source === "file" ? (
                        <>
                          <p className="text-sm text-slate-600 dark:text-slate-400">
                            Managed by <span className="font-mono">{s.sourceRef}</span>: change it in the file. Versions can be set here.
                          </p>
                          <VersionsForm service={s} />
                        </>
                      ) : (
                        <>
                          <ServiceForm service={s} runbooks={choices} />
                          <div className="flex flex-wrap gap-4 border-t border-slate-200 pt-3 dark:border-slate-800">
                            <ArchiveForm id={s.id} name={s.name} archived={false} />
                            {s.incidentCount === 0 && <DeleteForm id={s.id} name={s.name} />}
                          </div>
                        </>
                      )}
                    </div>
                  </details>
                </Card>
              ))}
            </section>
          )}
        </>
      )}

      {archived.length > 0 && (
        <section aria-labelledby="archived-services" className="space-y-2">
          <h2 id="archived-services" className="text-lg font-semibold">
            Archived
          </h2>
          <ul className="space-y-2">
            {archived.map((s) => (
              <li key={s.id}>
                <Card className="flex flex-wrap items-center justify-between gap-3">
                  <p>
                    <span className="font-semibold">{s.name}</span> <SourceBadge s={s} />
                    <span className="block text-xs text-slate-600 dark:text-slate-400">
                      {s.incidentCount} incident{s.incidentCount === 1 ? "" : "s"} on record
                    </span>
                  </p>
                  {editable && s.source !== "file" && <ArchiveForm id={s.id} name={s.name} archived />}
                </Card>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
