"use server";
import { formAction } from "../form-action.ts";
import { postPublicUpdate, setServiceState } from "./publish-status.ts";

export const postPublicUpdateAction = formAction(postPublicUpdate, {
  revalidate: (v) => `/incidents/${String(v.key)}`,
  success: "Published on the status page.",
  clears: true,
});

export const setServiceStateAction = formAction(setServiceState, { success: "Service state updated.", clears: true });
