"use client";
import { useActionState } from "react";
import { updateServiceAction } from "@/lib/services/actions";
import { initialState } from "@/lib/action-state";
import type { ServiceRow } from "@/lib/services/queries";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, Select, TextInput } from "@/components/ui/field";

export function ServiceForm({ service }: { service: ServiceRow }) {
  const [state, action, pending] = useActionState(updateServiceAction, initialState);
  const v = state.ok ? {} : (state.values ?? {});
  const e = state.fieldErrors ?? {};
  const id = (f: string) => `${f}-${service.id}`;
  const val = (f: keyof ServiceRow) => String(v[f] ?? service[f] ?? "");
  return (
    <form action={action} key={JSON.stringify(v)} aria-label={`Edit ${service.name}`} className="grid grid-cols-2 gap-3 sm:grid-cols-6">
      <input type="hidden" name="id" value={service.id} />
      <div className="col-span-2 sm:col-span-6">
        <FormMessage message={state.message} ok={state.ok} />
      </div>
      <Field label="Tier" name={id("tier")} error={e.tier}>
        <Select name="tier" id={id("tier")} defaultValue={val("tier")}>
          {["Critical", "High", "Medium", "Low"].map((t) => (
            <option key={t}>{t}</option>
          ))}
        </Select>
      </Field>
      <Field label="RTO (min)" name={id("rtoMinutes")} error={e.rtoMinutes}>
        <TextInput name="rtoMinutes" id={id("rtoMinutes")} inputMode="numeric" defaultValue={val("rtoMinutes")} />
      </Field>
      <Field label="RPO (min)" name={id("rpoMinutes")} error={e.rpoMinutes}>
        <TextInput name="rpoMinutes" id={id("rpoMinutes")} inputMode="numeric" defaultValue={val("rpoMinutes")} />
      </Field>
      <Field label="Owner team" name={id("ownerTeam")} error={e.ownerTeam}>
        <TextInput name="ownerTeam" id={id("ownerTeam")} defaultValue={val("ownerTeam")} />
      </Field>
      <Field label="Current version" name={id("currentVersion")} error={e.currentVersion}>
        <TextInput name="currentVersion" id={id("currentVersion")} defaultValue={val("currentVersion")} />
      </Field>
      <Field label="Last known good" name={id("lastKnownGoodVersion")} error={e.lastKnownGoodVersion}>
        <TextInput name="lastKnownGoodVersion" id={id("lastKnownGoodVersion")} defaultValue={val("lastKnownGoodVersion")} />
      </Field>
      <div className="col-span-2 sm:col-span-6">
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? "Saving…" : `Save ${service.name}`}
        </Button>
      </div>
    </form>
  );
}
