"use server";
import { revalidatePath } from "next/cache";
import { requireCtx } from "../auth/session.ts";
import { errorState, formValues, type ActionState } from "../action-state.ts";
import { addChannel, sendMessage } from "./send-message.ts";

export async function sendMessageAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const queued = await sendMessage({ ctx: await requireCtx(), input: { ...values, channelIds: form.getAll("channelIds") } });
    revalidatePath(`/incidents/${String(values.key)}`);
    const onStatusPage = values.statusPage === "on";
    const message = queued ? `Queued${onStatusPage ? " and published on the status page" : ""}: deliveries appear on the timeline.` : "Published on the status page.";
    return { ok: true, message, at: Date.now() };
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
