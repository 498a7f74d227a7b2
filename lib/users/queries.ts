import { db } from "../db/client.ts";
import { ROLES, type RoleName } from "../auth/permissions.ts";

export type TeamSummary = {
  /** Active users who can sign in (password set or single sign-on), per role. */
  activeByRole: Record<RoleName, number>;
  active: number;
  /** Invitations not yet accepted, still usable. */
  pendingInvitations: number;
  /** Invitations not accepted in time: an administrator has to issue a new link. */
  expiredInvitations: number;
};

/** Who is on the team so far, for the first-run checklist and the users page. */
export async function teamSummary(now: Date = new Date()): Promise<TeamSummary> {
  const client = db();
  const [byRole, pendingInvitations, expiredInvitations] = await Promise.all([
    client.user.groupBy({ by: ["role"], where: { active: true, inviteExpiresAt: null }, _count: { _all: true } }),
    client.user.count({ where: { active: true, inviteExpiresAt: { gt: now } } }),
    client.user.count({ where: { active: true, inviteExpiresAt: { lte: now } } }),
  ]);
  const activeByRole = Object.fromEntries(ROLES.map((r) => [r, 0])) as Record<RoleName, number>;
  for (const row of byRole) activeByRole[row.role] = row._count._all;
  const active = Object.values(activeByRole).reduce((a, b) => a + b, 0);
  return { activeByRole, active, pendingInvitations, expiredInvitations };
}
