import { z } from "zod";
import { singleLine } from "../validation/text.ts";

/** The Setting that records the last policy review. */
export const POLICY_REVIEWED_KEY = "policy.reviewed";

export const ZReviewPolicy = z.object({
  version: singleLine("Say which policy version you reviewed.").trim().min(1, "Say which policy version you reviewed.").max(200),
});
export type ReviewPolicy = z.infer<typeof ZReviewPolicy>;

// The stored value of `policy.reviewed`; parsed here and nowhere else.
export const ZPolicyReviewed = z.object({
  version: z.string().min(1),
  byId: z.string().nullable(),
  byLabel: z.string(),
  at: z.iso.datetime(),
});
export type PolicyReviewed = z.infer<typeof ZPolicyReviewed>;

/** The stored review, or null when there is none or the stored value is not one we wrote. */
export function parsePolicyReviewed(value: unknown): PolicyReviewed | null {
  const parsed = ZPolicyReviewed.safeParse(value);
  return parsed.success ? parsed.data : null;
}
