"use client";
import { useActionState, useState } from "react";
import { sendMessageAction } from "@/lib/comms/actions";
import { initialState, type ActionState } from "@/lib/action-state";
import { CHANNEL_FORMATS, isChannelKind } from "@/lib/comms/channels/format";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, inputClass, Select, TextArea, TextInput } from "@/components/ui/field";
import { FormatPreview, LengthMeter, lengthFor } from "./format-preview";
import { ChannelCheckboxes } from "./channel-checkboxes";
import { PUBLIC_STATUSES, PUBLIC_UPDATE_LIMIT } from "@/lib/status/schemas";

export type ComposerTemplate = { name: string; title: string; audience: string; subject: string; body: string };
export type ComposerChannel = { id: string; name: string; kind: string };

/**
 * Pick a template: it arrives filled from the incident as it is now (rendered on the server);
 * edit, choose channels, see how each channel will show it, send. Each channel escapes the text
 * for itself when it delivers, exactly as the preview does.
 */
/** The status page as a channel (for those who may publish): the body becomes a public update. */
export type ComposerStatusPage = { publicTitle: string } | null;

export function Composer({ incidentKey, templates, channels, statusPage = null }: { incidentKey: string; templates: ComposerTemplate[]; channels: ComposerChannel[]; statusPage?: ComposerStatusPage }) {
  const [state, action, pending] = useActionState(sendMessageAction, initialState);
  const [name, setName] = useState(templates[0]?.name ?? "");
  if (channels.length === 0 && !statusPage) {
    return <p className="text-sm text-slate-600 dark:text-slate-400">No channels yet. An administrator adds Slack, Teams, email or webhook channels under Channels.</p>;
  }
  const t = templates.find((x) => x.name === name);
  // A new template, or a successful send, starts from the template's text again; an error keeps what was typed.
  return (
    <ComposerForm
      key={`${name}-${state.ok ? state.at : ""}`}
      incidentKey={incidentKey}
      templates={templates}
      channels={channels}
      statusPage={statusPage}
      template={t}
      onTemplate={setName}
      state={state}
      action={action}
      pending={pending}
    />
  );
}

