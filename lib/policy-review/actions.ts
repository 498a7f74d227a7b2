"use server";
import { formAction } from "../form-action.ts";
import { reviewPolicy } from "./review-policy.ts";

export const reviewPolicyAction = formAction(reviewPolicy, {
  revalidate: () => ["/matrix", "/"],
  success: (r) => `Marked version ${r.version} as reviewed.`,
  clears: true,
});
