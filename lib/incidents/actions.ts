"use server";
import { redirect } from "next/navigation";
import { requireCtx } from "../auth/session.ts";
import { errorState, formValues, type ActionState } from "../action-state.ts";
import { createIncident } from "./create-incident.ts";
import { changeStatus } from "./change-status.ts";
import { updateImpact } from "./update-impact.ts";
import { addNote } from "./add-note.ts";
import { formAction } from "../form-action.ts";

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

export const changeStatusAction = formAction(changeStatus, { revalidate: (_v, r) => `/incidents/${r.key}`, success: "Status updated." });

export const updateImpactAction = formAction(updateImpact, { revalidate: (_v, r) => `/incidents/${r.key}`, success: "Impact saved." });

export const addNoteAction = formAction(addNote, { revalidate: (v) => `/incidents/${String(v.key)}`, success: "Note added.", clears: true });
