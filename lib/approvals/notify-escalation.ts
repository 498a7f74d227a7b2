import type { Tx } from "../db/client.ts";
import { env } from "../env.ts";
import { isAppError } from "../errors.ts";
import { ROLE_LABELS, isRole } from "../auth/permissions.ts";
import { queueMessage } from "../comms/deliver.ts";
import { commsKey } from "../comms/key.ts";
import { reachOf } from "../contacts/queries.ts";
import type { EscalationStep } from "../contacts/escalation-path.ts";

export type EscalationFacts = {
  incident: { id: string; key: string; title: string };
  severity: string;
  request: { scope: string; target: string; reason: string; requestedBy: string; createdAt: Date; quorum: number };
  /** The step reached (its name is who the request now goes to) and its 0-based level. */
  step: { role: string; level: number; of: number };
  approverRoles: string[];
};

const roleLabel = (r: string) => (isRole(r) ? ROLE_LABELS[r] : r);

function since(createdAt: Date, now: Date) {
  const min = Math.max(0, Math.floor((now.getTime() - createdAt.getTime()) / 60_000));
  return `${createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC (${min} min ago)`;
}

/** Plain text (each channel escapes it for its format): which incident, what waits, since when, who decides, where. */
export function escalationText(f: EscalationFacts, now: Date, baseUrl: string): { subject: string; body: string } {
  const who = f.approverRoles.map(roleLabel).join(", ") || "nobody (check the policy)";
  const r = f.request;
  return {
    subject: `Escalated to ${f.step.role}: rollback approval waiting on ${f.incident.key} (${f.severity})`,
    body: [
      `${f.incident.key} "${f.incident.title}" (${f.severity}) has a rollback request waiting for approval since ${since(r.createdAt, now)}.`,
      `Waiting: roll back ${r.scope.replace(/_/g, " ")} to ${r.target}, requested by ${r.requestedBy}. Reason: ${r.reason}`,
      `Escalated to: ${f.step.role} (step ${f.step.level + 1} of ${f.step.of}).`,
      `Who may decide now: ${who}${r.quorum > 1 ? ` (${r.quorum} approvals needed)` : ""}.`,
      `Decide in Rollcall: ${baseUrl.replace(/\/$/, "")}/approvals`,
    ].join("\n"),
  };
}

export type EscalationNotice = { channels: string[]; contacts: string[]; messageId: string | null; undelivered: string | null };

/**
 * Queues the escalation message to the channels of the reached steps' contacts, in the sweeper's
 * transaction. When nobody can be reached the notice says why, and the timeline shows it: an
 * escalation is never dropped silently. queueMessage refuses before writing, so a refusal is safe to catch.
 */
export async function queueEscalationNotice(tx: Tx, f: EscalationFacts, steps: EscalationStep[], now: Date): Promise<EscalationNotice> {
  const reach = await reachOf(tx, [...new Set(steps.flatMap((s) => s.contactIds))]);
  const contacts = reach.contacts.map((c) => `${c.name} (${c.title})`);
  const none = (undelivered: string): EscalationNotice => ({ channels: [], contacts, messageId: null, undelivered });
  if (!reach.contacts.length) {
    const policyText = steps.map((s) => s.contact).filter(Boolean).join("; ");
    return none(`No contact is set for ${f.step.role} on the escalation path${policyText ? ` (the policy only says: ${policyText})` : ""}; add one at /admin/contacts.`);
  }
  if (!reach.channels.length) return none(`No channel is configured for ${contacts.join(", ")}; add one at /admin/contacts.`);
  if (!commsKey()) return none("Channels cannot be used: COMMS_KEY is not set.");
  const e = env();
  const text = escalationText(f, now, e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`);
  try {
    const queued = await queueMessage(tx, { incidentId: f.incident.id, audience: "internal", subject: text.subject, body: text.body, channelIds: reach.channels.map((c) => c.id) }, now);
    return { channels: reach.channels.map((c) => c.name), contacts, messageId: queued.messageId, undelivered: null };
  } catch (err) {
    if (!isAppError(err)) throw err;
    return none(err.message);
  }
}
