"use client";
import { useActionState, useState } from "react";
import { createServiceAction, setServiceVersionsAction, updateServiceAction } from "@/lib/services/actions";
import { initialState, type ActionState } from "@/lib/action-state";
import type { ServiceRow } from "@/lib/services/queries";
import { SERVICE_TIERS } from "@/lib/services/schemas";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, Select, TextArea, TextInput } from "@/components/ui/field";
import { RunbookPicker, type PickedRunbook, type RunbookChoice } from "./runbook-picker";

type Values = Record<string, string | string[]>;

function parsePicked(raw: unknown, fallback: PickedRunbook[]): PickedRunbook[] {
  if (typeof raw !== "string") return fallback;
  try {
    const v = JSON.parse(raw) as unknown;
    return Array.isArray(v) ? (v as PickedRunbook[]) : fallback;
  } catch {
    return fallback;
  }
}

function errorsUnder(e: Record<string, string[]>, prefix: string): string[] | undefined {
  const all = Object.entries(e).flatMap(([k, v]) => (k === prefix || k.startsWith(`${prefix}.`) ? v : []));
  return all.length ? all : undefined;
}

/** Create (no service) or edit a hand-managed service. Keeps what was typed when the server refuses. */
export function ServiceForm({ service, runbooks }: { service?: ServiceRow; runbooks: RunbookChoice[] }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(service ? updateServiceAction : createServiceAction, initialState);
  // A successful create clears the form; an error re-mounts it with what was typed.
  const v: Values = state.ok ? {} : (state.values ?? {});
  const formKey = state.ok ? `ok-${state.at ?? 0}` : JSON.stringify(v);
  return <ServiceFields key={formKey} service={service} runbooks={runbooks} state={state} values={v} action={action} pending={pending} />;
}

