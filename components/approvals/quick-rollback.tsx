"use client";
import { useActionState, useEffect } from "react";
import { requestRollbackAction } from "@/lib/approvals/actions";
import { initialState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, TextArea } from "@/components/ui/field";
import { cancelResult, expectResult } from "@/components/ui/focus-result";

export type QuickRollback = {
  incidentKey: string;
  idempotencyKey: string;
  services: string;
  runbook: { name: string; title: string };
  environment: string;
  target: string;
  /** The parameters the full form would send as it first opens (the environment's fixed ones stay on the server). */
  params: Record<string, string>;
  gateOpen: boolean;
  approvers: string | null;
  /** Where the command header's box is: focus goes there once the rollback is requested. */
  resultTarget: string;
};

/**
 * The command header's "roll back" when the incident waits for that decision: exactly what the
 * Rollback card's form would send with its defaults (the service's own runbook, live, production,
 * last known good), plus the one thing only a person can give, the reason. The server checks it
 * all the same; anything else (another runbook, a drill, other parameters) is the full form below.
 */
export function QuickRollbackForm(q: QuickRollback) {
  const [state, action, pending] = useActionState(requestRollbackAction, initialState);
  const v = state.ok ? {} : (state.values ?? {});
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  useEffect(() => {
    if (!state.ok && state.message) cancelResult(q.resultTarget);
  }, [state, q.resultTarget]);
  // Errors about fields this form does not show (a parameter, the runbook) are named in the message.
  const other = Object.entries(e).filter(([k]) => k !== "reason").map(([, m]) => m.join(" "));
  return (
    <form action={action} key={JSON.stringify(v)} onSubmit={() => expectResult(q.resultTarget)} className="mt-2 space-y-2" aria-label="Quick rollback">
      <input type="hidden" name="key" value={q.incidentKey} />
      <input type="hidden" name="idempotencyKey" value={q.idempotencyKey} />
      <input type="hidden" name="runbook" value={q.runbook.name} />
      <input type="hidden" name="mode" value="live" />
      <input type="hidden" name="environment" value={q.environment} />
      <input type="hidden" name="target" value={q.target} />
      <input type="hidden" name="scope" value="" />
      {Object.entries(q.params).map(([k, val]) => (
        <input key={k} type="hidden" name={`param.${k}`} value={val} />
      ))}
      <p className="text-sm">
        Roll back <strong>{q.services}</strong> to <strong className="font-mono">{q.target}</strong> with &ldquo;{q.runbook.title}&rdquo; in {q.environment}.{" "}
        {q.gateOpen ? "No approval needed." : `Needs approval${q.approvers ? ` by ${q.approvers}` : ""}.`}
      </p>
      <FormMessage message={state.ok ? undefined : [state.message, ...other].filter(Boolean).join(" ")} />
      <Field label="Why roll back?" name="quick-rollback-reason" error={e.reason}>
        <TextArea id="quick-rollback-reason" name="reason" rows={2} defaultValue={String(v.reason ?? "")} error={e.reason} placeholder="What you see and why rolling back fixes it" />
      </Field>
      <Button type="submit" variant="danger" disabled={pending} className="w-full sm:w-auto">
        {pending ? "Sending…" : q.gateOpen ? `Roll back to ${q.target} now` : `Ask approval to roll back to ${q.target}`}
      </Button>
    </form>
  );
}
