"use client";
import { useActionState, useState } from "react";
import { sendMessageAction } from "@/lib/comms/actions";
import { initialState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, Select, TextArea, TextInput } from "@/components/ui/field";

export type ComposerTemplate = { name: string; title: string; audience: string; subject: string; body: string };
export type ComposerChannel = { id: string; name: string; kind: string };

/**
 * Pick a template: it arrives filled from the incident as it is now (rendered on the server);
 * edit, choose channels, send. Each channel escapes the text for itself when it delivers.
 */
export function Composer({ incidentKey, templates, channels }: { incidentKey: string; templates: ComposerTemplate[]; channels: ComposerChannel[] }) {
  const [state, action, pending] = useActionState(sendMessageAction, initialState);
  const [name, setName] = useState(templates[0]?.name ?? "");
  const t = templates.find((x) => x.name === name);
  const v = state.ok ? {} : (state.values ?? {});
  const e = state.fieldErrors ?? {};
  if (channels.length === 0) {
    return <p className="text-sm text-slate-600 dark:text-slate-400">No channels yet. An administrator adds Slack, Teams, email or webhook channels under Channels.</p>;
  }
  return (
    <form action={action} key={`${name}-${state.ok ? state.at : JSON.stringify(v)}`} className="space-y-3" aria-label="Send message">
      <input type="hidden" name="key" value={incidentKey} />
      <input type="hidden" name="templateName" value={name} />
      <input type="hidden" name="audience" value={t?.audience ?? "internal"} />
      <FormMessage message={state.message} ok={state.ok} />
      <label className="block text-sm font-medium">
        Template
        <Select name="template" value={name} onChange={(ev) => setName(ev.target.value)}>
          {templates.map((x) => (
            <option key={x.name} value={x.name}>
              {x.title} ({x.audience})
            </option>
          ))}
        </Select>
      </label>
      <Field label="Subject" name="subject" error={e.subject}>
        <TextInput name="subject" defaultValue={String(v.subject ?? t?.subject ?? "")} error={e.subject} />
      </Field>
      <Field label="Message" name="body" error={e.body}>
        <TextArea name="body" rows={8} defaultValue={String(v.body ?? t?.body ?? "")} error={e.body} className="font-mono text-sm" />
      </Field>
      <fieldset>
        <legend className="text-sm font-medium">Channels</legend>
        {channels.map((c) => (
          <label key={c.id} className="flex min-h-11 items-center gap-3 text-sm">
            <input type="checkbox" name="channelIds" value={c.id} className="h-5 w-5" />
            {c.name} <span className="text-xs text-slate-500">{c.kind}</span>
          </label>
        ))}
        {e.channelIds && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{e.channelIds.join(" ")}</p>}
      </fieldset>
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? "Sending…" : "Send"}
      </Button>
    </form>
  );
}
