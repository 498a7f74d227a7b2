// Who may break glass on whose request: the severity's `approval.breakGlass` in the policy,
// snapshotted on each request. Pure; the permission (rollback.breakglass) is checked separately.

export type BreakGlassRule = {
  /** Roles that may break glass on this severity's requests; empty: every role allowed to break glass. */
  roles: readonly string[];
  /** Whether the person who asked for the rollback may break glass on it themselves. */
  ownRequest: boolean;
};

/** The default: anyone allowed to break glass, except the requester. */
export const DEFAULT_BREAK_GLASS: BreakGlassRule = { roles: [], ownRequest: false };

export type BreakGlassAttempt = {
  /** The person breaking glass (null for actors that are not a person). */
  userId: string | null;
  role: string | null;
  request: { requestedById: string | null; severity: string };
};

/** Why the policy refuses this person break-glass on this request, or null when it allows it. */
export function breakGlassRefusal(rule: BreakGlassRule, a: BreakGlassAttempt): string | null {
  if (!rule.ownRequest && a.userId !== null && a.userId === a.request.requestedById) {
    return "You asked for this rollback, so you cannot break glass on it: the policy needs a second person to override the gate.";
  }
  if (rule.roles.length > 0 && (a.role === null || !rule.roles.includes(a.role))) {
    return `Under the policy only ${rule.roles.join(" or ")} may break glass on a ${a.request.severity} request.`;
  }
  return null;
}

/** The rule in a few words, as the matrix page shows it ("anyone allowed to, not the requester"). */
export function describeBreakGlass(rule: BreakGlassRule): string {
  const who = rule.roles.length > 0 ? rule.roles.join(" or ") : "anyone allowed to";
  return `break glass: ${who}${rule.ownRequest ? ", the requester too" : ", not the requester"}`;
}
