"use client";
import { useActionState, useState } from "react";
import { discardDraftAction, sendDraftAction } from "@/lib/comms/draft-actions";
import { initialState } from "@/lib/action-state";
import { isChannelKind } from "@/lib/comms/channels/format";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, inputClass, TextArea, TextInput } from "@/components/ui/field";
import { LengthMeter, lengthFor } from "./format-preview";
import type { ComposerChannel } from "./composer";
import { ChannelCheckboxes } from "./channel-checkboxes";

export type DraftItem = { id: string; label: string; audience: string; subject: string; body: string; channelNames: string[] };

/**
 * Messages Rollcall prepared when a rollback started, completed or failed: already filled in, the
 * policy's channels already ticked, so sending is one click. The text stays editable.
 */
export function DraftsPanel({ incidentKey, drafts, channels }: { incidentKey: string; drafts: DraftItem[]; channels: ComposerChannel[] }) {
  if (drafts.length === 0) return null;
  return (
    <section aria-label="Prepared messages" className="space-y-3">
      {drafts.map((d) => (
        <DraftCard key={d.id} incidentKey={incidentKey} draft={d} channels={channels} />
      ))}
    </section>
  );
}

function DraftCard({ incidentKey, draft, channels }: { incidentKey: string; draft: DraftItem; channels: ComposerChannel[] }) {
  const [state, send, sending] = useActionState(sendDraftAction, initialState);
  const [discardState, discard, discarding] = useActionState(discardDraftAction, initialState);
  const [subject, setSubject] = useState(draft.subject);
  const [body, setBody] = useState(draft.body);
  const [picked, setPicked] = useState<string[]>(channels.filter((c) => draft.channelNames.includes(c.name)).map((c) => c.id));
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  const chosen = channels.filter((c) => picked.includes(c.id));
  const tooLong = chosen.flatMap((c) => (isChannelKind(c.kind) && lengthFor(c.kind, { subject, body }).problem ? [c.name] : []));
  return (
    <article className="rounded-md border-2 border-amber-500 p-3 dark:border-amber-400" aria-label={`Draft: ${draft.label}`}>
      <p className="text-sm font-semibold">
        {draft.label}: message ready to send <span className="font-normal text-slate-600 dark:text-slate-400">({draft.audience})</span>
      </p>
      <FormMessage message={state.message ?? discardState.message} ok={state.ok || discardState.ok} />
      <form action={send} className="mt-2 space-y-3" aria-label={`Send draft: ${draft.label}`}>
        <input type="hidden" name="key" value={incidentKey} />
        <input type="hidden" name="messageId" value={draft.id} />
        <Field label="Subject" name={`draft-${draft.id}-subject`} error={e.subject}>
          <TextInput id={`draft-${draft.id}-subject`} name="subject" value={subject} onChange={(ev) => setSubject(ev.target.value)} error={e.subject} />
        </Field>
        <details>
          <summary className="min-h-11 cursor-pointer py-2 text-sm underline">Read or edit the message</summary>
          <Field label="Message" name={`draft-${draft.id}-body`} error={e.body}>
            <TextArea id={`draft-${draft.id}-body`} name="body" rows={10} value={body} onChange={(ev) => setBody(ev.target.value)} error={e.body} className={`${inputClass} font-mono`} />
          </Field>
        </details>
        <fieldset>
          <legend className="text-sm font-medium">Channels</legend>
          {channels.length === 0 && <p className="text-sm text-slate-600 dark:text-slate-400">No channels yet: an administrator adds them under Channels.</p>}
          <ChannelCheckboxes
            channels={channels}
            picked={picked}
            onChange={setPicked}
            after={(c) =>
              picked.includes(c.id) && isChannelKind(c.kind) ? (
                <span className="ml-auto">
                  <LengthMeter kind={c.kind} message={{ subject, body }} />
                </span>
              ) : null
            }
          />
          {e.channelIds && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{e.channelIds.join(" ")}</p>}
        </fieldset>
        {tooLong.length > 0 && <p role="alert" className="text-sm font-medium text-red-700 dark:text-red-400">Too long for {tooLong.join(", ")}: shorten it or untick.</p>}
        <Button type="submit" disabled={sending || picked.length === 0 || tooLong.length > 0} className="w-full">
          {sending ? "Sending…" : picked.length === 0 ? "Tick a channel to send" : `Send to ${picked.length} channel${picked.length > 1 ? "s" : ""}`}
        </Button>
      </form>
      <form action={discard} className="mt-2">
        <input type="hidden" name="key" value={incidentKey} />
        <input type="hidden" name="messageId" value={draft.id} />
        <Button type="submit" variant="secondary" disabled={discarding} className="w-full">
          {discarding ? "Discarding…" : "Discard draft"}
        </Button>
      </form>
    </article>
  );
}
