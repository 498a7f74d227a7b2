import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { runbooks as loadRunbooks } from "@/lib/runs/runbook-registry";
import { formatRunbookError } from "@/lib/runbooks/load";
import { Card } from "@/components/ui/card";

export const metadata = { title: "Runbooks" };
export const dynamic = "force-dynamic";

const SCOPE: Record<string, string> = {
  full_system: "Full system", database_application: "Database + application", application: "Application",
  feature: "Feature", configuration: "Configuration", frontend: "Frontend", database: "Database",
};

export default async function RunbooksPage() {
  await requireUser();
  const { runbooks, errors, dir } = await loadRunbooks();
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-2xl font-bold">Runbooks</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">Rollback procedures as code, loaded from <code>{dir}</code>.</p>
      </div>
      {errors.length > 0 && (
        <div role="alert" className="rounded-lg border-2 border-red-600 bg-red-50 p-4 text-sm dark:bg-red-950">
          <p className="font-bold text-red-900 dark:text-red-200">{runbooks.length ? "Some runbook files do not load (the others do):" : "No runbook loads:"}</p>
          <ul className="mt-2 list-disc pl-5 font-mono text-xs">
            {errors.map((e, i) => (
              <li key={i}>{formatRunbookError(e)}</li>
            ))}
          </ul>
        </div>
      )}
      {runbooks.length === 0 ? (
        <Card data-testid="runbooks-empty">
          <h2 className="font-semibold">No runbooks loaded</h2>
          <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
            Runbooks are your rollback procedures as code: Rollcall runs their steps for rollbacks, dry runs and drills. It loads every <code>*.yaml</code> file in the folder
            named by <code>RUNBOOKS_DIR</code> (now <code className="break-all">{dir}</code>){errors.length ? ", and none of the files there loads: fix the errors above." : "."} Keep
            your runbooks in your own repository and point <code>RUNBOOKS_DIR</code> at that folder, or start from the examples in Rollcall&apos;s <code>runbooks/</code> folder.
          </p>
          <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
            How to write one (the fields, the executors, an annotated example) is in the &ldquo;Runbooks&rdquo; README, <code>runbooks/README.md</code>; editors check files against{" "}
            <code>runbooks/runbook.schema.json</code>. Changes are picked up without a restart.
          </p>
        </Card>
      ) : (
        <ul className="grid gap-3 md:grid-cols-2" aria-label="Runbooks">
          {runbooks.map(({ runbook: rb, version }) => (
            <li key={rb.name}>
              <Card className="h-full">
                <Link href={`/runbooks/${rb.name}`} className="font-semibold underline">
                  {rb.title}
                </Link>
                <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
                  {SCOPE[rb.scope] ?? rb.scope}
                  {rb.level ? ` · level ${rb.level}` : ""} · {rb.estimatedMinutes.min}-{rb.estimatedMinutes.max} min · v{version}
                </p>
                <ol className="mt-2 list-decimal pl-5 text-sm">
                  {rb.steps.map((s) => (
                    <li key={s.id}>
                      {s.title} <span className="text-xs text-slate-600 dark:text-slate-400">({s.executor})</span>
                    </li>
                  ))}
                </ol>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
