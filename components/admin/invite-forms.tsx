"use client";
import { useActionState, useEffect, useId, useRef, useState } from "react";
import { inviteUserAction, reissueInviteAction, revokeInviteAction, type InviteState } from "@/lib/users/actions";
import { initialState } from "@/lib/action-state";
import { ROLES, ROLE_LABELS } from "@/lib/auth/permissions";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, Select, TextInput } from "@/components/ui/field";

const INVITE_DAYS = 7;

export function InviteUserForm() {
  const [state, action, pending] = useActionState(inviteUserAction, initialState as InviteState);
  const v = state.ok ? {} : (state.values ?? {});
  const e = state.fieldErrors ?? {};
  return (
    <div className="space-y-4">
      {/* Re-mounted after a success so the next invitation starts from a blank form. */}
      <form action={action} key={state.ok ? state.at : JSON.stringify(v)} aria-label="Invite user" className="grid gap-3 sm:grid-cols-2">
        {!state.ok && (
          <div className="sm:col-span-2">
            <FormMessage message={state.message} />
          </div>
        )}
        <Field label="Name" name="invite-name" error={e.name}>
          <TextInput id="invite-name" name="name" autoComplete="off" defaultValue={String(v.name ?? "")} error={e.name} />
        </Field>
        <Field label="Email" name="invite-email" error={e.email}>
          <TextInput id="invite-email" name="email" type="email" autoComplete="off" defaultValue={String(v.email ?? "")} error={e.email} />
        </Field>
        <Field label="Role" name="invite-role" error={e.role}>
          <Select id="invite-role" name="role" defaultValue={String(v.role ?? "oncall")} error={e.role}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </Select>
        </Field>
        <div className="flex items-end">
          <Button type="submit" disabled={pending} className="w-full sm:w-auto">
            {pending ? "Inviting…" : "Invite user"}
          </Button>
        </div>
      </form>
      {state.ok && state.link && <InviteLinkBox key={state.at} link={state.link} email={state.email ?? ""} message={state.message} />}
    </div>
  );
}

/** The one time an invitation link is shown: it is stored only as a hash, so it cannot be shown again. */
export function InviteLinkBox({ link, email, message }: { link: string; email: string; message?: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<string | null>(null);

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(link);
      setCopied("Copied.");
    } catch {
      // The clipboard API needs a secure context (https or localhost): leave the link selected instead.
      input.current?.select();
      setCopied("Copying was blocked by the browser: the link is selected, press Ctrl+C (⌘C on a Mac).");
    }
  }

  return (
    <section
      aria-label={`Invitation link for ${email}`}
      className="space-y-2 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950/50 dark:text-emerald-100"
    >
      {message && (
        <p role="status" className="font-semibold">
          {message}
        </p>
      )}
      <p>
        Send this link to <strong className="break-all">{email}</strong> yourself. It is shown only once and expires in {INVITE_DAYS} days.
      </p>
      <label htmlFor={id} className="block font-medium">
        Invitation link
      </label>
      <div className="flex flex-col gap-2 sm:flex-row">
        <input
          ref={input}
          id={id}
          readOnly
          value={link}
          onFocus={(e) => e.currentTarget.select()}
          className="min-h-11 w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
        />
        <Button type="button" variant="secondary" onClick={() => void copy()} className="shrink-0">
          Copy link
        </Button>
      </div>
      <p aria-live="polite" className="min-h-5 text-xs">
        {copied}
      </p>
    </section>
  );
}

/** Re-issue and revoke, for a user who has not accepted their invitation yet. */
export function PendingInviteActions({ user }: { user: { id: string; name: string } }) {
  const [reissue, reissueAction, reissuing] = useActionState(reissueInviteAction, initialState as InviteState);
  const [revoke, revokeAction, revoking] = useActionState(revokeInviteAction, initialState);
  const failure = [reissue, revoke].find((s) => s.message && !s.ok);
  return (
    <div className="mt-2 space-y-2">
      <div className="flex flex-wrap gap-2">
        <form action={reissueAction} aria-label={`New invitation link for ${user.name}`}>
          <input type="hidden" name="userId" value={user.id} />
          <Button type="submit" variant="secondary" disabled={reissuing}>
            {reissuing ? "Creating…" : "New link"}
          </Button>
        </form>
        <form
          action={revokeAction}
          aria-label={`Revoke invitation for ${user.name}`}
          onSubmit={(e) => {
            if (!window.confirm(`Revoke the invitation for ${user.name}? Their link stops working and the account is deactivated.`))
              e.preventDefault();
          }}
        >
          <input type="hidden" name="userId" value={user.id} />
          <Button type="submit" variant="danger" disabled={revoking}>
            Revoke invitation
          </Button>
        </form>
      </div>
      {failure && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {failure.message}
        </p>
      )}
      {revoke.ok && revoke.message && (
        <p role="status" className="text-sm">
          {revoke.message}
        </p>
      )}
      {reissue.ok && reissue.link && <InviteLinkBox key={reissue.at} link={reissue.link} email={reissue.email ?? ""} message={reissue.message} />}
    </div>
  );
}