function ServiceFields({ service, runbooks, state, values: v, action, pending }: { service?: ServiceRow; runbooks: RunbookChoice[]; state: ActionState; values: Values; action: (f: FormData) => void; pending: boolean }) {
  const e = state.fieldErrors ?? {};
  const p = service?.id ?? "new";
  const id = (f: string) => `svc-${p}-${f}`;
  const val = (f: keyof ServiceRow, fallback = "") => {
    if (typeof v[f] === "string") return v[f];
    const current = service?.[f];
    if (Array.isArray(current)) return current.join(", ");
    return current === null || current === undefined ? fallback : String(current);
  };
  const [environments, setEnvironments] = useState(val("environments", "production"));
  const envList = environments.split(/[\s,]+/).filter(Boolean);
  const [onStatusPage, setOnStatusPage] = useState(typeof v.onStatusPageShown === "string" ? v.onStatusPage === "on" : (service?.onStatusPage ?? true));
  const name = service?.name ?? "service";
  return (
    <form action={action} aria-label={service ? `Edit ${service.name}` : "Add a service"} className="grid grid-cols-2 gap-3 sm:grid-cols-6">
      {service && <input type="hidden" name="id" value={service.id} />}
      <div className="col-span-2 sm:col-span-6">
        <FormMessage message={state.message} ok={state.ok} />
      </div>
      <div className="col-span-2 sm:col-span-3">
        <Field label="Name" name={id("name")} error={e.name}>
          <TextInput name="name" id={id("name")} defaultValue={val("name")} error={e.name} required autoComplete="off" />
        </Field>
      </div>
      <div className="col-span-2 sm:col-span-3">
        <Field label="Owner team" name={id("ownerTeam")} error={e.ownerTeam}>
          <TextInput name="ownerTeam" id={id("ownerTeam")} defaultValue={val("ownerTeam")} error={e.ownerTeam} required />
        </Field>
      </div>
      <div className="col-span-2 sm:col-span-2">
        <Field label="Tier" name={id("tier")} error={e.tier}>
          <Select name="tier" id={id("tier")} defaultValue={val("tier", "Medium")} error={e.tier}>
            {SERVICE_TIERS.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </Select>
        </Field>
      </div>
      <Field label="RTO (minutes)" name={id("rtoMinutes")} error={e.rtoMinutes} hint="Longest it may be down">
        <TextInput name="rtoMinutes" id={id("rtoMinutes")} inputMode="numeric" defaultValue={val("rtoMinutes")} error={e.rtoMinutes} required />
      </Field>
      <Field label="RPO (minutes)" name={id("rpoMinutes")} error={e.rpoMinutes} hint="Most data it may lose">
        <TextInput name="rpoMinutes" id={id("rpoMinutes")} inputMode="numeric" defaultValue={val("rpoMinutes")} error={e.rpoMinutes} required />
      </Field>
      <Field label="Verification window (minutes)" name={id("verificationWindowMinutes")} error={e.verificationWindowMinutes} hint="A deployed version that runs this long with no incident or firing alert is verified good">
        <TextInput name="verificationWindowMinutes" id={id("verificationWindowMinutes")} inputMode="numeric" defaultValue={val("verificationWindowMinutes", "30")} error={e.verificationWindowMinutes} required />
      </Field>
      <div className="col-span-2 sm:col-span-2">
        <Field label="Environments" name={id("environments")} error={errorsUnder(e, "environments")} hint="Comma-separated, e.g. production, staging">
          <TextInput name="environments" id={id("environments")} value={environments} onChange={(ev) => setEnvironments(ev.target.value)} error={errorsUnder(e, "environments")} />
        </Field>
      </div>
      <div className="col-span-2 sm:col-span-6">
        <Field label="Description" name={id("description")} error={e.description}>
          <TextArea name="description" id={id("description")} rows={2} defaultValue={val("description")} error={e.description} />
        </Field>
      </div>
      <div className="col-span-2 sm:col-span-3">
        <Field label="Current version" name={id("currentVersion")} error={e.currentVersion}>
          <TextInput name="currentVersion" id={id("currentVersion")} defaultValue={val("currentVersion")} error={e.currentVersion} />
        </Field>
      </div>
      <div className="col-span-2 sm:col-span-3">
        <Field label="Last known good version" name={id("lastKnownGoodVersion")} error={e.lastKnownGoodVersion}>
          <TextInput name="lastKnownGoodVersion" id={id("lastKnownGoodVersion")} defaultValue={val("lastKnownGoodVersion")} error={e.lastKnownGoodVersion} />
        </Field>
      </div>
      <div className="col-span-2 sm:col-span-3">
        <Field label="Lifecycle (optional)" name={id("lifecycle")} error={e.lifecycle} hint="e.g. production, experimental">
          <TextInput name="lifecycle" id={id("lifecycle")} defaultValue={val("lifecycle")} error={e.lifecycle} />
        </Field>
      </div>
      <div className="col-span-2 sm:col-span-3">
        <Field label="System (optional)" name={id("system")} error={e.system}>
          <TextInput name="system" id={id("system")} defaultValue={val("system")} error={e.system} />
        </Field>
      </div>
      <div className="col-span-2 space-y-2 sm:col-span-6">
        <input type="hidden" name="onStatusPageShown" value="1" />
        <label className="flex min-h-11 items-center gap-2 text-sm font-medium">
          <input type="checkbox" name="onStatusPage" checked={onStatusPage} onChange={(ev) => setOnStatusPage(ev.target.checked)} className="size-5" />
          Show on the public status page
        </label>
        {onStatusPage && (
          <Field label="Public name (optional)" name={id("publicName")} error={e.publicName} hint={`What customers read; default: the name above`}>
            <TextInput name="publicName" id={id("publicName")} defaultValue={val("publicName")} error={e.publicName} />
          </Field>
        )}
      </div>
      <div className="col-span-2 sm:col-span-6">
        <RunbookPicker idPrefix={`svc-${p}`} choices={runbooks} environments={envList} initial={parsePicked(v.runbooks, service?.runbooks ?? [])} errors={errorsUnder(e, "runbooks")} />
      </div>
      <div className="col-span-2 sm:col-span-6">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : service ? `Save ${name}` : "Add service"}
        </Button>
      </div>
    </form>
  );
}

/** File-managed services: only the versions (facts about deployments) are edited here. */
export function VersionsForm({ service }: { service: ServiceRow }) {
  const [state, action, pending] = useActionState(setServiceVersionsAction, initialState);
  const v = state.ok ? {} : (state.values ?? {});
  const e = state.fieldErrors ?? {};
  const id = (f: string) => `ver-${service.id}-${f}`;
  return (
    <form action={action} key={JSON.stringify(v)} aria-label={`Versions of ${service.name}`} className="grid grid-cols-2 gap-3">
      <input type="hidden" name="id" value={service.id} />
      <div className="col-span-2">
        <FormMessage message={state.message} ok={state.ok} />
      </div>
      <Field label="Current version" name={id("currentVersion")} error={e.currentVersion}>
        <TextInput name="currentVersion" id={id("currentVersion")} defaultValue={String(v.currentVersion ?? service.currentVersion ?? "")} error={e.currentVersion} />
      </Field>
      <Field label="Last known good version" name={id("lastKnownGoodVersion")} error={e.lastKnownGoodVersion}>
        <TextInput name="lastKnownGoodVersion" id={id("lastKnownGoodVersion")} defaultValue={String(v.lastKnownGoodVersion ?? service.lastKnownGoodVersion ?? "")} error={e.lastKnownGoodVersion} />
      </Field>
      <div className="col-span-2">
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? "Saving…" : "Save versions"}
        </Button>
      </div>
    </form>
  );
}
