"use client";
import { useActionState, useState } from "react";
import { requestRollbackAction } from "@/lib/approvals/actions";
import { initialState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, Select, TextArea, TextInput, inputClass } from "@/components/ui/field";

export type RollbackRunbook = {
  name: string;
  title: string;
  estimatedMinutes: number | null;
  /** One of the affected services' own rollback runbooks (offered first). */
  forService: boolean;
  parameters: { name: string; type: string; required: boolean; default: string; description: string }[];
  environments: { name: string; production: boolean; fixed: Record<string, string> }[];
};

type Props = {
  incidentKey: string;
  idempotencyKey: string;
  scopes: { id: string; label: string }[];
  defaultScope: string | null;
  defaultTarget: string;
  defaultRunbook: string;
  runbooks: RollbackRunbook[];
  /** The affected services' default parameter values: runbook → environment → parameter → value. */
  serviceDefaults: Record<string, Record<string, Record<string, string>>>;
  gateOpen: boolean;
};

/** "{{ env.DEMO_SERVICE_URL }}" is filled in from the server's settings when the request is made. */
function fixedHint(environment: string, value: string): string {
  const fromServer = [...value.matchAll(/\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1]);
  return fromServer.length
    ? `Fixed by the ${environment} environment: the server's ${fromServer.join(", ")}, filled in when you request.`
    : `Fixed by the ${environment} environment.`;
}

/**
 * A rollback request pins what will run: a runbook from the list (never free text), its parameters,
 * live or drill, and the environment. The server checks all of it before anything is saved.
 */
export function RequestRollbackForm(p: Props) {
  const [state, action, pending] = useActionState(requestRollbackAction, initialState);
  const v = state.ok ? {} : (state.values ?? {});
  return <Fields key={state.ok ? `ok-${state.at ?? 0}` : JSON.stringify(v)} p={p} state={state} v={v} action={action} pending={pending} />;
}

