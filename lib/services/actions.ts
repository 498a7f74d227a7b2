"use server";
import { revalidatePath } from "next/cache";
import { requireCtx } from "../auth/session.ts";
import { errorState, formValues, type ActionState } from "../action-state.ts";
import { updateService } from "./update-service.ts";

export async function updateServiceAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    await updateService({ ctx: await requireCtx(), input: values });
    revalidatePath("/services");
    return { ok: true, message: "Saved." };
  } catch (err) {
    return errorState(err, values);
  }
}
