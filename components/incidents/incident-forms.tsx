"use client";
import { useActionState, useState } from "react";
import { addNoteAction, changeStatusAction, updateImpactAction } from "@/lib/incidents/actions";
import { initialState } from "@/lib/action-state";
import { LIMITS, STATUS_LABELS, TRANSITIONS, type StatusName } from "@/lib/incidents/schemas";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, Select, TextArea, TextInput } from "@/components/ui/field";
import { useFocusOnSuccess } from "@/components/ui/focus-result";

export function StatusForm({ incidentKey, status, version, onStatusPage = false }: { incidentKey: string; status: StatusName; version: number; onStatusPage?: boolean }) {
  const [state, action, pending] = useActionState(changeStatusAction, initialState);
  const result = useFocusOnSuccess(state);
  // Rolling back follows a running rollback, never a person's choice; the forward step comes first.
  const options = TRANSITIONS[status].filter((s) => s !== "rolling_back").sort((a, b) => Number(isBackward(status, a)) - Number(isBackward(status, b)));
  const v = state.ok ? {} : (state.values ?? {});
  if (options.length === 0) {
    // Closing removes the form; this sentence is its result, so it takes the focus the button had.
    return (
      <p ref={result} tabIndex={-1} role="status" className="text-sm text-slate-600 dark:text-slate-400">
        {state.ok ? "Status updated. This incident is closed; its record is final." : "This incident is closed. Its record is final."}
      </p>
    );
  }
  return (
    <form action={action} key={`${version}-${JSON.stringify(v)}`} className="space-y-3" aria-label="Change status">
      <input type="hidden" name="key" value={incidentKey} />
      <input type="hidden" name="version" value={version} />
      <FormMessage message={state.message} ok={state.ok} focusRef={result} />
      <NextStatus current={status} options={options} initial={String(v.status ?? options[0])} error={state.fieldErrors?.status} onStatusPage={onStatusPage} />
      <Field label="Note (optional)" name="status-note" error={state.fieldErrors?.note}>
        <TextInput name="note" id="status-note" defaultValue={String(v.note ?? "")} maxLength={LIMITS.note + 100} />
      </Field>
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? "Updating…" : "Update status"}
      </Button>
    </form>
  );
}

const ORDER: Record<StatusName, number> = { detected: 0, investigating: 1, rolling_back: 2, monitoring: 3, resolved: 4, closed: 5 };

/** Backwards in the lifecycle: a reopen or a step back, which the form asks to confirm. */
function isBackward(from: StatusName, to: StatusName): boolean {
  return ORDER[to] < ORDER[from];
}

// Inside the keyed form, so the choice resets with it. Resolving an incident that is on the status
// page asks for a resolution update there; without one the page shows "Resolved" and the time.
function NextStatus({ current, options, initial, error, onStatusPage }: { current: StatusName; options: StatusName[]; initial: string; error?: string[]; onStatusPage: boolean }) {
  const [next, setNext] = useState(initial);
  const backward = isBackward(current, next as StatusName);
  return (
    <>
      <Field label="New status" name="status" error={error}>
        <Select name="status" defaultValue={initial} error={error} onChange={(e) => setNext(e.target.value)}>
          {options.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
              {isBackward(current, s) ? (current === "resolved" ? " (reopen)" : " (back)") : ""}
            </option>
          ))}
        </Select>
      </Field>
      {backward && (
        // Going back is allowed but never a slip of the finger.
        <label className="flex min-h-11 items-center gap-2 text-sm font-medium">
          <input type="checkbox" required className="size-5" />
          {current === "resolved" ? "Yes, reopen this incident" : `Yes, move this incident back to ${STATUS_LABELS[next as StatusName].toLowerCase()}`}
        </label>
      )}
      {next === "resolved" && onStatusPage && (
        <div role="note" aria-label="Resolution update" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
          <p>
            This incident is on the status page. Tell customers how it ended: post a resolution update (public status &ldquo;Resolved&rdquo;) in the Status page card.
          </p>
          <p className="mt-1">If its latest public update is not a resolution, the status page shows &ldquo;Resolved&rdquo; with the time resolved instead.</p>
          <a href="#resolution-update" className="mt-2 inline-block font-medium underline">
            Write the resolution update
          </a>
        </div>
      )}
    </>
  );
}

type Impact = { usersAffected: number | null; revenueImpact: string; dataLoss: string | null };

export function ImpactForm({ incidentKey, version, impact, editable }: { incidentKey: string; version: number; impact: Impact; editable: boolean }) {
  const [state, action, pending] = useActionState(updateImpactAction, initialState);
  const v = state.ok ? {} : (state.values ?? {});
  const e = state.fieldErrors ?? {};
  if (!editable) {
    // Who may not edit reads the impact as text, not as greyed-out boxes that look editable.
    const rows: [string, string][] = [
      ["Users affected", impact.usersAffected == null ? "not known yet" : impact.usersAffected.toLocaleString()],
      ["Revenue impact", impact.revenueImpact ? `$${Number(impact.revenueImpact).toLocaleString()}` : "not known yet"],
      ["Data loss", impact.dataLoss || "not known yet"],
    ];
    return (
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm" data-testid="impact-read">
        {rows.map(([k, val]) => (
          <div key={k} className="contents">
            <dt className="text-slate-600 dark:text-slate-400">{k}</dt>
            <dd className="font-medium">{val}</dd>
          </div>
        ))}
      </dl>
    );
  }
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
