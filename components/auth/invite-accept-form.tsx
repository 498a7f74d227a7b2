"use client";
import { useActionState } from "react";
import Link from "next/link";
import { acceptInviteAction, type AcceptInviteState } from "@/lib/users/actions";
import { initialState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, TextInput } from "@/components/ui/field";

export function InviteAcceptForm({ token, email }: { token: string; email: string }) {
  const [state, action, pending] = useActionState(acceptInviteAction, initialState as AcceptInviteState);
  if (state.invalid) return <InviteNotValid />;
  const e = state.fieldErrors ?? {};
  return (
    <form
      action={action}
      aria-label="Choose a password"
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <FormMessage message={state.message} ok={state.ok} />
      <input type="hidden" name="token" value={token} />
      {/* Shown read-only so password managers store the new password under the right account. */}
      <Field label="Email" name="email">
        <TextInput
          name="email"
          type="email"
          autoComplete="username"
          value={email}
          readOnly
          className="block min-h-11 w-full rounded-md border border-slate-200 bg-slate-100 px-3 py-2 text-base text-slate-700 dark:border-slate-800 dark:bg-slate-800 dark:text-slate-300"
        />
      </Field>
      <Field label="Password" name="password" error={e.password} hint="At least 12 characters. A passphrase of a few unrelated words works well.">
        <TextInput name="password" type="password" autoComplete="new-password" required minLength={12} maxLength={200} error={e.password} />
      </Field>
      <Field label="Confirm password" name="confirm" error={e.confirm}>
        <TextInput name="confirm" type="password" autoComplete="new-password" required error={e.confirm} />
      </Field>
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? "Setting password…" : "Set password"}
      </Button>
    </form>
  );
}

/** The same page for an unknown, used, revoked or expired link: it does not say which. */
export function InviteNotValid() {
  return (
    <section
      role="alert"
      aria-labelledby="invite-invalid"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id="invite-invalid" className="text-lg font-semibold">
        Invitation not valid
      </h2>
      <p>This invitation link is not valid any more: ask an administrator for a new one.</p>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Already set your password?{" "}
        <Link href="/login" className="font-medium text-sky-700 underline dark:text-sky-400">
          Sign in
        </Link>
      </p>
    </section>
  );
}
