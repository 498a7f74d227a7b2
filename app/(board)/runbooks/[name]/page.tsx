import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { environmentsForRequest, findRunbook } from "@/lib/runs/runbook-registry";
import { runbookEnvironments } from "@/lib/runbooks/environments";
import { SECTIONS } from "@/lib/runbooks/schema";
import { Card } from "@/components/ui/card";
import { PlanForm } from "@/components/runbooks/plan-form";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }) {
  return { title: `Runbook ${(await params).name}` };
}

const SECTION_TITLES = { prerequisites: "Prerequisites (checks)", steps: "Steps", validation: "Validation" } as const;

/**
 * The runbook as written, for anyone signed in. Planning asks real systems (hosts, clusters,
 * databases, flag stores), so it is a form for those who may start runs: a GET never plans.
 */
export default async function RunbookPage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const loaded = await findRunbook((await params).name);
  if (!loaded) notFound();
  const rb = loaded.runbook;
  const mayPlan = can(user.role, "run.start");
  const sp = await searchParams;
  const initial: Record<string, string> = {};
  for (const p of rb.parameters) {
    const v = sp[p.name];
    if (typeof v === "string" && v !== "") initial[p.name] = v.slice(0, 500);
  }
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-2xl font-bold">{rb.title}</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {rb.name} · v{loaded.version} · {rb.estimatedMinutes.min}-{rb.estimatedMinutes.max} min
        </p>
        {rb.description && <p className="mt-2 max-w-3xl">{rb.description}</p>}
      </div>
      {rb.parameters.length > 0 && (
        <Card aria-label="Parameters">
          <h2 className="mb-2 font-semibold">Parameters</h2>
          <ul className="space-y-1 text-sm">
            {rb.parameters.map((p) => (
              <li key={p.name}>
                <span className="font-mono">{p.name}</span> <span className="text-xs text-slate-600 dark:text-slate-400">({p.type}{p.required ? ", required" : p.default !== undefined ? `, default ${String(p.default)}` : ", optional"})</span>
                {p.description ? ` ${p.description}` : ""}
                {p.allowedUrls && <span className="block pl-4 font-mono text-xs break-all text-slate-600 dark:text-slate-400">may point to {p.allowedUrls.join(", ")}</span>}
              </li>
            ))}
          </ul>
        </Card>
      )}
      <Card aria-label="Environments">
        <h2 className="mb-2 font-semibold">Environments</h2>
        <ul className="space-y-1 text-sm">
          {runbookEnvironments(rb).map((e) => (
            <li key={e.name}>
              <span className="font-medium">{e.name}</span>
              {e.production && e.name !== "production" ? " (production)" : ""}
              {Object.entries(e.params).map(([k, v]) => (
                <span key={k} className="block pl-4 font-mono text-xs break-all text-slate-600 dark:text-slate-400">
                  {k} = {String(v)}
                </span>
              ))}
            </li>
          ))}
        </ul>
      </Card>
      <Card aria-label="Steps">
        {SECTIONS.filter((s) => rb[s].length > 0).map((section) => (
          <div key={section} className="mb-3 last:mb-0">
            <h2 className="mb-1 font-semibold">{SECTION_TITLES[section]}</h2>
            <ol className="list-decimal space-y-1 pl-5 text-sm">
              {rb[section].map((s) => (
                <li key={s.id}>
                  {s.title} <span className="text-xs text-slate-600 dark:text-slate-400">({s.executor}{s.idempotent ? ", idempotent" : ""})</span>
                </li>
              ))}
            </ol>
          </div>
        ))}
      </Card>
      {mayPlan ? (
        <PlanForm
          runbook={rb.name}
          parameters={rb.parameters.map((p) => ({ name: p.name, type: p.type, required: p.required, default: p.default === undefined ? "" : String(p.default), description: p.description ?? "" }))}
          environments={environmentsForRequest(rb)}
          initial={initial}
        />
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-400">Planning a runbook checks real systems, so it is for people who may start runs (on-call engineers, team leads, administrators).</p>
      )}
    </div>
  );
}
