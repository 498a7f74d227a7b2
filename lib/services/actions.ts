"use server";
import { formAction } from "../form-action.ts";
import { archiveService, createService, deleteService, setServiceVersions, updateService } from "./catalog-verbs.ts";
import { errorState, type ActionState } from "../action-state.ts";
import { requireCtx } from "../auth/session.ts";
import { revalidatePath } from "next/cache";
import { importCatalog } from "./import-catalog.ts";
import { serviceInputFromForm } from "./schemas.ts";

const services = () => "/services";

export const createServiceAction = formAction(createService, {
  input: serviceInputFromForm,
  revalidate: services,
  success: (s) => `${s.name} added. It can now be chosen when an incident is declared.`,
  clears: true,
});
export const updateServiceAction = formAction(updateService, { input: serviceInputFromForm, revalidate: services, success: "Saved." });
export const setServiceVersionsAction = formAction(setServiceVersions, { revalidate: services, success: "Versions saved." });
export const archiveServiceAction = formAction(archiveService, {
  input: (v) => ({ id: v.id, archived: v.archived === "true" }),
  revalidate: services,
  success: (_r, v) => (v.archived === "true" ? "Archived: it no longer appears when declaring or on the status page." : "Restored."),
});
export const deleteServiceAction = formAction(deleteService, { revalidate: services, success: "Deleted." });

/** A catalog-info.yaml pasted or uploaded; the skipped documents come back with their reasons. */
export async function importCatalogAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const file = form.get("file");
  const pasted = form.get("text");
  const text = file instanceof File && file.size > 0 ? await file.text() : typeof pasted === "string" ? pasted : "";
  const values = { text: typeof pasted === "string" ? pasted : "" };
  try {
    const r = await importCatalog({ ctx: await requireCtx(), input: { text } });
    revalidatePath("/services");
    const parts = [`${r.created.length} added`, `${r.updated.length} updated`, `${r.unchanged.length} unchanged`, `${r.skipped.length} skipped`];
    const skipped = r.skipped.map((s) => `${s.ref}: ${s.reason}`);
    return { ok: true, message: `Imported: ${parts.join(", ")}.`, fieldErrors: skipped.length ? { skipped } : undefined, at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}
