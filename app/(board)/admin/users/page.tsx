import { requireUser } from "@/lib/auth/session";
import { can, ROLE_LABELS } from "@/lib/auth/permissions";
import { listUsers } from "@/lib/users/manage-users";
import { CreateUserForm, UserRowActions } from "@/components/admin/user-forms";
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
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Users</h1>
      <Card>
        <h2 className="mb-3 font-semibold">Add a user</h2>
        <CreateUserForm />
      </Card>
      <ul className="space-y-2" aria-label="Users">
        {users.map((u) => (
          <li key={u.id}>
            <Card className={u.active ? "" : "opacity-70"}>
              <div className="mb-2 flex flex-wrap items-baseline gap-x-3">
                <span className="font-semibold">{u.name}</span>
                <span className="text-sm text-slate-600 dark:text-slate-400">{u.email}</span>
                <span className="text-xs text-slate-500">{ROLE_LABELS[u.role]}</span>
                {!u.active && <span className="rounded bg-slate-200 px-2 text-xs font-semibold dark:bg-slate-700">Deactivated</span>}
              </div>
              <UserRowActions user={u} self={u.id === me.id} />
            </Card>
          </li>
        ))}
      </ul>
    </div>
  );
}
