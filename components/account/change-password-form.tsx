"use client";
import { useActionState } from "react";
import { changePasswordAction } from "@/lib/users/actions";
import { initialState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, TextInput } from "@/components/ui/field";

/** Current password, new one twice. Re-mounted after a success so the fields clear. */
export function ChangePasswordForm({ email, forced = false }: { email: string; forced?: boolean }) {
  const [state, action, pending] = useActionState(changePasswordAction, initialState);
  const e = state.fieldErrors ?? {};
  return (
    <form action={action} key={state.at ?? "form"} aria-label="Change password" className="max-w-md space-y-4">
      <FormMessage message={state.message} ok={state.ok} />
      {/* For password managers: the account the new password belongs to. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <Field label={forced ? "Current (temporary) password" : "Current password"} name="current" error={e.current}>
        <TextInput name="current" type="password" autoComplete="current-password" required maxLength={200} error={e.current} />
      </Field>
      <Field label="New password" name="password" error={e.password} hint="At least 12 characters. A passphrase of a few unrelated words works well.">
        <TextInput name="password" type="password" autoComplete="new-password" required minLength={12} maxLength={200} error={e.password} />
      </Field>
      <Field label="Confirm new password" name="confirm" error={e.confirm}>
        <TextInput name="confirm" type="password" autoComplete="new-password" required error={e.confirm} />
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}
