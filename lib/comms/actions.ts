"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireCtx } from "../auth/session.ts";
import { errorState, formValues, type ActionState } from "../action-state.ts";
import { addChannel, sendMessage } from "./send-message.ts";
import { deleteChannel, sendTestMessage, setChannelActive, updateChannel } from "./manage-channels.ts";

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

/** What a form may send back after an error: never the secrets it was given. */
function withoutSecrets(values: Record<string, string | string[]>) {
  const { secret: _s, webhookUrl: _w, smtpUrl: _m, url: _u, ...kept } = values;
  return kept;
}

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

export async function updateChannelAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const r = await updateChannel({ ctx: await requireCtx(), input: values });
    revalidatePath("/admin/channels");
    return { ok: true, message: r.changed ? `Saved ${r.name}.` : "Nothing changed.", at: Date.now() };
  } catch (err) {
    return errorState(err, withoutSecrets(values));
  }
}

export async function setChannelActiveAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const r = await setChannelActive({ ctx: await requireCtx(), input: values });
    revalidatePath("/admin/channels");
    return { ok: true, message: r.active ? `${r.name} is enabled.` : `${r.name} is disabled.`, at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}

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
