"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireCtx } from "../auth/session.ts";
import { errorState, formValues, type ActionState } from "../action-state.ts";
import { addChannel, sendMessage } from "./send-message.ts";
import { formAction } from "../form-action.ts";
import { deleteChannel, sendTestMessage, setChannelActive, updateChannel } from "./manage-channels.ts";

// Channel settings the admin typed are secrets: never sent back to the browser on an error.
const SECRET_FIELDS = ["secret", "webhookUrl", "smtpUrl", "url"] as const;
const channels = () => "/admin/channels";

export const sendMessageAction = formAction(sendMessage, {
  input: (v, form) => ({ ...v, channelIds: form.getAll("channelIds") }),
  revalidate: (v) => `/incidents/${String(v.key)}`,
  success: (queued, v) => (queued ? `Queued${v.statusPage === "on" ? " and published on the status page" : ""}: deliveries appear on the timeline.` : "Published on the status page."),
  clears: true,
});

export const addChannelAction = formAction(addChannel, { revalidate: channels, success: "Channel added. Its secrets are stored encrypted.", clears: true, secret: ["secret", "webhookUrl", "smtpUrl"] });

export async function testChannelAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const r = await sendTestMessage({ ctx: await requireCtx(), input: values });
    revalidatePath("/admin/channels");
    const code = r.status === null ? "" : ` (${r.kind === "email" ? "SMTP" : "HTTP"} ${r.status})`;
    return r.ok ? { ok: true, message: `Delivered${code}.`, at: Date.now() } : { ok: false, message: `Not delivered: ${r.detail}`, at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}

export const updateChannelAction = formAction(updateChannel, { revalidate: channels, success: (r) => (r.changed ? `Saved ${r.name}.` : "Nothing changed."), clears: true, secret: SECRET_FIELDS });

export const setChannelActiveAction = formAction(setChannelActive, { revalidate: channels, success: (r) => (r.active ? `${r.name} is enabled.` : `${r.name} is disabled.`), clears: true });

/** On success the channel's row is gone, so the page itself says what happened (?deleted=…). */
export async function deleteChannelAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  let done: { name: string; deliveriesGivenUp: number };
  try {
    done = await deleteChannel({ ctx: await requireCtx(), input: values });
  } catch (err) {
    return errorState(err, values);
  }
  revalidatePath("/admin/channels");
  redirect(`/admin/channels?${new URLSearchParams({ deleted: done.name, gaveUp: String(done.deliveriesGivenUp) }).toString()}`);
}
