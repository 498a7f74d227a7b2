"use server";
import { revalidatePath } from "next/cache";
import { requireCtx } from "../auth/session.ts";
import { errorState, formValues, type ActionState } from "../action-state.ts";
import { archiveService, createService, deleteService, setServiceVersions, updateService } from "./catalog-verbs.ts";
import { importCatalog } from "./import-catalog.ts";
import { serviceInputFromForm } from "./schemas.ts";

export async function createServiceAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const s = await createService({ ctx: await requireCtx(), input: serviceInputFromForm(values) });
    revalidatePath("/services");
    return { ok: true, message: `${s.name} added. It can now be chosen when an incident is declared.`, at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}

export async function updateServiceAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    await updateService({ ctx: await requireCtx(), input: serviceInputFromForm(values) });
    revalidatePath("/services");
    return { ok: true, message: "Saved." };
  } catch (err) {
    return errorState(err, values);
  }
}

export async function setServiceVersionsAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    await setServiceVersions({ ctx: await requireCtx(), input: values });
    revalidatePath("/services");
    return { ok: true, message: "Versions saved." };
  } catch (err) {
    return errorState(err, values);
  }
}

export async function archiveServiceAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const archived = values.archived === "true";
    await archiveService({ ctx: await requireCtx(), input: { id: values.id, archived } });
    revalidatePath("/services");
    return { ok: true, message: archived ? "Archived: it no longer appears when declaring or on the status page." : "Restored." };
  } catch (err) {
    return errorState(err, values);
  }
}

export async function deleteServiceAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    await deleteService({ ctx: await requireCtx(), input: { id: values.id } });
    revalidatePath("/services");
    return { ok: true, message: "Deleted." };
  } catch (err) {
    return errorState(err, values);
  }
}

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
