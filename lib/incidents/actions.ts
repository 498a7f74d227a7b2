"use server";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { requireCtx } from "../auth/session.ts";
import { errorState, formValues, type ActionState } from "../action-state.ts";
import { createIncident } from "./create-incident.ts";
import { changeStatus } from "./change-status.ts";
import { updateImpact } from "./update-impact.ts";
import { addNote } from "./add-note.ts";

// Every export here is a public POST endpoint: each one resolves the actor on the server and
// hands raw input to a verb, which checks permission first and validates with zod.

export async function declareIncidentAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  let key: string;
  try {
    const ctx = await requireCtx();
    const incident = await createIncident({ ctx, input: { ...values, serviceIds: form.getAll("serviceIds") } });
    key = incident.key;
  } catch (err) {
    return errorState(err, values);
  }
  redirect(`/incidents/${key}`);
}

export async function changeStatusAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const ctx = await requireCtx();
    const updated = await changeStatus({ ctx, input: values });
    revalidatePath(`/incidents/${updated.key}`);
    return { ok: true, message: "Status updated." };
  } catch (err) {
    return errorState(err, values);
  }
}

export async function updateImpactAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const ctx = await requireCtx();
    const updated = await updateImpact({ ctx, input: values });
    revalidatePath(`/incidents/${updated.key}`);
    return { ok: true, message: "Impact saved." };
  } catch (err) {
    return errorState(err, values);
  }
}

export async function addNoteAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const ctx = await requireCtx();
    await addNote({ ctx, input: values });
    revalidatePath(`/incidents/${String(values.key)}`);
    return { ok: true, message: "Note added.", at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}
