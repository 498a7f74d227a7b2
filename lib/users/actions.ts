"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requestIp, requireAccountCtx, requireCtx } from "../auth/session.ts";
import { errorState, formValues, type ActionState } from "../action-state.ts";
import { isAppError } from "../errors.ts";
import { formAction } from "../form-action.ts";
import { changeRole, createUser, setActive } from "./manage-users.ts";
import { acceptInvite, INVITE_NOT_VALID, inviteUser, reissueInvite, revokeInvite } from "./invite.ts";
import { changeOwnPassword } from "./change-password.ts";
import { resetPassword } from "./reset-password.ts";

const users = () => "/admin/users";

/** An invitation link travels back to the admin once, in the action's answer; it is stored nowhere. */
export type InviteState = ActionState & { link?: string; email?: string; expiresAt?: string };

export const createUserAction = formAction(createUser, { revalidate: users, success: (u) => `Added ${u.email}.`, secret: ["password"] });

export async function inviteUserAction(_prev: InviteState, form: FormData): Promise<InviteState> {
  const values = formValues(form);
  try {
    const invite = await inviteUser({ ctx: await requireCtx(), input: values });
    revalidatePath("/admin/users");
    return {
      ok: true,
      message: `Invited ${invite.user.email}.`,
      link: invite.link,
      email: invite.user.email,
      expiresAt: invite.expiresAt.toISOString(),
      at: Date.now(),
    };
  } catch (err) {
    return errorState(err, values);
  }
}

export async function reissueInviteAction(_prev: InviteState, form: FormData): Promise<InviteState> {
  const values = formValues(form);
  try {
    const invite = await reissueInvite({ ctx: await requireCtx(), input: values });
    revalidatePath("/admin/users");
    return {
      ok: true,
      message: "New link created; the old one no longer works.",
      link: invite.link,
      email: invite.user.email,
      expiresAt: invite.expiresAt.toISOString(),
      at: Date.now(),
    };
  } catch (err) {
    return errorState(err, values);
  }
}

export const revokeInviteAction = formAction(revokeInvite, { revalidate: users, success: "Invitation revoked; the account is deactivated." });

export type AcceptInviteState = ActionState & { invalid?: boolean };

/**
 * Public on purpose: whoever holds the invitation link may set that account's password once.
 * The verb checks the token; no session is involved.
 */
export async function acceptInviteAction(_prev: AcceptInviteState, form: FormData): Promise<AcceptInviteState> {
  const { password: _p, confirm: _c, ...kept } = formValues(form);
  let email: string;
  try {
    ({ email } = await acceptInvite({ input: formValues(form), ip: await requestIp() }));
  } catch (err) {
    if (isAppError(err) && err.code === "NOT_FOUND") return { ok: false, invalid: true, message: INVITE_NOT_VALID };
    return errorState(err, kept);
  }
  redirect(`/login?${new URLSearchParams({ email, invited: "1" }).toString()}`);
}

/** A temporary password travels back to the admin once, in the action's answer; it is stored only hashed. */
export type ResetPasswordState = ActionState & { password?: string; email?: string };

export async function resetPasswordAction(_prev: ResetPasswordState, form: FormData): Promise<ResetPasswordState> {
  const values = formValues(form);
  try {
    const { user, password } = await resetPassword({ ctx: await requireCtx(), input: values });
    revalidatePath("/admin/users");
    return { ok: true, message: `Password of ${user.email} reset; they are signed out everywhere.`, password, email: user.email, at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}

/**
 * One's own password, from /account or the forced /account/password page (the one action a person
 * who must change their password may call). Nothing typed is ever sent back.
 */
export async function changePasswordAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  try {
    const { ctx, sessionId } = await requireAccountCtx();
    const result = await changeOwnPassword({ ctx, sessionId, input: formValues(form) });
    if (!result.forced) {
      const others = result.otherSessionsEnded;
      const ended = others === 0 ? "" : ` ${others === 1 ? "Your other session was" : `Your ${others} other sessions were`} signed out.`;
      return { ok: true, message: `Password changed.${ended}`, at: Date.now() };
    }
  } catch (err) {
    return errorState(err, {});
  }
  redirect("/");
}

export const changeRoleAction = formAction(changeRole, { revalidate: users, success: "Role changed." });

export const setActiveAction = formAction(setActive, {
  revalidate: users,
  success: (_r, v) => (v.active === "true" ? "Reactivated." : "Deactivated; their sessions were ended."),
});
