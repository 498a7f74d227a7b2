import { requireUser } from "@/lib/auth/session";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { accountOf } from "@/lib/users/account";
import { ChangePasswordForm } from "@/components/account/change-password-form";
import { Card } from "@/components/ui/card";

export const metadata = { title: "Your account" };
export const dynamic = "force-dynamic";

export default async function AccountPage() {
  const me = await requireUser();
  const account = await accountOf(me.id);
  if (!account) return null;
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
    </div>
  );
}
