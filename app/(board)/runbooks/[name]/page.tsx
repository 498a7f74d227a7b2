import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { findRunbook } from "@/lib/runs/runbook-registry";
import { planRunbook } from "@/lib/runbooks/plan";
import { formatRenderError } from "@/lib/runbooks/render";
import { Card } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { TextInput } from "@/components/ui/field";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }) {
  return { title: `Runbook ${(await params).name}` };
}

/** The runbook and its plan for the parameters in the query string: what exactly it would do. */
export default async function RunbookPage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser();
  const loaded = await findRunbook((await params).name);
  if (!loaded) notFound();
  const rb = loaded.runbook;
  const sp = await searchParams;
  const input: Record<string, string> = {};
  for (const p of rb.parameters) {
    const v = sp[p.name];
    if (typeof v === "string" && v !== "") input[p.name] = v.slice(0, 500);
  }
  const plan = await planRunbook(loaded, input, { env: process.env });
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
        <Card>
          <form className="grid gap-3 sm:grid-cols-2" aria-label="Plan parameters">
            {rb.parameters.map((p) => (
              <label key={p.name} className="block text-sm font-medium">
                {p.name}
                {p.required ? "" : " (optional)"} <span className="text-xs font-normal text-slate-600 dark:text-slate-400">{p.description ?? p.type}</span>
                <TextInput name={p.name} defaultValue={input[p.name] ?? (p.default === undefined ? "" : String(p.default))} />
              </label>
            ))}
            <div className="sm:col-span-2">
              <Button type="submit" variant="secondary">Show the plan</Button>
            </div>
          </form>
        </Card>
      )}
      <Card>
        <h2 className="mb-2 font-semibold">Plan (no side effects)</h2>
        {!plan.ok ? (
          <ul role="alert" className="list-disc pl-5 text-sm text-red-700 dark:text-red-400">
            {plan.errors.map((e, i) => (
              <li key={i}>{formatRenderError(e)}</li>
            ))}
          </ul>
        ) : (
          <ol className="space-y-3">
            {plan.steps.map(({ step, plan: p }) => (
              <li key={step.id} className="text-sm">
                <p className="font-medium">
                  {step.section === "steps" ? "" : `${step.section}: `}
                  {step.title} <span className="text-xs text-slate-600 dark:text-slate-400">({step.executor}{step.idempotent ? ", idempotent" : ""})</span>
                </p>
                <p className="text-slate-600 dark:text-slate-400">{p.summary}</p>
                <ul className="ml-4 list-disc font-mono text-xs">
                  {p.actions.map((a, i) => (
                    <li key={i}>{a}</li>
                  ))}
                </ul>
                {p.checks.map((c, i) => (
                  <p key={i} className={`font-mono text-xs ${c.ok ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}`}>
                    {c.ok ? "ok" : "FAIL"} {c.name}: {c.detail}
                  </p>
                ))}
              </li>
            ))}
          </ol>
        )}
      </Card>
    </div>
  );
}
