"use client";
import { useActionState } from "react";
import { changeRoleAction, createUserAction, setActiveAction } from "@/lib/users/actions";
import { initialState } from "@/lib/action-state";
import { ROLES, ROLE_LABELS, type RoleName } from "@/lib/auth/permissions";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, Select, TextInput } from "@/components/ui/field";

export function CreateUserForm() {
  const [state, action, pending] = useActionState(createUserAction, initialState);
  const v = state.ok ? {} : (state.values ?? {});
  const e = state.fieldErrors ?? {};
  return (
    <form action={action} key={state.ok ? state.message : JSON.stringify(v)} aria-label="Add user" className="grid gap-3 sm:grid-cols-2">
      <div className="sm:col-span-2">
        <FormMessage message={state.message} ok={state.ok} />
      </div>
      <Field label="Name" name="name" error={e.name}>
        <TextInput name="name" defaultValue={String(v.name ?? "")} error={e.name} />
      </Field>
      <Field label="Email" name="email" error={e.email}>
        <TextInput name="email" type="email" defaultValue={String(v.email ?? "")} error={e.email} />
      </Field>
      <Field label="Role" name="role" error={e.role}>
        <Select name="role" defaultValue={String(v.role ?? "viewer")}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Initial password" name="password" error={e.password} hint="At least 12 characters; share it privately.">
        <TextInput name="password" type="password" autoComplete="new-password" error={e.password} />
      </Field>
      <div className="sm:col-span-2">
        <Button type="submit" disabled={pending}>
          {pending ? "Adding…" : "Add user"}
        </Button>
      </div>
    </form>
  );
}

/** Role and activation. A user whose invitation is pending is withdrawn by revoking it instead. */
export function UserRowActions({ user, self, invitePending = false }: { user: { id: string; name: string; role: RoleName; active: boolean }; self: boolean; invitePending?: boolean }) {
  const [roleState, roleAction, rolePending] = useActionState(changeRoleAction, initialState);
  const [activeState, activeAction, activePending] = useActionState(setActiveAction, initialState);
  const message = roleState.message ?? activeState.message;
  return (
    <div className="flex flex-wrap items-end gap-2">
      <form action={roleAction} className="flex items-end gap-2" aria-label={`Role of ${user.name}`}>
        <input type="hidden" name="userId" value={user.id} />
        <label className="sr-only" htmlFor={`role-${user.id}`}>
          Role of {user.name}
        </label>
        <select id={`role-${user.id}`} name="role" defaultValue={user.role} className="min-h-11 rounded-md border border-slate-300 bg-white px-2 text-sm dark:border-slate-700 dark:bg-slate-900">
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </select>
        <Button type="submit" variant="secondary" disabled={rolePending}>
          Change role
        </Button>
      </form>
      {!self && !invitePending && (
        <form
          action={activeAction}
          onSubmit={(e) => {
            if (user.active && !window.confirm(`Deactivate ${user.name}? They are signed out everywhere at once.`)) e.preventDefault();
          }}
          aria-label={`${user.active ? "Deactivate" : "Reactivate"} ${user.name}`}>
          <input type="hidden" name="userId" value={user.id} />
          <input type="hidden" name="active" value={user.active ? "false" : "true"} />
          <Button type="submit" variant={user.active ? "danger" : "secondary"} disabled={activePending}>
            {user.active ? "Deactivate" : "Reactivate"}
          </Button>
        </form>
      )}
      {message && (
        <p role={roleState.ok || activeState.ok ? "status" : "alert"} className="w-full text-sm">
          {message}
        </p>
      )}
    </div>
  );
}
