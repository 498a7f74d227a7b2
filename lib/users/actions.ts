"use server";
import { revalidatePath } from "next/cache";
import { requireCtx } from "../auth/session.ts";
import { errorState, formValues, type ActionState } from "../action-state.ts";
import { changeRole, createUser, setActive } from "./manage-users.ts";

export async function createUserAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const user = await createUser({ ctx: await requireCtx(), input: values });
    revalidatePath("/admin/users");
    return { ok: true, message: `Added ${user.email}.` };
  } catch (err) {
    const { password: _drop, ...kept } = values;
    return errorState(err, kept);
  }
}

export async function changeRoleAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    await changeRole({ ctx: await requireCtx(), input: values });
    revalidatePath("/admin/users");
    return { ok: true, message: "Role changed." };
  } catch (err) {
    return errorState(err, values);
  }
}

export async function setActiveAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    await setActive({ ctx: await requireCtx(), input: values });
    revalidatePath("/admin/users");
    return { ok: true, message: values.active === "true" ? "Reactivated." : "Deactivated; their sessions were ended." };
  } catch (err) {
    return errorState(err, values);
  }
}
