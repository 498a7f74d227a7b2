"use client";
import { useActionState, useEffect, useId, useRef } from "react";
import { resetPasswordAction, type ResetPasswordState } from "@/lib/users/actions";
import { initialState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";

/** Reset someone's password: the temporary password is shown here once and never again. */
export function ResetPasswordForm({ user }: { user: { id: string; name: string } }) {
  const [state, action, pending] = useActionState(resetPasswordAction, initialState as ResetPasswordState);
  return (
    <div className="mt-2 space-y-2">
      <form
        action={action}
        aria-label={`Reset password of ${user.name}`}
        onSubmit={(e) => {
          if (!window.confirm(`Reset the password of ${user.name}? They are signed out everywhere and must choose a new password at their next sign-in.`))
            e.preventDefault();
        }}
      >
        <input type="hidden" name="userId" value={user.id} />
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? "Resetting…" : "Reset password"}
        </Button>
      </form>
      {state.ok && state.password ? (
        <TemporaryPassword key={state.at} password={state.password} email={state.email ?? ""} message={state.message} />
      ) : (
        state.message && (
          <p role="alert" className="text-sm">
            {state.message}
          </p>
        )
      )}
    </div>
  );
}

function TemporaryPassword({ password, email, message }: { password: string; email: string; message?: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  return (
    <section
      aria-label={`Temporary password for ${email}`}
      className="space-y-2 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950/50 dark:text-emerald-100"
    >
      {message && (
        <p role="status" className="font-semibold">
          {message}
        </p>
      )}
      <p>
        Give this temporary password to <strong className="break-all">{email}</strong> privately. It is shown only once; they must replace it at
        their next sign-in.
      </p>
      <label htmlFor={id} className="block font-medium">
        Temporary password
      </label>
      <input
        ref={input}
        id={id}
        readOnly
        value={password}
        onFocus={(e) => e.currentTarget.select()}
        className="min-h-11 w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      />
    </section>
  );
}
