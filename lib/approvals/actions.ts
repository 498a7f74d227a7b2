"use server";
import { revalidatePath } from "next/cache";
import { requireCtx } from "../auth/session.ts";
import { errorState, formValues, type ActionState } from "../action-state.ts";
import { requestRollback } from "./request-rollback.ts";
import { breakGlass, cancelRollback, decideRequest } from "./decide-request.ts";
import { startApprovedRollback } from "../runs/start-run.ts";

// Public POST endpoints: each resolves the actor on the server; the verbs check permission first.

export async function requestRollbackAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const params: Record<string, string> = {};
    for (const [k, v] of form.entries()) if (k.startsWith("param.") && typeof v === "string") params[k.slice(6)] = v;
    const r = await requestRollback({ ctx: await requireCtx(), input: { ...values, params } });
    revalidatePath(`/incidents/${String(values.key)}`);
    return { ok: true, message: r.status === "approved" ? "Approved at once (no approval needed): the run starts now." : "Rollback requested; approvers have been told.", at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}

export async function decideRequestAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const r = await decideRequest({ ctx: await requireCtx(), input: values });
    revalidatePath("/approvals");
    return { ok: true, message: r.status === "approved" ? "Approved: the rollback starts now, exactly as requested." : r.status === "rejected" ? "Rejected." : "Your approval is recorded; more are needed.", at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}

export async function breakGlassAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    await breakGlass({ ctx: await requireCtx(), input: values });
    revalidatePath("/approvals");
    return { ok: true, message: "Gate overridden. The incident is flagged for review and approvers were told.", at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}

export async function startRollbackAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    await startApprovedRollback({ ctx: await requireCtx(), input: values });
    revalidatePath("/approvals");
    return { ok: true, message: "Started.", at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}

export async function cancelRollbackAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    await cancelRollback({ ctx: await requireCtx(), input: values });
    revalidatePath("/approvals");
    return { ok: true, message: "Cancelled.", at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}
