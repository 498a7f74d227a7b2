/** The timing part of an escalation step: the policy's steps and saved paths both have it. */
export type TimedStep = { afterMinutes: number };

/**
 * Escalation step i (i >= 1) is due once the response target has passed and the path's own
 * time for that step has come: max(responseMinutes, step.afterMinutes) after the request.
 * Pure, so the sweeper and the tests agree on when.
 */
export function escalationDue(steps: readonly TimedStep[], responseMinutes: number, createdAt: Date, now: Date): number {
  const elapsed = (now.getTime() - createdAt.getTime()) / 60_000;
  let level = 0;
  steps.forEach((step, i) => {
    if (i > 0 && elapsed >= Math.max(responseMinutes, step.afterMinutes)) level = i;
  });
  return level;
}

export function nextEscalationAt(steps: readonly TimedStep[], responseMinutes: number, createdAt: Date, level: number): Date | null {
  const step = steps[level + 1];
  if (!step) return null;
  return new Date(createdAt.getTime() + Math.max(responseMinutes, step.afterMinutes) * 60_000);
}
