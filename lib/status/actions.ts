"use server";
import { revalidatePath } from "next/cache";
import { requireCtx } from "../auth/session.ts";
import { errorState, formValues, type ActionState } from "../action-state.ts";
import { postPublicUpdate, setServiceState } from "./publish-status.ts";

export async function postPublicUpdateAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    await postPublicUpdate({ ctx: await requireCtx(), input: values });
    revalidatePath(`/incidents/${String(values.key)}`);
    return { ok: true, message: "Published on the status page.", at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}

export async function setServiceStateAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    await setServiceState({ ctx: await requireCtx(), input: values });
    return { ok: true, message: "Service state updated.", at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}