function Fields({ p, state, v, action, pending }: { p: Props; state: typeof initialState; v: Record<string, string | string[]>; action: (f: FormData) => void; pending: boolean }) {
  const e = state.fieldErrors ?? {};
  const ordered = [...p.runbooks].sort((a, b) => Number(b.forService) - Number(a.forService));
  const [name, setName] = useState(String(v.runbook ?? (p.defaultRunbook || ordered[0]?.name || "")));
  const rb = p.runbooks.find((r) => r.name === name);
  const [mode, setMode] = useState(String(v.mode ?? "live"));
  const envs = rb?.environments ?? [];
  const [envName, setEnvName] = useState(String(v.environment ?? envs.find((x) => (mode === "drill" ? !x.production : x.production))?.name ?? envs[0]?.name ?? "production"));
  const env = envs.find((x) => x.name === envName) ?? envs[0];
  const gated = !(mode === "drill" && env && !env.production) && !p.gateOpen;
  const chooseRunbook = (next: string) => {
    setName(next);
    const nextEnvs = p.runbooks.find((r) => r.name === next)?.environments ?? [];
    if (!nextEnvs.some((x) => x.name === envName)) setEnvName(nextEnvs[0]?.name ?? "production");
  };

  if (p.runbooks.length === 0) {
    return <p className="text-sm text-slate-600 dark:text-slate-400">No runbooks are loaded, so nothing can be rolled back from here. An administrator adds runbooks to RUNBOOKS_DIR.</p>;
  }
  return (
    <form action={action} className="space-y-3" aria-label="Request rollback">
      <input type="hidden" name="key" value={p.incidentKey} />
      <input type="hidden" name="idempotencyKey" value={p.idempotencyKey} />
      <FormMessage message={state.message} ok={state.ok} />
      <Field label="Runbook" name="rollback-runbook" error={e.runbook}>
        <Select id="rollback-runbook" name="runbook" value={name} onChange={(ev) => chooseRunbook(ev.target.value)} error={e.runbook}>
          {ordered.some((r) => r.forService) && (
            <optgroup label="For the affected services">
              {ordered.filter((r) => r.forService).map((r) => (
                <option key={r.name} value={r.name}>
                  {r.title}
                  {r.estimatedMinutes ? ` (~${r.estimatedMinutes} min)` : ""}
                </option>
              ))}
            </optgroup>
          )}
          <optgroup label={ordered.some((r) => r.forService) ? "Other runbooks" : "Runbooks"}>
            {ordered.filter((r) => !r.forService).map((r) => (
              <option key={r.name} value={r.name}>
                {r.title}
                {r.estimatedMinutes ? ` (~${r.estimatedMinutes} min)` : ""}
              </option>
            ))}
          </optgroup>
        </Select>
      </Field>
      {/* Side by side only where the card is wide (tablet); in the narrow side column and on a phone the choices were clipped. */}
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-1">
        <Field label="Mode" name="rollback-mode" error={e.mode}>
          <Select id="rollback-mode" name="mode" value={mode} onChange={(ev) => setMode(ev.target.value)}>
            <option value="live">Live rollback</option>
            <option value="drill">Drill (practice)</option>
          </Select>
        </Field>
        <Field label="Environment" name="rollback-environment" error={e.environment}>
          <Select id="rollback-environment" name="environment" value={env?.name ?? envName} onChange={(ev) => setEnvName(ev.target.value)} error={e.environment}>
            {envs.map((x) => (
              <option key={x.name} value={x.name}>
                {x.name}
                {x.production && x.name !== "production" ? " (production)" : ""}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      {mode === "drill" && env?.production && (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">A drill in production changes production: it needs the same approval as a live rollback.</p>
      )}
      <Field label="Roll back to" name="rollback-target" error={e.target} hint="Version, tag or backup: what the system should be after the rollback (default: last known good).">
        <TextInput id="rollback-target" name="target" defaultValue={String(v.target ?? p.defaultTarget)} error={e.target} />
      </Field>
      {rb?.parameters.map((param) => {
        const id = `rollback-param-${param.name}`;
        const err = e[`params.${param.name}`];
        const fixed = env?.fixed[param.name];
        const suggested = p.serviceDefaults[rb.name]?.[env?.name ?? ""]?.[param.name];
        return (
          <Field key={`${rb.name}-${env?.name}-${param.name}`} label={`${param.name}${param.required ? "" : " (optional)"}`} name={id} error={err} hint={fixed !== undefined ? fixedHint(env?.name ?? "", fixed) : param.description || param.type}>
            {fixed !== undefined ? (
              // Shown, never sent: the server applies the environment's value itself. Sending the
              // unresolved "{{ env.NAME }}" text made it look like an attempt to change a fixed value.
              <input id={id} value={fixed} readOnly aria-readonly="true" className={inputClass} />
            ) : (
              <TextInput
                id={id}
                name={`param.${param.name}`}
                defaultValue={String(v[`param.${param.name}`] ?? suggested ?? "")}
                placeholder={param.default || (param.type === "version" ? "the target above" : "")}
                error={err}
              />
            )}
          </Field>
        );
      })}
      <Field label="Scope" name="rollback-scope" error={e.scope}>
        <Select id="rollback-scope" name="scope" defaultValue={String(v.scope ?? p.defaultScope ?? "")} error={e.scope}>
          <option value="">{p.defaultScope ? "As the decision matrix says" : "Not assessed (no matrix rule matched)"}</option>
          {p.scopes.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Reason" name="rollback-reason" error={e.reason}>
        <TextArea id="rollback-reason" name="reason" rows={2} defaultValue={String(v.reason ?? "")} error={e.reason} placeholder="What you see and why rolling back fixes it" />
      </Field>
      <Button type="submit" variant="danger" disabled={pending} className="w-full">
        {pending ? "Sending…" : gated ? `Request ${mode === "drill" ? "drill" : "rollback"} approval` : mode === "drill" ? "Start drill now" : "Start rollback now"}
      </Button>
    </form>
  );
}
