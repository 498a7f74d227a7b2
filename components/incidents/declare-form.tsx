"use client";
import { useActionState } from "react";
import { declareIncidentAction } from "@/lib/incidents/actions";
import { initialState } from "@/lib/action-state";
import { LIMITS, SEVERITIES } from "@/lib/incidents/schemas";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, Select, TextArea, TextInput } from "@/components/ui/field";
import { LocalDateTimeInput } from "@/components/ui/local-datetime-input";

type Service = { id: string; name: string; tier: string };

export function DeclareForm({ services }: { services: Service[] }) {
  const [state, action, pending] = useActionState(declareIncidentAction, initialState);
  const v = state.values ?? {};
  const e = state.fieldErrors ?? {};
  const chosen = new Set(Array.isArray(v.serviceIds) ? v.serviceIds : v.serviceIds ? [v.serviceIds] : []);
  // Re-mount with the submitted values so nothing typed is lost when the server refuses it.
  return (
    <form action={action} key={JSON.stringify(v)} className="space-y-5" aria-label="Declare incident" noValidate>
      <FormMessage message={state.message} ok={state.ok} />
      <Field label="Title" name="title" error={e.title} hint={`What is broken, in one line (max ${LIMITS.title}).`}>
        <TextInput name="title" defaultValue={String(v.title ?? "")} error={e.title} maxLength={LIMITS.title + 50} autoFocus />
      </Field>
      <Field label="Severity" name="severity" error={e.severity}>
        <Select name="severity" defaultValue={String(v.severity ?? "")} error={e.severity}>
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
      <Field label="Trigger" name="trigger" error={e.trigger} hint="What tripped it: an alert, a metric, a report.">
        <TextInput name="trigger" defaultValue={String(v.trigger ?? "")} error={e.trigger} placeholder="Error rate > 5% for 5 minutes" />
      </Field>
      <fieldset className="space-y-2" aria-describedby={e.serviceIds ? "serviceIds-error" : undefined}>
        <legend className="text-sm font-medium">Affected services</legend>
        <div className="grid grid-cols-1 gap-2 sm:grid-cols-2">
          {services.map((s) => (
            <label key={s.id} className="flex min-h-11 items-center gap-3 rounded-md border border-slate-300 px-3 py-2 dark:border-slate-700">
              <input type="checkbox" name="serviceIds" value={s.id} defaultChecked={chosen.has(s.id)} className="h-5 w-5" />
              <span className="font-medium">{s.name}</span>
              <span className="ml-auto text-xs text-slate-500">{s.tier}</span>
            </label>
          ))}
        </div>
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
