"use client";
import { useActionState, useEffect, useId, useState } from "react";
import { useRouter } from "next/navigation";
import { restoreTemplateAction, saveTemplateAction } from "@/lib/comms/template-actions";
import { initialState, type ActionState } from "@/lib/action-state";
import { AUDIENCES, checkTemplate, renderMessage, type TemplateIssue } from "@/lib/comms/templates";
import { TEMPLATE_VARIABLES, VARIABLE_NAMES, type TemplateVars } from "@/lib/comms/variables";
import type { TemplateVersionView } from "@/lib/comms/template-queries";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, inputClass, Select, TextArea, TextInput } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { FORMAT_LABELS, FormatPreview, LengthMeter, type PreviewFormat } from "./format-preview";

export type EditorTemplate = { name: string; title: string; audience: string; subject: string; body: string; version: number };
type Source = { value: string; label: string };

const FORMATS: PreviewFormat[] = ["plain", "slack", "teams", "email"];

/**
 * The editor for one template. The save state lives here, above the form, so the form can be
 * re-mounted with the saved (or restored) version's text while the success message stays.
 */
export function TemplateWorkbench(props: {
  template: EditorTemplate;
  isNew: boolean;
  history: TemplateVersionView[];
  vars: TemplateVars;
  varsSource: string;
  sources: Source[];
}) {
  const [state, action, pending] = useActionState(saveTemplateAction, initialState);
  return (
    <div className="space-y-6">
      <TemplateForm key={`${props.template.name}-${props.template.version}`} {...props} state={state} action={action} pending={pending} />
      {!props.isNew && <History name={props.template.name} current={props.template.version} history={props.history} />}
    </div>
  );
}

function issueText(field: string, issues: TemplateIssue[]) {
  return issues.map((i) => `${field} line ${i.line}, column ${i.column}: ${i.message.replace(/ \(line \d+, column \d+\)$/, "")}`);
}

function TemplateForm({
  template,
  isNew,
  vars,
  varsSource,
  sources,
  state,
  action,
  pending,
}: {
  template: EditorTemplate;
  isNew: boolean;
  vars: TemplateVars;
  varsSource: string;
  sources: Source[];
  state: ActionState;
  action: (form: FormData) => void;
  pending: boolean;
}) {
  const router = useRouter();
  const [name, setName] = useState(template.name);
  const [audience, setAudience] = useState(template.audience);
  const [subject, setSubject] = useState(template.subject);
  const [body, setBody] = useState(template.body);
  const [format, setFormat] = useState<PreviewFormat>("plain");
  const tabsId = useId();

  const issues = [...issueText("Subject", checkTemplate(subject)), ...issueText("Body", checkTemplate(body))];
  let preview: { subject: string; body: string } | null = null;
  if (issues.length === 0) preview = renderMessage({ subject, body }, vars, "plain");

  // Server errors belong to the text that was sent; once that field changes they are stale.
  const sent = state.ok ? {} : (state.values ?? {});
  const serverError = (field: string, value: string) => (String(sent[field] ?? "").replace(/\r\n?/g, "\n") === value ? state.fieldErrors?.[field] : undefined);
  // The server's refusal of this very text is shown under its field; the live list would repeat it.
  const refusedAsTyped = Boolean(serverError("subject", subject)?.length || serverError("body", body)?.length);
  const created = state.ok && isNew ? String(state.values?.name ?? "") : "";
  useEffect(() => {
    if (created) router.replace(`/admin/templates?t=${encodeURIComponent(created)}`);
  }, [created, router]);

  function insertVariable(v: string) {
    const el = document.getElementById("body") as HTMLTextAreaElement | null;
    const token = `{{ ${v} }}`;
    const start = el?.selectionStart ?? body.length;
    const end = el?.selectionEnd ?? body.length;
    setBody(body.slice(0, start) + token + body.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + token.length, start + token.length);
    });
  }

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <form action={action} className="min-w-0 space-y-4" aria-label="Edit template">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 className="text-lg font-semibold">{isNew ? "New template" : template.title}</h2>
          {!isNew && (
            <span data-testid="template-version" className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-semibold dark:bg-slate-800">
              {template.version === 0 ? "built-in (never edited)" : `version ${template.version}`}
            </span>
          )}
        </div>
        <FormMessage message={state.message} ok={state.ok} />
        <input type="hidden" name="baseVersion" value={template.version} />
        {isNew && <input type="hidden" name="create" value="1" />}
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Name" name="name" error={serverError("name", name)} hint={isNew ? "Lowercase letters, digits and dashes." : undefined}>
            <TextInput name="name" value={name} readOnly={!isNew} onChange={(e) => setName(e.target.value)} error={serverError("name", name)} className={`${inputClass} ${isNew ? "" : "opacity-70"}`} />
          </Field>
          <Field label="Audience" name="audience" error={serverError("audience", audience)}>
            <Select name="audience" value={audience} onChange={(e) => setAudience(e.target.value)}>
              {AUDIENCES.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <Field label="Subject" name="subject" error={serverError("subject", subject)}>
          <TextInput name="subject" value={subject} onChange={(e) => setSubject(e.target.value)} error={serverError("subject", subject)} autoComplete="off" />
        </Field>
        <Field label="Body" name="body" error={serverError("body", body)}>
          <TextArea name="body" rows={14} value={body} onChange={(e) => setBody(e.target.value)} error={serverError("body", body)} className={`${inputClass} font-mono`} spellCheck={false} />
        </Field>
        <div aria-live="polite">
          {issues.length > 0 && !refusedAsTyped && (
            <div data-testid="template-issues" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200">
              <p className="font-semibold">{issues.length === 1 ? "1 problem" : `${issues.length} problems`} (saving will be refused)</p>
              <ul className="mt-1 list-disc space-y-1 pl-5 break-words">
                {issues.map((i) => (
                  <li key={i}>{i}</li>
                ))}
              </ul>
            </div>
          )}
        </div>
        <details className="rounded-md border border-slate-200 p-3 text-sm dark:border-slate-800">
          <summary className="cursor-pointer font-medium">Variables ({VARIABLE_NAMES.length})</summary>
          <ul className="mt-2 grid gap-1" aria-label="Variables">
            {VARIABLE_NAMES.map((v) => (
              <li key={v} className="flex flex-wrap items-baseline gap-x-2">
                <button type="button" onClick={() => insertVariable(v)} className="min-h-9 rounded px-1 font-mono text-sky-800 underline hover:bg-slate-100 dark:text-sky-300 dark:hover:bg-slate-800" aria-label={`Insert ${v}`}>
                  {`{{ ${v} }}`}
                </button>
                <span className="text-slate-600 dark:text-slate-400">{TEMPLATE_VARIABLES[v]}</span>
              </li>
            ))}
          </ul>
        </details>
        <Button type="submit" disabled={pending} className="w-full sm:w-auto">
          {pending ? "Saving…" : isNew ? "Create template" : "Save as new version"}
        </Button>
      </form>

      <section aria-labelledby={`${tabsId}-h`} className="min-w-0 space-y-3 lg:sticky lg:top-20 lg:self-start">
        <div className="flex flex-wrap items-end justify-between gap-2">
          <h2 id={`${tabsId}-h`} className="text-lg font-semibold">
            Preview
          </h2>
          <label className="text-sm">
            <span className="mr-2">Values from</span>
            <select
              aria-label="Values from"
              value={varsSource}
              onChange={(e) => router.replace(`/admin/templates?${new URLSearchParams({ ...(isNew ? { new: "1" } : { t: template.name }), ...(e.target.value ? { incident: e.target.value } : {}) }).toString()}`, { scroll: false })}
              className="min-h-9 max-w-56 rounded-md border border-slate-300 bg-white px-2 text-sm dark:border-slate-700 dark:bg-slate-900"
            >
              {sources.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div role="tablist" aria-label="Preview format" className="flex flex-wrap gap-1">
          {FORMATS.map((f) => (
            <button
              key={f}
              type="button"
              role="tab"
              id={`${tabsId}-${f}`}
              aria-selected={format === f}
              aria-controls={`${tabsId}-panel`}
              onClick={() => setFormat(f)}
              className={`min-h-9 rounded-md px-3 text-sm font-medium ${format === f ? "bg-sky-700 text-white" : "bg-slate-100 text-slate-800 hover:bg-slate-200 dark:bg-slate-800 dark:text-slate-200 dark:hover:bg-slate-700"}`}
            >
              {FORMAT_LABELS[f]}
            </button>
          ))}
        </div>
        <div role="tabpanel" id={`${tabsId}-panel`} aria-labelledby={`${tabsId}-${format}`} data-testid="template-preview">
          {preview ? (
            <div className="space-y-2">
              <FormatPreview format={format} message={preview} label={`${FORMAT_LABELS[format]} preview`} tall />
              {format !== "plain" && (
                <p className="text-xs text-slate-500 dark:text-slate-400">
                  Length with these values: <LengthMeter kind={format} message={preview} />
                </p>
              )}
            </div>
          ) : (
            <p className="rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">Fix the problems in the template to see the preview.</p>
          )}
        </div>
      </section>
    </div>
  );
}

