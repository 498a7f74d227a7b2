import { requireUser } from "@/lib/auth/session";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { accountOf } from "@/lib/users/account";
import { ChangePasswordForm } from "@/components/account/change-password-form";
import { Card } from "@/components/ui/card";
import { listOwnTokens } from "@/lib/api-tokens/tokens";
import { CreateTokenForm, TokenTable } from "@/components/account/api-tokens";

export const metadata = { title: "Your account" };
export const dynamic = "force-dynamic";

export default async function AccountPage() {
  const me = await requireUser();
  const account = await accountOf(me.id);
  if (!account) return null;
  const tokens = (await listOwnTokens(me.id)).map((t) => ({
    id: t.id, name: t.name, scopes: t.scopes, prefix: t.prefix,
    expiresAt: t.expiresAt?.toISOString() ?? null, lastUsedAt: t.lastUsedAt?.toISOString() ?? null, revokedAt: t.revokedAt?.toISOString() ?? null,
  }));
  const now = new Date();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Your account</h1>
      <Card aria-labelledby="account-heading">
        <h2 id="account-heading" className="sr-only">
          Who you are
        </h2>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-600 dark:text-slate-400">Name</dt>
          <dd>{account.name}</dd>
          <dt className="text-slate-600 dark:text-slate-400">Email</dt>
          <dd className="break-all">{account.email}</dd>
          <dt className="text-slate-600 dark:text-slate-400">Role</dt>
          <dd>{ROLE_LABELS[account.role]}</dd>
        </dl>
      </Card>
      <Card aria-labelledby="password-heading">
        <h2 id="password-heading" className="mb-1 font-semibold">
          Change password
        </h2>
        {account.hasPassword ? (
          <>
            <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
              Your other signed-in browsers are signed out when you change it; this one stays signed in.
            </p>
            <ChangePasswordForm email={account.email} />
          </>
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">You sign in with single sign-on: there is no Rollcall password to change.</p>
        )}
      </Card>
      <Card aria-labelledby="tokens-heading">
        <h2 id="tokens-heading" className="mb-1 font-semibold">
          API tokens
        </h2>
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
          For scripts and CI calling /api/v1 (see <a className="underline" href="/api-docs">the API reference</a>). A token can do only what its scopes name and your role allows.
        </p>
        <TokenTable tokens={tokens} rotate now={now.getTime()} />
        <h3 className="mt-4 mb-2 font-semibold">New token</h3>
        <CreateTokenForm />
      </Card>
    </div>
  );
}
