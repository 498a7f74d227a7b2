"use server";
import { formAction } from "../form-action.ts";
import { setStatusVisibility } from "./status-visibility.ts";

export const setStatusVisibilityAction = formAction(setStatusVisibility, {
  revalidate: () => "/admin/settings",
  success: (r) => {
    const now = r.public ? "The status page is public." : "The status page is now for signed-in users only.";
    return r.changed ? now : `No change: ${now.charAt(0).toLowerCase()}${now.slice(1)}`;
  },
  clears: true,
});
