"use server";
import { revalidatePath } from "next/cache";
import { requireCtx } from "../auth/session.ts";
import { errorState, formValues, type ActionState } from "../action-state.ts";
import { requestRollback } from "./request-rollback.ts";
import { breakGlass, decideRequest } from "./decide-request.ts";

// Public POST endpoints: each resolves the actor on the server; the verbs check permission first.

export async function requestRollbackAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const r = await requestRollback({ ctx: await requireCtx(), input: values });
    revalidatePath(`/incidents/${String(values.key)}`);
    return { ok: true, message: r.status === "approved" ? "Rollback started: no approval needed for this severity." : "Rollback requested; approvers have been told.", at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}

export async function decideRequestAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const r = await decideRequest({ ctx: await requireCtx(), input: values });
    revalidatePath("/approvals");
    return { ok: true, message: r.status === "approved" ? "Approved: the rollback may start." : r.status === "rejected" ? "Rejected." : "Your approval is recorded; more are needed.", at: Date.now() };
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
