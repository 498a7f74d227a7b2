"use client";
import { useActionState } from "react";
import { deleteChannelAction, setChannelActiveAction, testChannelAction } from "@/lib/comms/actions";
import { initialState, type ActionState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, TextInput } from "@/components/ui/field";

type Ref = { id: string; name: string };

/** A form's outcome beside its button: announced, green when it worked, red when it did not. */
function Outcome({ state }: { state: ActionState }) {
  if (!state.message) return null;
  return (
    <p
      role={state.ok ? "status" : "alert"}
      className={`min-w-0 text-sm font-medium break-words ${state.ok ? "text-emerald-800 dark:text-emerald-300" : "text-red-700 dark:text-red-400"}`}
    >
      {state.message}
    </p>
  );
}

/** Sends a test message now and shows the channel's real answer (or the error) next to the button. */
export function TestChannelForm({ channel }: { channel: Ref }) {
  const [state, action, pending] = useActionState(testChannelAction, initialState);
  return (
    <form action={action} aria-label={`Test ${channel.name}`} className="flex min-w-0 flex-wrap items-center gap-x-3 gap-y-1">
      <input type="hidden" name="channelId" value={channel.id} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Sending…" : "Send test message"}
      </Button>
      {pending ? (
        <p role="status" className="text-sm text-slate-600 dark:text-slate-400">
          Waiting for {channel.name} to answer (up to 10 s)…
        </p>
      ) : (
        <Outcome state={state} />
      )}
    </form>
  );
}

export function ChannelActiveForm({ channel }: { channel: Ref & { active: boolean } }) {
  const [state, action, pending] = useActionState(setChannelActiveAction, initialState);
  const verb = channel.active ? "Disable" : "Enable";
  return (
    <form action={action} aria-label={`${verb} ${channel.name}`} className="flex min-w-0 flex-wrap items-center gap-x-3 gap-y-1">
      <input type="hidden" name="channelId" value={channel.id} />
      <input type="hidden" name="active" value={channel.active ? "false" : "true"} />
      <Button type="submit" variant={channel.active ? "ghost" : "primary"} disabled={pending}>
        {verb}
      </Button>
      <Outcome state={state} />
    </form>
  );
}

/** Deleting needs the channel's name typed: a misclick cannot remove where escalations go. */
export function DeleteChannelForm({ channel, waiting }: { channel: Ref; waiting: number }) {
  const [state, action, pending] = useActionState(deleteChannelAction, initialState);
  const e = state.fieldErrors ?? {};
  const id = `channel-${channel.id}-confirm`;
  return (
    <form action={action} key={JSON.stringify(state.values ?? {})} aria-label={`Delete ${channel.name}`} className="space-y-3">
      <input type="hidden" name="channelId" value={channel.id} />
      <p className="text-sm text-slate-700 dark:text-slate-300">
        Messages already sent to {channel.name} stay in the history under its name. Contacts stop using it.
        {waiting > 0 ? ` ${waiting} waiting ${waiting === 1 ? "delivery is" : "deliveries are"} given up.` : ""} This cannot be undone.
      </p>
      {state.message && !e.confirmName && <FormMessage message={state.message} ok={state.ok} />}
      <div className="sm:max-w-md">
        <Field label="Type the channel's name to confirm" name={id} error={e.confirmName} hint={`Type “${channel.name}”.`}>
          <TextInput id={id} name="confirmName" defaultValue={typeof state.values?.confirmName === "string" ? state.values.confirmName : ""} error={e.confirmName} autoComplete="off" spellCheck={false} />
        </Field>
      </div>
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? "Deleting…" : "Delete channel"}
      </Button>
    </form>
  );
}
