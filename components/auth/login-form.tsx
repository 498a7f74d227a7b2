"use client";
import { useState } from "react";
import { useSearchParams } from "next/navigation";
import { signIn } from "next-auth/react";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, TextInput } from "@/components/ui/field";

const ERRORS: Record<string, string> = {
  CredentialsSignin: "Wrong email or password, or the account is deactivated.",
  AccessDenied: "This account may not sign in.",
  SessionRequired: "Sign in to continue.",
  EmailUnverified: "Your identity provider has not verified your email address, so single sign-on cannot use it. Ask the provider's administrator to verify it.",
};

export function LoginForm({ callbackUrl, sso, error }: { callbackUrl: string; sso: boolean; error?: string }) {
  // Arriving from an accepted invitation: /login?email=...&invited=1 (the email is only a prefill).
  const params = useSearchParams();
  const invited = params.get("invited") === "1";
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<string | undefined>(error ? (ERRORS[error] ?? error) : invited ? "Password set; sign in." : undefined);
  const [ok, setOk] = useState(!error && invited);
  const [email, setEmail] = useState(params.get("email")?.slice(0, 254) ?? "");

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setMessage(undefined);
    setOk(false);
    const form = new FormData(e.currentTarget);
    const res = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
      callbackUrl,
    });
    if (res?.ok && !res.error) {
      window.location.assign(callbackUrl);
      return;
    }
    setPending(false);
    setMessage(res?.error ? (ERRORS[res.error] ?? res.error) : "Sign-in failed. Try again.");
  }

  return (
    <div className="space-y-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <form onSubmit={onSubmit} className="space-y-4" aria-label="Sign in">
        <FormMessage message={message} ok={ok} />
        <Field label="Email" name="email">
          <TextInput name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label="Password" name="password">
          <TextInput name="password" type="password" autoComplete="current-password" required autoFocus={invited && Boolean(email)} />
        </Field>
        <Button type="submit" disabled={pending} className="w-full">
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
      {sso && (
        <Button type="button" variant="secondary" className="w-full" onClick={() => void signIn("oidc", { callbackUrl })}>
          Sign in with single sign-on
        </Button>
      )}
    </div>
  );
}