function History({ name, current, history }: { name: string; current: number; history: TemplateVersionView[] }) {
  const [state, action, pending] = useActionState(restoreTemplateAction, initialState);
  return (
    <section aria-labelledby="history-h" className="space-y-3">
      <h2 id="history-h" className="text-lg font-semibold">
        Version history
      </h2>
      <FormMessage message={state.message} ok={state.ok} />
      <ol className="space-y-2" aria-label="Versions">
        {history.map((h) => (
          <li key={h.version} className="rounded-md border border-slate-200 dark:border-slate-800">
            <details>
              <summary className="flex min-h-11 cursor-pointer flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm">
                <span className="font-semibold">{h.version === 0 ? "Built-in text" : `Version ${h.version}`}</span>
                {h.version === current && <span className="rounded-full bg-emerald-100 px-2 text-xs font-semibold text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100">current</span>}
                <span className="text-slate-600 dark:text-slate-400">
                  {h.savedAt ? <RelativeTime iso={h.savedAt} /> : "shipped with Rollcall"}
                  {h.savedBy ? ` by ${h.savedBy}` : ""} · {h.audience}
                </span>
              </summary>
              <div className="space-y-2 border-t border-slate-200 p-3 dark:border-slate-800">
                <p className="text-sm break-words">
                  <span className="text-slate-500 dark:text-slate-400">Subject: </span>
                  {h.subject}
                </p>
                <pre className="max-h-64 overflow-auto rounded-md bg-slate-50 p-3 font-mono text-xs whitespace-pre-wrap break-words dark:bg-slate-950">{h.body}</pre>
                {h.version !== current && (
                  <form action={action}>
                    <input type="hidden" name="name" value={name} />
                    <input type="hidden" name="version" value={h.version} />
                    <Button type="submit" variant="secondary" disabled={pending}>
                      {h.version === 0 ? "Restore the built-in text" : `Restore version ${h.version}`}
                    </Button>
                  </form>
                )}
              </div>
            </details>
          </li>
        ))}
      </ol>
    </section>
  );
}
