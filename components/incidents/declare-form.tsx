"use client";
import Link from "next/link";
import { useActionState, useState } from "react";
import { evaluate, type LoadedPolicy } from "@/lib/policy/evaluate";
import { SeverityBadge } from "./badges";
import { declareIncidentAction } from "@/lib/incidents/actions";
import { initialState } from "@/lib/action-state";
import { LIMITS, SEVERITIES } from "@/lib/incidents/schemas";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, Select, TextArea, TextInput } from "@/components/ui/field";
import { LocalDateTimeInput } from "@/components/ui/local-datetime-input";

type Service = { id: string; name: string; tier: string };

export function DeclareForm({ services, loaded, openByService = {} }: { services: Service[]; loaded: LoadedPolicy | null; openByService?: Record<string, { key: string; title: string }[]> }) {
  const [state, action, pending] = useActionState(declareIncidentAction, initialState);
  return <Fields key={JSON.stringify(state.values ?? {})} services={services} loaded={loaded} openByService={openByService} state={state} action={action} pending={pending} />;
}

function Fields({ services, loaded, openByService, state, action, pending }: { services: Service[]; loaded: LoadedPolicy | null; openByService: Record<string, { key: string; title: string }[]>; state: typeof initialState; action: (f: FormData) => void; pending: boolean }) {
  const v = state.values ?? {};
  // A field's error goes away as soon as the person changes that field.
  const [edited, setEdited] = useState<Set<string>>(new Set());
  const e = Object.fromEntries(Object.entries(state.fieldErrors ?? {}).filter(([k]) => !edited.has(k)));
  const [facts, setFacts] = useState({ triggerId: String(v.triggerId ?? ""), users: String(v.usersAffectedPct ?? ""), fix: String(v.timeToFixMinutes ?? ""), severity: String(v.severity ?? "") });
  const [now] = useState(() => new Date());
  const rec = loaded
    ? evaluate(loaded, { trigger: facts.triggerId || null, usersAffectedPct: facts.users === "" ? null : Number(facts.users), timeToFixMinutes: facts.fix === "" ? null : Number(facts.fix) }, now)
    : null;
  const differs = Boolean(rec?.severity && facts.severity && rec.severity !== facts.severity);
  const [chosen, setChosen] = useState(() => new Set(Array.isArray(v.serviceIds) ? v.serviceIds : v.serviceIds ? [v.serviceIds] : []));
  const duplicates = [...chosen].flatMap((id) => (openByService[id] ?? []).map((i) => ({ ...i, service: services.find((s) => s.id === id)?.name ?? "" })));
  const severityShown = facts.severity || rec?.severity || "";
  const onEdit = (name: string) => setEdited((prev) => (prev.has(name) ? prev : new Set(prev).add(name)));
  // Re-mounted (by the parent) with the submitted values, so nothing typed is lost when the server refuses it.
  return (
    <form
      action={action}
      className="space-y-5"
      aria-label="Declare incident"
      noValidate
      onChange={(ev) => {
        const name = (ev.target as unknown as { name?: string }).name;
        if (name) onEdit(name);
      }}
    >
      <FormMessage message={state.message} ok={state.ok} />
      <Field label="Title" name="title" error={e.title} hint={`What is broken, in one line (max ${LIMITS.title}).`}>
        <TextInput name="title" defaultValue={String(v.title ?? "")} error={e.title} maxLength={LIMITS.title + 50} autoFocus />
      </Field>
      {loaded && loaded.policy.triggers.length > 0 && (
        <Field label="Trigger" name="triggerId" error={e.triggerId} hint="The row of the decision matrix that matches; the recommendation follows.">
          <Select name="triggerId" defaultValue={facts.triggerId} error={e.triggerId} onChange={(ev) => setFacts({ ...facts, triggerId: ev.target.value })}>
            <option value="">Other: describe it below</option>
            {loaded.policy.triggers.map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </Select>
        </Field>
      )}
      {!facts.triggerId && (
        <Field label="Describe the trigger" name="trigger" error={e.trigger} hint="What tripped it: an alert, a metric, a report.">
          <TextInput name="trigger" defaultValue={String(v.trigger ?? "")} error={e.trigger} placeholder="Error rate > 5% for 5 minutes" />
        </Field>
      )}
      <div className="grid grid-cols-2 gap-3">
        <Field label="Users affected (%)" name="usersAffectedPct" error={e.usersAffectedPct}>
          <TextInput name="usersAffectedPct" inputMode="decimal" defaultValue={facts.users} error={e.usersAffectedPct} onChange={(ev) => setFacts({ ...facts, users: ev.target.value })} />
        </Field>
        <Field label="Time to fix (min)" name="timeToFixMinutes" error={e.timeToFixMinutes}>
          <TextInput name="timeToFixMinutes" inputMode="numeric" defaultValue={facts.fix} error={e.timeToFixMinutes} onChange={(ev) => setFacts({ ...facts, fix: ev.target.value })} />
        </Field>
      </div>
      {rec && (
        <section aria-label="Recommendation" aria-live="polite" className="rounded-md border border-sky-300 bg-sky-50 p-3 text-sm dark:border-sky-800 dark:bg-sky-950/40">
          {rec.severity ? (
            <>
              <p className="flex flex-wrap items-center gap-2 font-semibold">
                Matrix recommends <SeverityBadge severity={rec.severity} /> {rec.scope?.label}
                {rec.responseMinutes ? ` · respond within ${rec.responseMinutes} min` : ""}
              </p>
              <p className="mt-1">{rec.reasons.find((r) => r.decisive)?.text}</p>
              <p className="mt-1 text-slate-600 dark:text-slate-400">
                {rec.approval?.mode === "none" ? "On-call may start the rollback at once." : `Rollback needs approval by ${rec.approval?.roles.join(" or ")}.`}
              </p>
            </>
          ) : (
            <p>No matrix row matches yet. Choose a trigger, or assess the severity yourself.</p>
          )}
        </section>
      )}
      <Field label="Severity" name="severity" error={e.severity}>
        <Select name="severity" value={severityShown} error={e.severity} onChange={(ev) => setFacts({ ...facts, severity: ev.target.value })}>
          <option value="" disabled>
            Choose…
          </option>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </Select>
      </Field>
      {(differs || e.severityReason) && (
        <Field label="Why a different severity than the matrix?" name="severityReason" error={e.severityReason} hint="Recorded on the timeline.">
          <TextInput name="severityReason" defaultValue={String(v.severityReason ?? "")} error={e.severityReason} />
        </Field>
      )}
      <fieldset className="space-y-2" aria-describedby={e.serviceIds ? "serviceIds-error" : undefined}>
        <legend className="text-sm font-medium">Affected services</legend>
        <div className="grid grid-cols-1 gap-2 sm:grid-cols-2">
          {services.map((s) => (
            <label key={s.id} className="flex min-h-11 items-center gap-3 rounded-md border border-slate-300 px-3 py-2 dark:border-slate-700">
              <input
                type="checkbox"
                name="serviceIds"
                value={s.id}
                checked={chosen.has(s.id)}
                onChange={(ev) => setChosen((prev) => {
                  const next = new Set(prev);
                  if (ev.target.checked) next.add(s.id);
                  else next.delete(s.id);
                  return next;
                })}
                className="h-5 w-5"
              />
              <span className="font-medium">{s.name}</span>
              <span className="ml-auto text-xs text-slate-600 dark:text-slate-400">{s.tier}</span>
            </label>
          ))}
        </div>
        {duplicates.length > 0 && (
          <div role="status" className="rounded-md border border-amber-400 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-600 dark:bg-amber-950 dark:text-amber-100">
            <p className="font-semibold">Already open on {[...new Set(duplicates.map((d) => d.service))].join(", ")}:</p>
            <ul className="mt-1 list-disc pl-5">
              {duplicates.map((d) => (
                <li key={`${d.service}-${d.key}`}>
                  <Link href={`/incidents/${d.key}`} className="underline">
                    {d.key}: {d.title}
                  </Link>
                </li>
              ))}
            </ul>
            <p className="mt-1">If it is the same problem, add to that incident instead of declaring a second one.</p>
          </div>
        )}
        {e.serviceIds && (
          <p id="serviceIds-error" role="alert" className="text-sm font-medium text-red-700 dark:text-red-400">
            {e.serviceIds.join(" ")}
          </p>
        )}
      </fieldset>
      <Field label="Summary" name="summary" error={e.summary} hint="Optional: what you know so far.">
        <TextArea name="summary" rows={4} defaultValue={String(v.summary ?? "")} error={e.summary} />
      </Field>
      <Field label="Detected at (optional)" name="detectedAt" error={e.detectedAt} hint="When the problem started, if earlier than now.">
        <LocalDateTimeInput name="detectedAt" defaultIso={v.detectedAt ? String(v.detectedAt) : undefined} error={e.detectedAt} />
      </Field>
      <Button type="submit" variant="danger" disabled={pending} className="w-full sm:w-auto">
        {pending ? "Declaring…" : "Declare incident"}
      </Button>
    </form>
  );
}
