"use server";
import { revalidatePath } from "next/cache";
import { requireCtx } from "../auth/session.ts";
import { errorState, formValues, type ActionState } from "../action-state.ts";
import { restoreTemplateVersion, saveTemplateVersion } from "./save-template.ts";

export async function saveTemplateAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const saved = await saveTemplateVersion({ ctx: await requireCtx(), input: values });
    revalidatePath("/admin/templates");
    return { ok: true, message: `Saved ${saved.name} as version ${saved.version}.`, values: { name: saved.name, version: String(saved.version) }, at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}

export async function restoreTemplateAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const saved = await restoreTemplateVersion({ ctx: await requireCtx(), input: values });
    revalidatePath("/admin/templates");
    return { ok: true, message: `Restored version ${String(values.version)} of ${saved.name} as version ${saved.version}.`, values: { name: saved.name, version: String(saved.version) }, at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}
