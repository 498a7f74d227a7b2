import { requireUser } from "@/lib/auth/session";
import { can, ROLE_LABELS } from "@/lib/auth/permissions";
import { ssoEnabled } from "@/lib/auth/login-info";
import { listUsers } from "@/lib/users/manage-users";
import { inviteStatus } from "@/lib/users/invite";
import { CreateUserForm, UserRowActions } from "@/components/admin/user-forms";
import { InviteUserForm, PendingInviteActions } from "@/components/admin/invite-forms";
import { ResetPasswordForm } from "@/components/admin/reset-password-form";
import { Card } from "@/components/ui/card";
import { NotAllowed } from "@/components/auth/not-allowed";

export const metadata = { title: "Users" };
export const dynamic = "force-dynamic";

export default async function UsersPage() {
  const me = await requireUser();
  if (!can(me.role, "user.manage")) {
    return <NotAllowed title="Administrators only">Your role cannot manage users.</NotAllowed>;
  }
  const users = await listUsers();
  const now = new Date();
  const alone = users.every((u) => u.id === me.id);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Users</h1>
      <p className="text-sm">
        <a className="underline" href="/admin/tokens">
          Everyone&apos;s API tokens
        </a>{" "}
        (revoke any of them).
      </p>
      {ssoEnabled() && (
        <p className="rounded-md border border-sky-300 bg-sky-50 px-3 py-2 text-sm text-sky-950 dark:border-sky-800 dark:bg-sky-950/50 dark:text-sky-100">
          Single sign-on is on: people who use it get an account the first time they sign in, with the role your identity provider gives them. Invite
          here only the people who will sign in with a password.
        </p>
      )}
      <Card aria-labelledby="invite-heading">
        <h2 id="invite-heading" className="mb-1 font-semibold">
          Invite a user
        </h2>
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
          You get a link to send them; they choose their own password. Links work once and expire after 7 days.
        </p>
        <div className="grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
          <InviteUserForm />
          {alone && (
            <aside
              aria-label="Who to invite"
              className="rounded-md border border-dashed border-slate-300 p-3 text-sm text-slate-700 dark:border-slate-700 dark:text-slate-300"
            >
              <p className="font-medium">It is just you so far.</p>
              <p className="mt-1">Invite the people who respond to incidents: on-call engineers, team leads, product owners, stakeholders.</p>
            </aside>
          )}
        </div>
      </Card>
      <Card aria-labelledby="password-heading">
        <h2 id="password-heading" className="mb-1 font-semibold">
          Or set a password yourself
        </h2>
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
          For when you can hand the password over privately (in person, or through a password manager). An invitation is usually better.
        </p>
        <CreateUserForm />
      </Card>
      <ul className="space-y-2" aria-label="Users">
        {users.map((u) => {
          const invite = u.active && u.inviteExpiresAt ? inviteStatus(u.inviteExpiresAt, now) : null;
          return (
            <li key={u.id}>
              <Card className={u.active ? "" : "opacity-70"}>
                <div className="mb-2 flex flex-wrap items-baseline gap-x-3 gap-y-1">
                  <span className="font-semibold">{u.name}</span>
                  <span className="text-sm break-all text-slate-600 dark:text-slate-400">{u.email}</span>
                  <span className="text-xs text-slate-500 dark:text-slate-400">{ROLE_LABELS[u.role]}</span>
                  {!u.active && <span className="rounded bg-slate-200 px-2 text-xs font-semibold dark:bg-slate-700">Deactivated</span>}
                  {invite && u.inviteExpiresAt && (
                    <span
                      title={`${u.inviteExpiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC`}
                      className={`rounded px-2 text-xs font-semibold ${
                        invite.state === "expired"
                          ? "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200"
                          : "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200"
                      }`}
                    >
                      {invite.label}
                    </span>
                  )}
                </div>
                <UserRowActions user={u} self={u.id === me.id} invitePending={Boolean(invite)} />
                {invite && <PendingInviteActions user={u} />}
                {u.active && !invite && u.id !== me.id && <ResetPasswordForm user={u} />}
              </Card>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
