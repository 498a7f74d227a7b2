import { db } from "../db/client.ts";
import { actorFields, type Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { appendAudit } from "../audit/index.ts";
import { policyState } from "../decisions/policy-registry.ts";
import { parsePolicyReviewed, POLICY_REVIEWED_KEY, ZReviewPolicy, type PolicyReviewed } from "./schemas.ts";

/**
 * An admin says they read the active decision matrix. The input names the version they read, so
 * a policy file that changed while they were reading is refused rather than marked reviewed.
 */
export async function reviewPolicy({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<PolicyReviewed> {
  assertCan(ctx.actor, "settings.manage");
  const parsed = ZReviewPolicy.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { version } = parsed.data;
  const active = policyState().active;
  if (!active) throw new AppError("CONFLICT", "No valid policy is loaded, so there is nothing to mark as reviewed. Fix the policy file first.");
  if (active.version !== version) {
    throw new AppError("CONFLICT", `The policy changed while you were reading it: version ${version} is no longer active (${active.version} is). Reload the page and review the new version.`);
  }
  const a = actorFields(ctx.actor);
  const review: PolicyReviewed = { version, byId: a.actorId, byLabel: a.actorLabel, at: new Date().toISOString() };
  await db().$transaction(async (tx) => {
    const before = await tx.setting.findUnique({ where: { key: POLICY_REVIEWED_KEY }, select: { value: true } });
    await tx.setting.upsert({ where: { key: POLICY_REVIEWED_KEY }, create: { key: POLICY_REVIEWED_KEY, value: review }, update: { value: review } });
    await appendAudit(tx, ctx, { action: "policy.review", targetType: "policy", targetId: version, before: before ? parsePolicyReviewed(before.value) : null, after: review });
  });
  return review;
}
