import { db } from "../db/client.ts";
import { parsePolicyReviewed, POLICY_REVIEWED_KEY, type PolicyReviewed } from "./schemas.ts";

/** Who marked which policy version as reviewed, and when; null before the first review. */
export async function policyReview(): Promise<PolicyReviewed | null> {
  const row = await db().setting.findUnique({ where: { key: POLICY_REVIEWED_KEY }, select: { value: true } });
  return row ? parsePolicyReviewed(row.value) : null;
}
