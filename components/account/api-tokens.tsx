"use client";
import { useActionState } from "react";
import { createApiTokenAction, revokeApiTokenAction, rotateApiTokenAction, type ShownSecret } from "@/lib/api-tokens/actions";
import type { ActionState } from "@/lib/action-state";
import { SCOPES } from "@/lib/api-tokens/schemas";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, TextInput } from "@/components/ui/field";

export type TokenRow = { id: string; name: string; scopes: string[]; prefix: string; expiresAt: string | null; lastUsedAt: string | null; revokedAt: string | null; owner?: string };

const empty: ActionState<ShownSecret> = { ok: false };

function Secret({ shown }: { shown?: ShownSecret }) {
  if (!shown) return null;
  return (
    <div role="status" className="space-y-1 rounded border border-amber-400 bg-amber-50 p-3 text-sm dark:bg-amber-950">
      <p className="font-semibold">Token for {shown.name}: copy it now, it is not shown again.</p>
      <label className="block">
        <span className="sr-only">New token</span>
        <input readOnly value={shown.secret} className="w-full rounded border px-2 py-1 font-mono text-xs dark:bg-slate-900" onFocus={(e) => e.currentTarget.select()} />
      </label>
      <p>Expires {new Date(shown.expiresAt).toUTCString()}.</p>
      {shown.oldValidUntil && <p>The previous token keeps working until {new Date(shown.oldValidUntil).toUTCString()}.</p>}
    </div>
  );
}

export function CreateTokenForm() {
  const [state, action, pending] = useActionState(createApiTokenAction, empty);
  const e = state.fieldErrors ?? {};
  return (
    <form action={action} aria-label="Create an API token" className="max-w-md space-y-3">
      <FormMessage message={state.message} ok={state.ok} />
      <Secret shown={state.ok ? state.data : undefined} />
      <Field label="Name" name="name" error={e.name} hint="Where it is used, e.g. github-actions deploy.">
        <TextInput name="name" required maxLength={80} error={e.name} />
      </Field>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium">Scopes</legend>
        {SCOPES.map((s) => (
          <label key={s} className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="scopes" value={s} /> <code>{s}</code>
          </label>
        ))}
        {e.scopes && <p className="text-sm text-red-700 dark:text-red-400">{e.scopes.join(" ")}</p>}
      </fieldset>
      <Field label="Expires in (days)" name="expiresInDays" error={e.expiresInDays}>
        <TextInput name="expiresInDays" type="number" min={1} max={365} defaultValue={90} required error={e.expiresInDays} />
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create token"}
      </Button>
    </form>
  );
}

function RotateForm({ id, name }: { id: string; name: string }) {
  const [state, action, pending] = useActionState(rotateApiTokenAction, empty);
  return (
    <form action={action} aria-label={`Rotate ${name}`} className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="tokenId" value={id} />
      <label className="text-xs">
        Old one works for (hours)
        <input name="overlapHours" type="number" min={0} max={720} defaultValue={24} className="ml-1 w-16 rounded border px-1 dark:bg-slate-900" />
      </label>
      <Button type="submit" variant="secondary" disabled={pending}>
        Rotate
      </Button>
      <FormMessage message={state.ok ? undefined : state.message} ok={state.ok} />
      <Secret shown={state.ok ? state.data : undefined} />
    </form>
  );
}

function RevokeForm({ id, name }: { id: string; name: string }) {
  const [state, action, pending] = useActionState(revokeApiTokenAction, { ok: false });
  return (
    <form action={action} aria-label={`Revoke ${name}`}>
      <input type="hidden" name="tokenId" value={id} />
      <Button type="submit" variant="danger" disabled={pending}>
        Revoke
      </Button>
      <FormMessage message={state.message} ok={state.ok} />
    </form>
  );
}

function statusOf(t: TokenRow, now: number) {
  if (t.revokedAt) return "revoked";
  if (t.expiresAt && Date.parse(t.expiresAt) <= now) return "expired";
  return "active";
}

/** The token list; `rotate` only for one's own tokens. */
export function TokenTable({ tokens, rotate, now }: { tokens: TokenRow[]; rotate: boolean; now: number }) {
  if (!tokens.length) return <p className="text-sm text-slate-600 dark:text-slate-400">No tokens yet.</p>;
  return (
    <ul className="divide-y divide-slate-200 dark:divide-slate-700">
      {tokens.map((t) => {
        const status = statusOf(t, now);
        return (
          <li key={t.id} className="space-y-1 py-3 text-sm">
            <p>
              <strong>{t.name}</strong> <code className="text-xs">{t.prefix}…</code> · {status}
              {t.owner && <> · {t.owner}</>}
            </p>
            <p className="text-slate-600 dark:text-slate-400">
              {t.scopes.join(", ")} · expires {t.expiresAt ? new Date(t.expiresAt).toUTCString() : "never"} · last used {t.lastUsedAt ? new Date(t.lastUsedAt).toUTCString() : "never"}
            </p>
            {status === "active" && (
              <div className="flex flex-wrap gap-3">
                {rotate && <RotateForm id={t.id} name={t.name} />}
                <RevokeForm id={t.id} name={t.name} />
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
