// The first-run checklist for admins: what a fresh install still lacks, computed from counts that
// lib/setup/checklist-queries.ts reads from real data. Pure, so every case is a table row in a test.

export type SetupCounts = {
  /** Services that are not archived. */
  services: number;
  /** The active policy's version; null when no valid policy is loaded. */
  activePolicyVersion: string | null;
  /** The version an admin last marked as reviewed; null before the first review. */
  reviewedPolicyVersion: string | null;
  /** Deliveries of channel test messages that arrived. */
  deliveredChannelTests: number;
  contacts: number;
  escalationPathVersions: number;
  /** Active users who are not admins and have accepted their invitation. */
  teamMembers: number;
  succeededDrills: number;
};

export type ChecklistItemId = "services" | "matrix" | "channel" | "contacts" | "team" | "drill";

export type ChecklistItem = {
  id: ChecklistItemId;
  title: string;
  /** A second clause after the title, e.g. the file alternative to adding services by hand. */
  detail?: string;
  href: string;
  done: boolean;
  /** One line: why this matters, or what is still missing. Shown while not done. */
  why: string;
};

export type Checklist = { items: ChecklistItem[]; done: number; total: number; visible: boolean };

function matrixWhy(c: SetupCounts): string {
  if (!c.activePolicyVersion) return "No valid policy is loaded: fix the policy file, then review it.";
  if (c.reviewedPolicyVersion && c.reviewedPolicyVersion !== c.activePolicyVersion) return "The policy changed since it was reviewed.";
  return "It decides severities, who may roll back and who must approve: make sure those rules are yours.";
}

function contactsWhy(c: SetupCounts): string {
  if (c.contacts > 0 && c.escalationPathVersions === 0) return "Contacts are in; save the escalation path so waiting approvals reach them.";
  if (c.contacts === 0 && c.escalationPathVersions > 0) return "The escalation path is saved but reaches nobody: add the people it should call.";
  return "When an approval waits too long, the escalation path says whom to reach, and how.";
}

export function setupChecklist(c: SetupCounts): Checklist {
  const items: ChecklistItem[] = [
    {
      id: "services",
      title: "Add your services",
      detail: "or point SERVICES_FILE at a catalogue file",
      href: "/services",
      done: c.services > 0,
      why: "Incidents are declared against services: nobody can declare one until a service exists.",
    },
    {
      id: "matrix",
      title: "Check the decision matrix",
      href: "/matrix",
      done: c.activePolicyVersion !== null && c.reviewedPolicyVersion === c.activePolicyVersion,
      why: matrixWhy(c),
    },
    {
      id: "channel",
      title: "Add a channel and send a test message",
      href: "/admin/channels",
      done: c.deliveredChannelTests > 0,
      why: "Incident messages and escalations need somewhere to go.",
    },
    {
      id: "contacts",
      title: "Add contacts and the escalation path",
      href: "/admin/contacts",
      done: c.contacts > 0 && c.escalationPathVersions > 0,
      why: contactsWhy(c),
    },
    {
      id: "team",
      title: "Invite your team",
      href: "/admin/users",
      done: c.teamMembers > 0,
      why: "On-call engineers declare and roll back, approvers decide: so far only administrators can sign in.",
    },
    {
      id: "drill",
      title: "Run a drill",
      href: "/runbooks",
      done: c.succeededDrills > 0,
      why: "Practise a rollback in a non-production environment (on an incident, Rollback → Mode: Drill), so the first real one is not the first run.",
    },
  ];
  const done = items.filter((i) => i.done).length;
  return { items, done, total: items.length, visible: done < items.length };
}
