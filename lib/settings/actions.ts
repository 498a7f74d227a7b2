"use server";
import { revalidatePath } from "next/cache";
import { requireCtx } from "../auth/session.ts";
import { errorState, formValues, type ActionState } from "../action-state.ts";
import { setStatusVisibility } from "./status-visibility.ts";

export async function setStatusVisibilityAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const r = await setStatusVisibility({ ctx: await requireCtx(), input: values });
    revalidatePath("/admin/settings");
    const now = r.public ? "The status page is public." : "The status page is now for signed-in users only.";
    return { ok: true, message: r.changed ? now : `No change: ${now.charAt(0).toLowerCase()}${now.slice(1)}`, at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}
