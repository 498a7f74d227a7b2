"use client";
import { useActionState, useState } from "react";
import { addChannelAction, updateChannelAction } from "@/lib/comms/actions";
import { initialState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, Select, TextInput } from "@/components/ui/field";

type Values = Record<string, string | string[]>;
type Errors = Record<string, string[]>;

const KIND_LABELS: Record<string, string> = {
  slack: "Slack incoming webhook",
  teams: "Microsoft Teams incoming webhook",
  email: "Email (SMTP)",
  webhook: "JSON webhook (HMAC-SHA256 signed)",
};

/**
 * The settings of one kind. With `masked` (editing), secret fields start blank and keep the
 * stored value unless something is typed; the masked value says which one is stored.
 */
function ConfigFields({ prefix, kind, v, e, masked }: { prefix: string; kind: string; v: Values; e: Errors; masked?: Record<string, string> }) {
  const id = (k: string) => `${prefix}-${k}`;
  const s = (k: string) => (typeof v[k] === "string" ? (v[k] as string) : "");
  const keep = (k: string) => (masked ? `Leave blank to keep the current value${masked[k] ? ` (${masked[k]})` : ""}.` : undefined);
  const secretProps = (k: string) => ({ id: id(k), name: k, type: "password", autoComplete: "off", error: e[k], placeholder: masked ? "Unchanged" : undefined });
  if (kind === "slack" || kind === "teams") {
    return (
      <Field label="Webhook URL (secret)" name={id("webhookUrl")} error={e.webhookUrl} hint={keep("webhookUrl")}>
        <TextInput {...secretProps("webhookUrl")} />
      </Field>
    );
  }
  if (kind === "email") {
    return (
      <>
        <Field label="SMTP URL (secret)" name={id("smtpUrl")} error={e.smtpUrl} hint={keep("smtpUrl") ?? "smtp://user:pass@host:587"}>
          <TextInput {...secretProps("smtpUrl")} />
        </Field>
        <Field label="From" name={id("from")} error={e.from}>
          <TextInput id={id("from")} name="from" defaultValue={s("from")} error={e.from} />
        </Field>
        <Field label="To (comma separated)" name={id("to")} error={e.to}>
          <TextInput id={id("to")} name="to" defaultValue={s("to")} error={e.to} />
        </Field>
      </>
    );
  }
  return (
    <>
      <Field label="URL" name={id("url")} error={e.url} hint={keep("url")}>
        {masked ? <TextInput {...secretProps("url")} type="text" /> : <TextInput id={id("url")} name="url" defaultValue={s("url")} error={e.url} />}
      </Field>
      <Field label="Signing secret (at least 16 characters)" name={id("secret")} error={e.secret} hint={keep("secret")}>
        <TextInput {...secretProps("secret")} />
      </Field>
    </>
  );
}

function ConfigError({ e }: { e: Errors }) {
  if (!e.config) return null;
  return (
    <p role="alert" className="text-sm text-red-700 dark:text-red-400">
      {e.config.join(" ")}
    </p>
  );
}

export function AddChannelForm() {
  const [state, action, pending] = useActionState(addChannelAction, initialState);
  const v = state.ok ? {} : (state.values ?? {});
  const e = state.fieldErrors ?? {};
  const [kind, setKind] = useState(String(v.kind ?? "slack"));
  const id = (k: string) => `new-channel-${k}`;
  return (
    <form action={action} key={state.ok ? `ok-${state.at}` : JSON.stringify(v)} className="grid gap-3 sm:grid-cols-2" aria-label="Add channel">
      <div className="sm:col-span-2">
        <FormMessage message={state.message} ok={state.ok} />
        <ConfigError e={e} />
      </div>
      <Field label="Name" name={id("name")} error={e.name}>
        <TextInput id={id("name")} name="name" defaultValue={String(v.name ?? "")} error={e.name} placeholder="#incidents" />
      </Field>
      <Field label="Kind" name={id("kind")} error={e.kind}>
        <Select id={id("kind")} name="kind" value={kind} onChange={(ev) => setKind(ev.target.value)}>
          {Object.entries(KIND_LABELS).map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </Select>
      </Field>
      <ConfigFields prefix="new-channel" kind={kind} v={v} e={e} />
      <div className="sm:col-span-2">
        <Button type="submit" disabled={pending}>
          {pending ? "Adding…" : "Add channel"}
        </Button>
      </div>
    </form>
  );
}

export type EditableChannel = { id: string; name: string; kind: string; config: Record<string, string> };

/** Rename a channel and change its settings; secrets are write-only (blank keeps them). */
export function EditChannelForm({ channel }: { channel: EditableChannel }) {
  const [state, action, pending] = useActionState(updateChannelAction, initialState);
  const saved: Values = { name: channel.name, from: channel.config.from ?? "", to: channel.config.to ?? "" };
  const v = state.ok || !state.values ? saved : state.values;
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  const prefix = `channel-${channel.id}`;
  return (
    <form action={action} key={state.ok ? `ok-${state.at}` : JSON.stringify(v)} aria-label={`Edit ${channel.name}`} className="grid gap-3 sm:grid-cols-2">
      <input type="hidden" name="channelId" value={channel.id} />
      <div className="sm:col-span-2">
        <FormMessage message={state.message} ok={state.ok} />
        <ConfigError e={e} />
      </div>
      <Field label="Name" name={`${prefix}-name`} error={e.name} hint="The policy names channels for automatic messages: if it names this one, update it too.">
        <TextInput id={`${prefix}-name`} name="name" defaultValue={String(v.name ?? "")} error={e.name} autoComplete="off" />
      </Field>
      <div className="space-y-1">
        <p className="text-sm font-medium">Kind</p>
        <p className="text-sm">{KIND_LABELS[channel.kind] ?? channel.kind}</p>
        <p className="text-xs text-slate-500 dark:text-slate-400">The kind cannot change: to switch, add a new channel and delete this one.</p>
        {e.kind && (
          <p role="alert" className="text-sm font-medium text-red-700 dark:text-red-400">
            {e.kind.join(" ")}
          </p>
        )}
      </div>
      <ConfigFields prefix={prefix} kind={channel.kind} v={v} e={e} masked={channel.config} />
      <div className="sm:col-span-2">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save changes"}
        </Button>
      </div>
    </form>
  );
}
