"use server";
import { revalidatePath } from "next/cache";
import { requireCtx } from "../auth/session.ts";
import { errorState, formValues, type ActionState } from "../action-state.ts";
import { createContact, deleteContact, updateContact } from "./manage-contacts.ts";
import { saveEscalationPath } from "./escalation-path.ts";

export async function createContactAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const c = await createContact({ ctx: await requireCtx(), input: values });
    revalidatePath("/admin/contacts");
    return { ok: true, message: `Added ${c.name}.`, at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}

export async function updateContactAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const c = await updateContact({ ctx: await requireCtx(), input: values });
    revalidatePath("/admin/contacts");
    return { ok: true, message: `Saved ${c.name}.`, at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}

export async function deleteContactAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const c = await deleteContact({ ctx: await requireCtx(), input: values });
    revalidatePath("/admin/contacts");
    return { ok: true, message: `Deleted ${c.name}.`, at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}

export async function saveEscalationPathAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const { version } = await saveEscalationPath({ ctx: await requireCtx(), input: values });
    revalidatePath("/admin/contacts");
    return { ok: true, message: `Saved as version ${version}. Escalations use it from now on.`, at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}
