"use client";
import { useActionState } from "react";
import { addNoteAction, changeStatusAction, updateImpactAction } from "@/lib/incidents/actions";
import { initialState } from "@/lib/action-state";
import { LIMITS, STATUS_LABELS, TRANSITIONS, type StatusName } from "@/lib/incidents/schemas";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, Select, TextArea, TextInput } from "@/components/ui/field";

export function StatusForm({ incidentKey, status, version }: { incidentKey: string; status: StatusName; version: number }) {
  const [state, action, pending] = useActionState(changeStatusAction, initialState);
  const options = TRANSITIONS[status];
  const v = state.ok ? {} : (state.values ?? {});
  if (options.length === 0) return <p className="text-sm text-slate-600 dark:text-slate-400">This incident is closed. Its record is final.</p>;
  return (
    <form action={action} key={`${version}-${JSON.stringify(v)}`} className="space-y-3" aria-label="Change status">
      <input type="hidden" name="key" value={incidentKey} />
      <input type="hidden" name="version" value={version} />
      <FormMessage message={state.message} ok={state.ok} />
      <Field label="New status" name="status" error={state.fieldErrors?.status}>
        <Select name="status" defaultValue={String(v.status ?? options[0])} error={state.fieldErrors?.status}>
          {options.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Note (optional)" name="status-note" error={state.fieldErrors?.note}>
        <TextInput name="note" id="status-note" defaultValue={String(v.note ?? "")} maxLength={LIMITS.note + 100} />
      </Field>
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? "Updating…" : "Update status"}
      </Button>
    </form>
  );
}

type Impact = { usersAffected: number | null; revenueImpact: string; dataLoss: string | null };

export function ImpactForm({ incidentKey, version, impact, editable }: { incidentKey: string; version: number; impact: Impact; editable: boolean }) {
  const [state, action, pending] = useActionState(updateImpactAction, initialState);
  const v = state.ok ? {} : (state.values ?? {});
  const e = state.fieldErrors ?? {};
  return (
    <form action={action} key={`${version}-${JSON.stringify(v)}`} className="space-y-3" aria-label="Impact">
      <input type="hidden" name="key" value={incidentKey} />
      <input type="hidden" name="version" value={version} />
      <FormMessage message={state.message} ok={state.ok} />
      <Field label="Users affected" name="usersAffected" error={e.usersAffected}>
        <TextInput name="usersAffected" inputMode="numeric" disabled={!editable} defaultValue={String(v.usersAffected ?? impact.usersAffected ?? "")} error={e.usersAffected} />
      </Field>
      <Field label="Revenue impact (USD)" name="revenueImpact" error={e.revenueImpact}>
        <TextInput name="revenueImpact" inputMode="decimal" disabled={!editable} defaultValue={String(v.revenueImpact ?? impact.revenueImpact)} error={e.revenueImpact} />
      </Field>
      <Field label="Data loss" name="dataLoss" error={e.dataLoss} hint="For example: none, or “orders 14:02–14:09 not persisted”.">
        <TextInput name="dataLoss" disabled={!editable} defaultValue={String(v.dataLoss ?? impact.dataLoss ?? "")} error={e.dataLoss} maxLength={LIMITS.dataLoss + 100} />
      </Field>
      {editable && (
        <Button type="submit" variant="secondary" disabled={pending} className="w-full">
          {pending ? "Saving…" : "Save impact"}
        </Button>
      )}
    </form>
  );
}

export function NoteForm({ incidentKey }: { incidentKey: string }) {
  const [state, action, pending] = useActionState(addNoteAction, initialState);
  const v = state.ok ? {} : (state.values ?? {});
  return (
    <form action={action} key={state.ok ? `ok-${state.at}` : JSON.stringify(v)} className="space-y-2" aria-label="Add note">
      <input type="hidden" name="key" value={incidentKey} />
      <FormMessage message={state.ok ? undefined : state.message} />
      <Field label="Add to the timeline" name="note" error={state.fieldErrors?.note}>
        <TextArea name="note" rows={2} defaultValue={String(v.note ?? "")} error={state.fieldErrors?.note} placeholder="What did you see or do?" />
      </Field>
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Adding…" : "Add note"}
      </Button>
    </form>
  );
}
