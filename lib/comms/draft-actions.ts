"use server";
import { revalidatePath } from "next/cache";
import { requireCtx } from "../auth/session.ts";
import { errorState, formValues, type ActionState } from "../action-state.ts";
import { discardDraft, sendDraft } from "./drafts.ts";

export async function sendDraftAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    await sendDraft({ ctx: await requireCtx(), input: { ...values, channelIds: form.getAll("channelIds") } });
    revalidatePath(`/incidents/${String(values.key)}`);
    return { ok: true, message: "Sent: deliveries appear on the timeline.", at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}

export async function discardDraftAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    await discardDraft({ ctx: await requireCtx(), input: values });
    revalidatePath(`/incidents/${String(values.key)}`);
    return { ok: true, message: "Draft discarded.", at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}
