"use client";
import { useActionState, useState } from "react";
import { planRunbookAction } from "@/lib/runbooks/actions";
import type { PlanView } from "@/lib/runbooks/show-plan";
import type { ActionState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, FormMessage, Select, TextInput, inputClass } from "@/components/ui/field";

export type PlanFormProps = {
  runbook: string;
  parameters: { name: string; type: string; required: boolean; default: string; description: string }[];
  /** Each environment with its fixed values as this server resolves them. */
  environments: { name: string; production: boolean; fixed: Record<string, string> }[];
  /** Values to start from (a link may carry them); nothing is planned until the form is sent. */
  initial: Record<string, string>;
};

const initialPlanState: ActionState<PlanView> = { ok: false };

/** Planning looks at real systems (hosts, clusters, databases, flag stores), so it is a POST with run.start. */
export function PlanForm(p: PlanFormProps) {
  const [state, action, pending] = useActionState(planRunbookAction, initialPlanState);
  const typed = state.ok ? { environment: state.data?.environment ?? "", ...prefixed(state.data?.params ?? {}) } : (state.values ?? {});
  return (
    <>
      <Card>
        <Fields key={state.ok ? `ok-${state.data?.at ?? 0}` : JSON.stringify(typed)} p={p} state={state} typed={typed} action={action} pending={pending} />
      </Card>
      {state.ok && state.data && <PlanResult plan={state.data} />}
    </>
  );
}

function prefixed(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [`param.${k}`, v]));
}

function Fields({ p, state, typed, action, pending }: { p: PlanFormProps; state: ActionState<PlanView>; typed: Record<string, string | string[]>; action: (f: FormData) => void; pending: boolean }) {
  const e = state.fieldErrors ?? {};
  const [envName, setEnvName] = useState(String(typed.environment || p.environments[0]?.name || "production"));
  const env = p.environments.find((x) => x.name === envName) ?? p.environments[0];
  return (
    <form action={action} className="grid gap-3 sm:grid-cols-2" aria-label="Plan this runbook">
      <input type="hidden" name="runbook" value={p.runbook} />
      <div className="sm:col-span-2">
        <FormMessage message={state.message} ok={state.ok} />
        {e.runbook?.length ? (
          <ul role="alert" className="mt-2 list-disc pl-5 text-sm text-red-700 dark:text-red-400">
            {e.runbook.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        ) : null}
      </div>
      <Field label="Environment" name="plan-environment" error={e.environment}>
        <Select id="plan-environment" name="environment" value={env?.name ?? envName} onChange={(ev) => setEnvName(ev.target.value)} error={e.environment}>
          {p.environments.map((x) => (
            <option key={x.name} value={x.name}>
              {x.name}
              {x.production && x.name !== "production" ? " (production)" : ""}
            </option>
          ))}
        </Select>
      </Field>
      {p.parameters.map((param) => {
        const id = `plan-param-${param.name}`;
        const err = e[`params.${param.name}`];
        const fixed = env?.fixed[param.name];
        return (
          <Field key={`${env?.name}-${param.name}`} label={`${param.name}${param.required ? "" : " (optional)"}`} name={id} error={err} hint={fixed !== undefined ? `Fixed by the ${env?.name} environment.` : param.description || param.type}>
            {fixed !== undefined ? (
              <input id={id} value={fixed} readOnly aria-readonly="true" className={inputClass} />
            ) : (
              <TextInput id={id} name={`param.${param.name}`} defaultValue={String(typed[`param.${param.name}`] ?? p.initial[param.name] ?? "")} placeholder={param.default} error={err} />
            )}
          </Field>
        );
      })}
      <div className="sm:col-span-2">
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? "Planning…" : "Plan"}
        </Button>
        <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">Each step says what it would do and checks what it can without changing anything (hosts resolve, backups exist, flags are there).</p>
      </div>
    </form>
  );
}

function PlanResult({ plan }: { plan: PlanView }) {
  return (
    <Card aria-label="Plan">
      <h2 className="mb-2 font-semibold">
        Plan for {plan.environment} (no side effects) · v{plan.version}
      </h2>
      <ol className="space-y-3">
        {plan.steps.map((s) => (
          <li key={s.id} className="text-sm">
            <p className="font-medium">
              {s.section === "steps" ? "" : `${s.section}: `}
              {s.title}{" "}
              <span className="text-xs text-slate-600 dark:text-slate-400">
                ({s.executor}
                {s.idempotent ? ", idempotent" : ""})
              </span>
            </p>
            <p className="text-slate-600 dark:text-slate-400">{s.summary}</p>
            <ul className="ml-4 list-disc font-mono text-xs break-all">
              {s.actions.map((a, i) => (
                <li key={i}>{a}</li>
              ))}
            </ul>
            {s.checks.map((c, i) => (
              <p key={i} className={`font-mono text-xs break-all ${c.ok ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}`}>
                {c.ok ? "ok" : "FAIL"} {c.name}: {c.detail}
              </p>
            ))}
          </li>
        ))}
      </ol>
    </Card>
  );
}
