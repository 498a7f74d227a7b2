"use client";
import { useActionState, useState } from "react";
import { startRunAction } from "@/lib/runs/actions";
import { initialState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, Select, TextInput } from "@/components/ui/field";

export type RunbookOption = {
  name: string;
  title: string;
  scope: string;
  estimatedMinutes: number | null;
  parameters: { name: string; type: string; required: boolean; default: string; description: string }[];
};

type Props = {
  incidentKey: string;
  runbooks: RunbookOption[];
  defaultRunbook: string | null;
  defaults: Record<string, string>;
};

/**
 * A dry run: plan every step and run the read-only prerequisites, changing nothing. Live rollbacks
 * and drills are requested in the Rollback card, which pins what runs.
 */
export function StartRunForm(p: Props) {
  const [state, action, pending] = useActionState(startRunAction, initialState);
  const v = state.ok ? {} : (state.values ?? {});
  const [name, setName] = useState(String(v.runbook ?? p.defaultRunbook ?? p.runbooks[0]?.name ?? ""));
  const rb = p.runbooks.find((r) => r.name === name);
  return (
    <form action={action} key={JSON.stringify(v)} className="space-y-3" aria-label="Plan a runbook">
      <input type="hidden" name="mode" value="dry_run" />
      <input type="hidden" name="key" value={p.incidentKey} />
      <FormMessage message={state.message} ok={state.ok} />
      {/* Own ids: the Rollback card's request form on the same page has a "runbook" field too. */}
      <Field label="Runbook" name="run-runbook" error={state.fieldErrors?.runbook}>
        <Select id="run-runbook" name="runbook" value={name} onChange={(e) => setName(e.target.value)}>
          {p.runbooks.map((r) => (
            <option key={r.name} value={r.name}>
              {r.title}
              {r.estimatedMinutes ? ` (~${r.estimatedMinutes} min)` : ""}
            </option>
          ))}
        </Select>
      </Field>
      {rb?.parameters.map((param) => {
        const id = `param.${param.name}`;
        const err = state.fieldErrors?.[`params.${param.name}`];
        return (
          <Field key={`${rb.name}-${param.name}`} label={`${param.name}${param.required ? "" : " (optional)"}`} name={id} error={err} hint={param.description || param.type}>
            <TextInput name={id} defaultValue={String(v[id] ?? p.defaults[param.name] ?? param.default ?? "")} error={err} />
          </Field>
        );
      })}
      <Button type="submit" variant="secondary" disabled={pending} className="w-full">
        {pending ? "Starting…" : "Start dry run"}
      </Button>
    </form>
  );
}
