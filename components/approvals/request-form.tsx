"use client";
import { useActionState } from "react";
import { requestRollbackAction } from "@/lib/approvals/actions";
import { initialState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, Select, TextArea, TextInput } from "@/components/ui/field";

type Props = {
  incidentKey: string;
  idempotencyKey: string;
  scopes: { id: string; label: string }[];
  defaultScope: string | null;
  defaultTarget: string;
  defaultRunbook: string;
  gateOpen: boolean;
};

export function RequestRollbackForm(p: Props) {
  const [state, action, pending] = useActionState(requestRollbackAction, initialState);
  const v = state.ok ? {} : (state.values ?? {});
  const e = state.fieldErrors ?? {};
  return (
    <form action={action} key={JSON.stringify(v)} className="space-y-3" aria-label="Request rollback">
      <input type="hidden" name="key" value={p.incidentKey} />
      <input type="hidden" name="idempotencyKey" value={p.idempotencyKey} />
      <FormMessage message={state.message} ok={state.ok} />
      <Field label="Scope" name="scope" error={e.scope}>
        <Select name="scope" defaultValue={String(v.scope ?? p.defaultScope ?? p.scopes[0]?.id ?? "")} error={e.scope}>
          {p.scopes.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Roll back to" name="target" error={e.target} hint="Version, tag or backup: what the system should be after the rollback.">
        <TextInput name="target" defaultValue={String(v.target ?? p.defaultTarget)} error={e.target} />
      </Field>
      <Field label="Runbook" name="runbook" error={e.runbook}>
        <TextInput name="runbook" defaultValue={String(v.runbook ?? p.defaultRunbook)} error={e.runbook} />
      </Field>
      <Field label="Reason" name="reason" error={e.reason}>
        <TextArea name="reason" rows={2} defaultValue={String(v.reason ?? "")} error={e.reason} placeholder="What you see and why rolling back fixes it" />
      </Field>
      <Button type="submit" variant="danger" disabled={pending} className="w-full">
        {pending ? "Sending…" : p.gateOpen ? "Start rollback now" : "Request rollback approval"}
      </Button>
    </form>
  );
}
