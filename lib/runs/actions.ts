"use server";
import { revalidatePath } from "next/cache";
import { requireCtx } from "../auth/session.ts";
import { errorState, formValues, type ActionState } from "../action-state.ts";
import { operateRun } from "./operate.ts";
import { startRun } from "./start-run.ts";

export async function startRunAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const params: Record<string, string> = {};
    for (const [k, v] of form.entries()) if (k.startsWith("param.") && typeof v === "string") params[k.slice(6)] = v;
    const run = await startRun({ ctx: await requireCtx(), input: { key: values.key, runbook: values.runbook, mode: values.mode, params } });
    revalidatePath(`/incidents/${String(values.key)}`);
    return { ok: true, message: run.created ? `${run.mode === "dry_run" ? "Dry run" : run.mode === "drill" ? "Drill" : "Rollback"} started.` : "That rollback is already running.", at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}

export async function operateRunAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    await operateRun({ ctx: await requireCtx(), input: { ...values, checked: form.getAll("checked") } });
    return { ok: true, message: "Done.", at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}
