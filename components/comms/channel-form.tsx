"use client";
import { useActionState, useState } from "react";
import { addChannelAction } from "@/lib/comms/actions";
import { initialState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, Select, TextInput } from "@/components/ui/field";

export function AddChannelForm() {
  const [state, action, pending] = useActionState(addChannelAction, initialState);
  const v = state.ok ? {} : (state.values ?? {});
  const e = state.fieldErrors ?? {};
  const [kind, setKind] = useState(String(v.kind ?? "slack"));
  return (
    <form action={action} key={state.ok ? `ok-${state.at}` : JSON.stringify(v)} className="grid gap-3 sm:grid-cols-2" aria-label="Add channel">
      <div className="sm:col-span-2">
        <FormMessage message={state.message} ok={state.ok} />
        {e.config && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{e.config.join(" ")}</p>}
      </div>
      <Field label="Name" name="name" error={e.name}>
        <TextInput name="name" defaultValue={String(v.name ?? "")} error={e.name} placeholder="#incidents" />
      </Field>
      <Field label="Kind" name="kind" error={e.kind}>
        <Select name="kind" value={kind} onChange={(ev) => setKind(ev.target.value)}>
          <option value="slack">Slack incoming webhook</option>
          <option value="teams">Microsoft Teams incoming webhook</option>
          <option value="email">Email (SMTP)</option>
          <option value="webhook">JSON webhook (HMAC-SHA256 signed)</option>
        </Select>
      </Field>
      {(kind === "slack" || kind === "teams") && (
        <Field label="Webhook URL (secret)" name="webhookUrl">
          <TextInput name="webhookUrl" type="password" autoComplete="off" />
        </Field>
      )}
      {kind === "email" && (
        <>
          <Field label="SMTP URL (secret)" name="smtpUrl" hint="smtp://user:pass@host:587">
            <TextInput name="smtpUrl" type="password" autoComplete="off" />
          </Field>
          <Field label="From" name="from">
            <TextInput name="from" defaultValue={String(v.from ?? "")} />
          </Field>
          <Field label="To (comma separated)" name="to">
            <TextInput name="to" defaultValue={String(v.to ?? "")} />
          </Field>
        </>
      )}
      {kind === "webhook" && (
        <>
          <Field label="URL" name="url">
            <TextInput name="url" defaultValue={String(v.url ?? "")} />
          </Field>
          <Field label="Signing secret (at least 16 characters)" name="secret">
            <TextInput name="secret" type="password" autoComplete="off" />
          </Field>
        </>
      )}
      <div className="sm:col-span-2">
        <Button type="submit" disabled={pending}>
          {pending ? "Adding…" : "Add channel"}
        </Button>
      </div>
    </form>
  );
}
