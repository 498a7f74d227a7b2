import type { Policy } from "../policy/schema.ts";

/**
 * Escalation step i (i >= 1) is due once the response target has passed and the path's own
 * time for that step has come: max(responseMinutes, step.afterMinutes) after the request.
 * Pure, so the sweeper and the tests agree on when.
 */
export function escalationDue(policy: Policy, responseMinutes: number, createdAt: Date, now: Date): number {
  const elapsed = (now.getTime() - createdAt.getTime()) / 60_000;
  let level = 0;
  policy.escalation.forEach((step, i) => {
    if (i > 0 && elapsed >= Math.max(responseMinutes, step.afterMinutes)) level = i;
  });
  return level;
}

export function nextEscalationAt(policy: Policy, responseMinutes: number, createdAt: Date, level: number): Date | null {
  const step = policy.escalation[level + 1];
  if (!step) return null;
  return new Date(createdAt.getTime() + Math.max(responseMinutes, step.afterMinutes) * 60_000);
}
