import { db } from "../db/client.ts";
import { policyState } from "../decisions/policy-registry.ts";
import { policyReview } from "../policy-review/queries.ts";
import type { SetupCounts } from "./checklist.ts";

// Counts only: the checklist and the empty states need to know whether something exists, not what.

/** Services that are not archived: what the declare form offers. */
export function activeServiceCount(): Promise<number> {
  return db().service.count({ where: { archivedAt: null } });
}

/** Whether any incident was ever declared (an empty list then means "none yet", not "no match"). */
export async function anyIncident(): Promise<boolean> {
  return (await db().incident.findFirst({ select: { id: true } })) !== null;
}

export async function setupCounts(): Promise<SetupCounts> {
  const client = db();
  const [services, review, deliveredChannelTests, contacts, escalationPathVersions, teamMembers, succeededDrills] = await Promise.all([
    activeServiceCount(),
    policyReview(),
    // The channel test message's contract: Message.trigger "channel_test", one Delivery per channel.
    client.delivery.count({ where: { status: "delivered", message: { trigger: "channel_test" } } }),
    client.contact.count(),
    client.escalationPathVersion.count(),
    // A pending invitation (no password yet, an open invite token) is not a team member yet.
    client.user.count({ where: { active: true, role: { not: "admin" }, OR: [{ passwordHash: { not: null } }, { inviteTokenHash: null }] } }),
    client.run.count({ where: { mode: "drill", status: "succeeded" } }),
  ]);
  return {
    services,
    activePolicyVersion: policyState().active?.version ?? null,
    reviewedPolicyVersion: review?.version ?? null,
    deliveredChannelTests,
    contacts,
    escalationPathVersions,
    teamMembers,
    succeededDrills,
  };
}
