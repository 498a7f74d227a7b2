"use client";
import { useActionState, useState } from "react";
import { saveEscalationPathAction } from "@/lib/contacts/actions";
import { initialState } from "@/lib/action-state";
import { stepsFromValues } from "@/lib/contacts/schemas";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, Select, TextInput } from "@/components/ui/field";

export type PathStep = { afterMinutes: string; role: string; approverRole: string; contactIds: string[] };
type Contact = { id: string; name: string; title: string; channels: number };

const APPROVER_ROLES = [
  ["", "Nobody more (just notify)"],
  ["oncall", "On-call engineer"],
  ["teamlead", "Team lead"],
  ["productowner", "Product owner"],
  ["admin", "Administrator"],
] as const;

export function EscalationPathForm({ steps, baseVersion, contacts }: { steps: PathStep[]; baseVersion: number; contacts: Contact[] }) {
  const [state, action, pending] = useActionState(saveEscalationPathAction, initialState);
  const typed = !state.ok && state.values ? stepsFromValues(state.values) : null;
  // Re-mount on every answer: a success shows the saved path, an error what was typed.
  return <PathRows key={state.ok ? `ok-${state.at}` : JSON.stringify(state.values ?? {})} initial={typed ?? steps} state={state} action={action} pending={pending} baseVersion={typed ? String(state.values?.baseVersion ?? baseVersion) : String(baseVersion)} contacts={contacts} />;
}

function PathRows({
  initial, state, action, pending, baseVersion, contacts,
}: {
  initial: PathStep[]; state: typeof initialState; action: (f: FormData) => void; pending: boolean; baseVersion: string; contacts: Contact[];
}) {
  const [rows, setRows] = useState(() => initial.map((r, i) => ({ ...r, key: i })));
  const [nextKey, setNextKey] = useState(initial.length);
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  const update = (key: number, patch: Partial<PathStep>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <form action={action} aria-label="Escalation path" className="space-y-4">
      <input type="hidden" name="baseVersion" value={baseVersion} />
      <FormMessage message={state.message} ok={state.ok} />
      {e.steps && <p role="alert" className="text-sm font-medium text-red-700 dark:text-red-400">{e.steps.join(" ")}</p>}
      <ol className="space-y-3">
        {rows.map((r, i) => {
          const f = (k: string) => `steps.${i}.${k}`;
          const id = (k: string) => `step-${r.key}-${k}`;
          return (
            <li key={r.key} aria-label={`Step ${i + 1}`} className="rounded-md border border-slate-200 p-3 dark:border-slate-700">
              <div className="mb-2 flex items-center justify-between gap-2">
                <h3 className="font-semibold">Step {i + 1}</h3>
                {rows.length > 1 && (
                  <Button type="button" variant="ghost" className="text-xs" onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))} aria-label={`Remove step ${i + 1}`}>
                    Remove
                  </Button>
                )}
              </div>
              <div className="grid gap-3 sm:grid-cols-3">
                <Field label="After (minutes)" name={id("after")} error={e[f("afterMinutes")]} hint={i === 0 ? "0: who a request goes to first" : "or the response target, if later"}>
                  <TextInput id={id("after")} name={f("afterMinutes")} type="number" min={0} step={1} inputMode="numeric" value={r.afterMinutes} onChange={(ev) => update(r.key, { afterMinutes: ev.target.value })} error={e[f("afterMinutes")]} />
                </Field>
                <Field label="Step name" name={id("role")} error={e[f("role")]}>
                  <TextInput id={id("role")} name={f("role")} value={r.role} onChange={(ev) => update(r.key, { role: ev.target.value })} error={e[f("role")]} placeholder="DevOps lead" />
                </Field>
                <Field label="May then decide" name={id("approver")} error={e[f("approverRole")]}>
                  <Select id={id("approver")} name={f("approverRole")} value={r.approverRole} onChange={(ev) => update(r.key, { approverRole: ev.target.value })} error={e[f("approverRole")]}>
                    {APPROVER_ROLES.map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </Select>
                </Field>
              </div>
              <fieldset className="mt-2">
                <legend className="text-sm font-medium">Contacts to reach</legend>
                {contacts.length === 0 && <p className="text-sm text-slate-600 dark:text-slate-400">Add contacts below first.</p>}
                <div className="mt-1 flex flex-wrap gap-x-4">
                  {contacts.map((c) => (
                    <label key={c.id} className="flex min-h-11 items-center gap-2 text-sm">
                      <input
                        type="checkbox"
                        name={f("contactIds")}
                        value={c.id}
                        checked={r.contactIds.includes(c.id)}
                        onChange={(ev) => update(r.key, { contactIds: ev.target.checked ? [...r.contactIds, c.id] : r.contactIds.filter((x) => x !== c.id) })}
                        className="h-4 w-4"
                      />
                      {c.name}
                      {c.channels === 0 && <span className="text-xs text-amber-800 dark:text-amber-300">(no channel)</span>}
                    </label>
                  ))}
                </div>
                {e[f("contactIds")] && <p role="alert" className="text-sm font-medium text-red-700 dark:text-red-400">{e[f("contactIds")]!.join(" ")}</p>}
              </fieldset>
            </li>
          );
        })}
      </ol>
      <div className="flex flex-wrap gap-2">
        <Button
          type="button"
          variant="secondary"
          disabled={rows.length >= 10}
          onClick={() => {
            const last = rows.at(-1);
            setRows((rs) => [...rs, { afterMinutes: String(last ? Number(last.afterMinutes || 0) + 15 : 0), role: "", approverRole: "", contactIds: [], key: nextKey }]);
            setNextKey((k) => k + 1);
          }}>
          Add step
        </Button>
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save escalation path"}
        </Button>
      </div>
    </form>
  );
}
