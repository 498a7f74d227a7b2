"use server";
import { revalidatePath } from "next/cache";
import { requireCtx } from "../auth/session.ts";
import { errorState, formValues, type ActionState } from "../action-state.ts";
import { addChannel, sendMessage } from "./send-message.ts";

export async function sendMessageAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    await sendMessage({ ctx: await requireCtx(), input: { ...values, channelIds: form.getAll("channelIds") } });
    revalidatePath(`/incidents/${String(values.key)}`);
    return { ok: true, message: "Queued: deliveries appear on the timeline.", at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}

export async function addChannelAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    await addChannel({ ctx: await requireCtx(), input: values });
    revalidatePath("/admin/channels");
    return { ok: true, message: "Channel added. Its secrets are stored encrypted.", at: Date.now() };
  } catch (err) {
    const { secret: _s, webhookUrl: _w, smtpUrl: _m, ...kept } = values;
    return errorState(err, kept);
  }
}
