"use client";
import { useActionState } from "react";
import { createContactAction, deleteContactAction, updateContactAction } from "@/lib/contacts/actions";
import { initialState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, Select, TextInput } from "@/components/ui/field";

export type ChannelChoice = { id: string; name: string; kind: string; active: boolean };
export type UserChoice = { id: string; name: string; email: string };
export type ContactValues = { id: string; name: string; title: string; email: string; phone: string; note: string; userId: string | null; channelIds: string[] };

type Props = { channels: ChannelChoice[]; users: UserChoice[] };

function ContactFields({ prefix, v, e, channels, users }: Props & { prefix: string; v: Record<string, string | string[]>; e: Record<string, string[]> }) {
  const s = (k: string) => (typeof v[k] === "string" ? (v[k] as string) : "");
  const chosen = new Set(Array.isArray(v.channelIds) ? v.channelIds : v.channelIds ? [v.channelIds] : []);
  const id = (k: string) => `${prefix}-${k}`;
  return (
    <>
      <Field label="Name" name={id("name")} error={e.name}>
        <TextInput id={id("name")} name="name" defaultValue={s("name")} error={e.name} autoComplete="off" />
      </Field>
      <Field label="Role or title" name={id("title")} error={e.title}>
        <TextInput id={id("title")} name="title" defaultValue={s("title")} error={e.title} placeholder="DevOps Lead" />
      </Field>
      <Field label="Phone" name={id("phone")} error={e.phone}>
        <TextInput id={id("phone")} name="phone" type="tel" defaultValue={s("phone")} error={e.phone} placeholder="+1-555-0103" />
      </Field>
      <Field label="Email" name={id("email")} error={e.email}>
        <TextInput id={id("email")} name="email" type="text" inputMode="email" defaultValue={s("email")} error={e.email} />
      </Field>
      <Field label="When to call" name={id("note")} error={e.note} hint="Optional, for example: critical incidents over 30 min.">
        <TextInput id={id("note")} name="note" defaultValue={s("note")} error={e.note} />
      </Field>
      <Field label="Rollcall user" name={id("userId")} error={e.userId}>
        <Select id={id("userId")} name="userId" defaultValue={s("userId")} error={e.userId}>
          <option value="">Not a Rollcall user</option>
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name} ({u.email})
            </option>
          ))}
        </Select>
      </Field>
      <fieldset className="sm:col-span-2" aria-describedby={e.channelIds ? `${id("channelIds")}-error` : undefined}>
        <legend className="text-sm font-medium">Notification channels</legend>
        {channels.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            No channels yet. <a className="underline" href="/admin/channels">Add one</a> so escalations can reach this contact.
          </p>
        ) : (
          <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
            {channels.map((c) => (
              <label key={c.id} className="flex min-h-11 items-center gap-2 text-sm">
                <input type="checkbox" name="channelIds" value={c.id} defaultChecked={chosen.has(c.id)} className="h-4 w-4" />
                {c.name} <span className="text-xs text-slate-600 dark:text-slate-400">{c.kind}{c.active ? "" : ", inactive"}</span>
              </label>
            ))}
          </div>
        )}
        {e.channelIds && (
          <p id={`${id("channelIds")}-error`} role="alert" className="text-sm font-medium text-red-700 dark:text-red-400">
            {e.channelIds.join(" ")}
          </p>
        )}
      </fieldset>
    </>
  );
}

export function AddContactForm(props: Props) {
  const [state, action, pending] = useActionState(createContactAction, initialState);
  const v = state.ok ? {} : (state.values ?? {});
  const e = state.fieldErrors ?? {};
  return (
    <form action={action} key={state.ok ? `ok-${state.at}` : JSON.stringify(v)} aria-label="Add contact" className="grid gap-3 sm:grid-cols-2">
      <div className="sm:col-span-2">
        <FormMessage message={state.message} ok={state.ok} />
      </div>
      <ContactFields prefix="new-contact" v={v} e={e} {...props} />
      <div className="sm:col-span-2">
        <Button type="submit" disabled={pending}>
          {pending ? "Adding…" : "Add contact"}
        </Button>
      </div>
    </form>
  );
}

export function EditContactForm({ contact, ...props }: Props & { contact: ContactValues }) {
  const [state, action, pending] = useActionState(updateContactAction, initialState);
  const saved: Record<string, string | string[]> = { ...contact, userId: contact.userId ?? "" };
  const v = state.ok || !state.values ? saved : state.values;
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  return (
    <form action={action} key={state.ok ? `ok-${state.at}` : JSON.stringify(v)} aria-label={`Edit ${contact.name}`} className="grid gap-3 sm:grid-cols-2">
      <input type="hidden" name="contactId" value={contact.id} />
      <div className="sm:col-span-2">
        <FormMessage message={state.message} ok={state.ok} />
      </div>
      <ContactFields prefix={`contact-${contact.id}`} v={v} e={e} {...props} />
      <div className="sm:col-span-2">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : `Save ${contact.name}`}
        </Button>
      </div>
    </form>
  );
}

export function DeleteContactForm({ contact }: { contact: { id: string; name: string } }) {
  const [state, action, pending] = useActionState(deleteContactAction, initialState);
  return (
    <form
      action={action}
      aria-label={`Delete ${contact.name}`}
      onSubmit={(ev) => {
        if (!window.confirm(`Delete ${contact.name}? This cannot be undone.`)) ev.preventDefault();
      }}
      className="space-y-2">
      <input type="hidden" name="contactId" value={contact.id} />
      <Button type="submit" variant="danger" disabled={pending}>
        Delete
      </Button>
      {state.message && !state.ok && (
        <p role="alert" className="text-sm font-medium text-red-700 dark:text-red-400">
          {state.message}
        </p>
      )}
    </form>
  );
}
