"use server";
import { formAction } from "../form-action.ts";
import { discardDraft, sendDraft } from "./drafts.ts";

export const sendDraftAction = formAction(sendDraft, {
  input: (v, form) => ({ ...v, channelIds: form.getAll("channelIds") }),
  revalidate: (v) => `/incidents/${String(v.key)}`,
  success: "Sent: deliveries appear on the timeline.",
  clears: true,
});

export const discardDraftAction = formAction(discardDraft, {
  revalidate: (v) => `/incidents/${String(v.key)}`,
  success: "Draft discarded.",
  clears: true,
});