function ComposerForm({
  incidentKey,
  templates,
  channels,
  statusPage,
  template,
  onTemplate,
  state,
  action,
  pending,
}: {
  incidentKey: string;
  templates: ComposerTemplate[];
  channels: ComposerChannel[];
  statusPage: ComposerStatusPage;
  template: ComposerTemplate | undefined;
  onTemplate: (name: string) => void;
  state: ActionState;
  action: (form: FormData) => void;
  pending: boolean;
}) {
  const [subject, setSubject] = useState(template?.subject ?? "");
  const [body, setBody] = useState(template?.body ?? "");
  const [picked, setPicked] = useState<string[]>([]);
  const [onStatusPage, setOnStatusPage] = useState(false);
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  const v = state.ok ? {} : (state.values ?? {});
  const message = { subject, body };
  const chosen = channels.filter((c) => picked.includes(c.id));
  const tooLong = chosen.flatMap((c) => {
    if (!isChannelKind(c.kind)) return [];
    const { problem } = lengthFor(c.kind, message);
    return problem ? [`${c.name}: ${problem}`] : [];
  });
  // What the server enforces too: public words only, and the status page form's limit.
  if (onStatusPage && body.length > PUBLIC_UPDATE_LIMIT) tooLong.push(`Status page: message too long (${body.length.toLocaleString("en-US")} characters; the limit is ${PUBLIC_UPDATE_LIMIT})`);
  const notPublic = onStatusPage && template?.audience !== "customers";

  return (
    <form action={action} className="min-w-0 space-y-3" aria-label="Send message">
      <input type="hidden" name="key" value={incidentKey} />
      <input type="hidden" name="templateName" value={template?.name ?? ""} />
      <input type="hidden" name="audience" value={template?.audience ?? "internal"} />
      <FormMessage message={state.message} ok={state.ok} />
      <label className="block text-sm font-medium">
        Template
        <Select name="template" value={template?.name ?? ""} onChange={(ev) => onTemplate(ev.target.value)}>
          {templates.map((x) => (
            <option key={x.name} value={x.name}>
              {x.title} ({x.audience})
            </option>
          ))}
        </Select>
      </label>
      {/* Own ids: drafts and the status page form on the same page have a subject and body too. */}
      <Field label="Subject" name="composer-subject" error={e.subject}>
        <TextInput id="composer-subject" name="subject" value={subject} onChange={(ev) => setSubject(ev.target.value)} error={e.subject} />
      </Field>
      <Field label="Message" name="composer-body" error={e.body}>
        <TextArea id="composer-body" name="body" rows={8} value={body} onChange={(ev) => setBody(ev.target.value)} error={e.body} className={`${inputClass} font-mono`} />
      </Field>
      <fieldset>
        <legend className="text-sm font-medium">Channels</legend>
        <ChannelCheckboxes channels={channels} picked={picked} onChange={setPicked} />
        {statusPage && (
          <label className="flex min-h-11 items-center gap-3 text-sm">
            <input type="checkbox" name="statusPage" value="on" checked={onStatusPage} onChange={(ev) => setOnStatusPage(ev.target.checked)} className="h-5 w-5" />
            Status page <span className="text-xs text-slate-600 dark:text-slate-400">public update, for customers</span>
          </label>
        )}
        {e.channelIds && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{e.channelIds.join(" ")}</p>}
        {e.statusPage && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{e.statusPage.join(" ")}</p>}
      </fieldset>
      {statusPage && onStatusPage && (
        <section aria-label="Status page update" className="space-y-2 rounded-md border border-slate-200 p-3 dark:border-slate-800">
          {notPublic && (
            <p role="alert" className="text-sm font-medium text-red-700 dark:text-red-400">
              Only customer messages go on the public status page; this template is for {template?.audience ?? "no audience"}. Pick a customer template or untick the status page.
            </p>
          )}
          <Field label="Public title" name="composer-public-title" error={e.publicTitle} hint="What customers read: no internal names, versions or people.">
            <TextInput id="composer-public-title" name="publicTitle" defaultValue={String(v.publicTitle ?? statusPage.publicTitle)} error={e.publicTitle} />
          </Field>
          <Field label="Public status" name="composer-public-status" error={e.publicStatus}>
            <Select id="composer-public-status" name="publicStatus" defaultValue={String(v.publicStatus ?? "investigating")}>
              {PUBLIC_STATUSES.map((st) => (
                <option key={st} value={st}>
                  {st[0]!.toUpperCase() + st.slice(1)}
                </option>
              ))}
            </Select>
          </Field>
          <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="status-page-length">
            {body.length.toLocaleString("en-US")} / {PUBLIC_UPDATE_LIMIT.toLocaleString("en-US")} characters (the message only; the subject is not shown)
          </p>
          <FormatPreview format="plain" message={{ subject: "", body }} label="Status page preview" />
        </section>
      )}
      {chosen.length > 0 && (
        <section aria-label="Channel previews" className="space-y-2">
          <h3 className="text-sm font-medium">How each channel will show it</h3>
          {chosen.map((c) => (
            <details key={c.id} open className="rounded-md border border-slate-200 dark:border-slate-800" aria-label={`Preview for ${c.name}`}>
              <summary className="flex min-h-11 cursor-pointer flex-wrap items-center gap-x-2 px-3 py-2 text-sm">
                <span className="font-medium">{c.name}</span>
                <span className="text-xs text-slate-500 dark:text-slate-400">{isChannelKind(c.kind) ? CHANNEL_FORMATS[c.kind].label : c.kind}</span>
                {isChannelKind(c.kind) && (
                  <span className="ml-auto">
                    <LengthMeter kind={c.kind} message={message} />
                  </span>
                )}
              </summary>
              <div className="border-t border-slate-200 p-2 dark:border-slate-800">
                {isChannelKind(c.kind) ? <FormatPreview format={c.kind} message={message} label={`${c.name} preview`} /> : <p className="text-sm">No preview for this kind of channel.</p>}
              </div>
            </details>
          ))}
        </section>
      )}
      {tooLong.length > 0 && (
        <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm font-medium text-red-800 dark:bg-red-950 dark:text-red-300">
          <p>Too long to send; shorten the message or untick the channel:</p>
          <ul className="list-disc pl-5">
            {tooLong.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      <Button type="submit" disabled={pending || tooLong.length > 0 || notPublic} className="w-full">
        {pending ? "Sending…" : "Send"}
      </Button>
    </form>
  );
}
