import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { currentTemplates } from "@/lib/comms/template-store";
import { openIncidentsForPreview, SAMPLE_VARS, templateHistory } from "@/lib/comms/template-queries";
import { incidentVars } from "@/lib/comms/incident-vars";
import { TemplateWorkbench } from "@/components/comms/template-editor";
import { NotAllowed } from "@/components/auth/not-allowed";

export const metadata = { title: "Templates" };
export const dynamic = "force-dynamic";

type Search = { t?: string; new?: string; incident?: string };

export default async function TemplatesPage({ searchParams }: { searchParams: Promise<Search> }) {
  const me = await requireUser();
  if (!can(me.role, "comms.manage")) {
    return <NotAllowed title="Administrators only">Your role cannot edit message templates.</NotAllowed>;
  }
  const sp = await searchParams;
  const templates = await currentTemplates(db());
  // With no template at all, the only useful form is a new one.
  const isNew = sp.new === "1" || templates.length === 0;
  const selected = isNew ? null : (templates.find((t) => t.name === sp.t) ?? templates[0] ?? null);
  const [history, incidents, liveVars] = await Promise.all([
    selected ? templateHistory(db(), selected.name) : Promise.resolve([]),
    openIncidentsForPreview(db()),
    sp.incident ? incidentVars(sp.incident) : Promise.resolve(null),
  ]);
  const sources = [{ value: "", label: "Sample values" }, ...incidents.map((i) => ({ value: i.key, label: `${i.key} · ${i.title}` }))];
  const editing = selected
    ? { name: selected.name, title: selected.title, audience: selected.audience, subject: selected.subject, body: selected.body, version: selected.version ?? 0 }
    : { name: "", title: "New template", audience: "internal", subject: "", body: "", version: 0 };

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">Templates</h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">Messages the composer starts from. Every save is a new version; older versions stay and can be restored.</p>
        </div>
      </div>
      {templates.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400" data-testid="templates-empty">
          No templates yet. Without one, every message is written from scratch in the composer: start with the update your responders send most often, using the form below.
        </p>
      ) : (
        templates.every((t) => t.version === null) && (
          <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="templates-built-in">
            None of these has been edited yet: they are Rollcall&apos;s built-in wording. Put your company&apos;s voice, links and sign-off in them before the first incident.
          </p>
        )
      )}
      <nav aria-label="Templates" className="-mx-4 flex gap-2 overflow-x-auto px-4 pb-1 sm:mx-0 sm:flex-wrap sm:px-0">
        {templates.map((t) => {
          const active = !isNew && t.name === selected?.name;
          return (
            <Link
              key={t.name}
              href={`/admin/templates?t=${encodeURIComponent(t.name)}`}
              aria-current={active ? "page" : undefined}
              className={`inline-flex min-h-11 shrink-0 items-center gap-2 rounded-md border px-3 py-2 text-sm whitespace-nowrap ${active ? "border-sky-700 bg-sky-50 font-semibold text-sky-900 dark:border-sky-500 dark:bg-sky-950 dark:text-sky-100" : "border-slate-200 bg-white hover:bg-slate-50 dark:border-slate-800 dark:bg-slate-900 dark:hover:bg-slate-800"}`}
            >
              {t.title}
              <span className="text-xs font-normal text-slate-600 dark:text-slate-400">
                {t.audience} · {t.version ? `v${t.version}` : "built-in"}
              </span>
            </Link>
          );
        })}
        <Link
          href="/admin/templates?new=1"
          aria-current={isNew ? "page" : undefined}
          className={`inline-flex min-h-11 shrink-0 items-center rounded-md border border-dashed whitespace-nowrap px-3 py-2 text-sm font-medium ${isNew ? "border-sky-700 bg-sky-50 text-sky-900 dark:border-sky-500 dark:bg-sky-950 dark:text-sky-100" : "border-slate-300 hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800"}`}
        >
          + New template
        </Link>
      </nav>
      <TemplateWorkbench
        key={isNew ? "new" : editing.name}
        template={editing}
        isNew={isNew}
        history={history}
        vars={liveVars ?? SAMPLE_VARS}
        varsSource={liveVars ? (sp.incident ?? "") : ""}
        sources={sources}
      />
    </div>
  );
}
