import type { Tx } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import type { Severity } from "../db/generated/enums.ts";
import { AUTOMATION_LABEL, type Actor, type Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { isAppError } from "../errors.ts";
import { env } from "../env.ts";
import { recordIncidentChange } from "../incidents/record.ts";
import { insertIncident } from "../incidents/create-incident.ts";
import { evaluate, withSeverity, type Decision, type LoadedPolicy } from "../policy/evaluate.ts";
import { escalationPath } from "../contacts/escalation-path.ts";
import { reachOf } from "../contacts/queries.ts";
import { queueMessage } from "../comms/deliver.ts";
import { commsKey } from "../comms/key.ts";
import { planRollback } from "../approvals/request-rollback.ts";
import { nextEscalationAt } from "../approvals/escalation.ts";
import { startOrRecordFailure } from "../runs/start-run.ts";
import type { AfterCommit } from "../runs/lifecycle.ts";
import type { LoadedRunbook } from "../runbooks/load.ts";
import { readServiceRunbooks } from "../services/rollback-runbooks.ts";

// What automation does once decideGroup() said so, each step in the ingesting transaction and by
// the automation actor, which may only declare, note, request a rollback and start its run.

export function automationActor(groupId: string): Actor {
  return { type: "automation", id: groupId, label: AUTOMATION_LABEL };
}

/** The escalation path's first step: its contacts, and the first of them who is a Rollcall user. */
export async function firstResponders(tx: Tx) {
  const path = await escalationPath(tx);
  const first = path.steps[0];
  const contactIds = first?.contactIds ?? [];
  const contacts = contactIds.length
    ? await tx.contact.findMany({ where: { id: { in: contactIds } }, select: { id: true, name: true, user: { select: { id: true, name: true, active: true } } } })
    : [];
  // The path's order, not the database's: the first contact named is the commander.
  const ordered = contactIds.map((id) => contacts.find((c) => c.id === id)).filter((c) => c !== undefined);
  const commander = ordered.find((c) => c.user?.active)?.user ?? null;
  return { step: first ?? null, contactIds, commander };
}

export type AlertSummary = { title: string; serviceName: string; lines: string[] };

/** Declares the incident an alert group calls for, commanded by the escalation path's first contact. */
export async function declareFromAlert(
  tx: Tx,
  ctx: Ctx,
  a: { loaded: LoadedPolicy; decision: Decision; summary: AlertSummary; service: { id: string; name: string }; trigger: string | null; detectedAt: Date; now: Date },
) {
  assertCan(ctx.actor, "incident.declare");
  const { commander } = await firstResponders(tx);
  const severity: Severity = a.decision.severity ?? "HIGH";
  const final = withSeverity(a.loaded, a.decision, severity, a.detectedAt);
  const triggerId = a.trigger && a.loaded.policy.triggers.some((t) => t.id === a.trigger) ? a.trigger : null;
  const triggerLabel = triggerId ? a.loaded.policy.triggers.find((t) => t.id === triggerId)!.label : `Alert: ${a.summary.title}`;
  const created = await insertIncident(tx, ctx, {
    data: {
      title: `${a.summary.title} on ${a.service.name}`.slice(0, 140),
      summary: a.summary.lines.join("\n").slice(0, 4000),
      trigger: triggerLabel.slice(0, 200),
      triggerId: triggerId ?? undefined,
      usersAffectedPct: undefined,
      timeToFixMinutes: undefined,
      severity,
      severityReason: "",
    },
    services: [a.service],
    loaded: a.loaded,
    recommendation: a.decision,
    final,
    overridden: false,
    commanderId: commander?.id ?? null,
    declaredById: null,
    detectedAt: a.detectedAt,
    now: a.now,
  });
  return { ...created, commander: commander?.name ?? null };
}

type RollbackArgs = {
  loaded: LoadedPolicy;
  decision: Decision;
  incident: { id: string; key: string; title: string; severity: Severity; detectedAt: Date };
  service: { runbooks: unknown; lastKnownGoodVersion: string; currentVersion: string | null; name: string };
  runbook: LoadedRunbook;
  how: "start" | "request";
  groupId: string;
  reopen: number;
  reason: string;
  now: Date;
};

/** planRollback's answer, or why automation cannot plan this rollback (said on the decision). */
export function planAutomaticRollback(a: Pick<RollbackArgs, "runbook" | "service">) {
  const defaults = readServiceRunbooks(a.service.runbooks).find((r) => r.runbook === a.runbook.runbook.name)?.defaults.production ?? {};
  try {
    const plan = planRollback(a.runbook, { key: "", idempotencyKey: "", runbook: a.runbook.runbook.name, mode: "live", environment: "production", scope: "", target: a.service.lastKnownGoodVersion!, params: {}, reason: "automatic" }, defaults, process.env);
    return { ok: true as const, plan };
  } catch (err) {
    if (!isAppError(err)) throw err;
    const detail = Object.values(err.fieldErrors).flat().join(" ");
    return { ok: false as const, error: `${err.message}${detail ? ` ${detail}` : ""}` };
  }
}

/**
 * The rollback record automation creates: the service's runbook to its last known good version, in
 * production. autoRollback yes opens the gate and starts the run; conditional waits for the
 * severity's normal approval gate. One per group episode (idempotency key), one live per incident.
 */
export async function requestAutomaticRollback(tx: Tx, ctx: Ctx, a: RollbackArgs): Promise<{ requestId: string; status: string; runId: string | null; approverRoles: string[]; after: AfterCommit[] } | { error: string }> {
  assertCan(ctx.actor, "rollback.request");
  await tx.$executeRaw`select pg_advisory_xact_lock(hashtext(${`rollback:${a.incident.key}`}))`;
  const idempotencyKey = `auto:${a.groupId}:${a.reopen}`;
  const again = await tx.rollbackRequest.findUnique({ where: { idempotencyKey }, select: { id: true, status: true } });
  if (again) return { requestId: again.id, status: again.status, runId: null, approverRoles: [], after: [] };
  const open = await tx.rollbackRequest.findFirst({
    where: { incidentId: a.incident.id, mode: "live", status: { in: ["pending", "approved", "overridden"] }, OR: [{ run: null }, { run: { status: { in: ["running", "paused"] } } }] },
    select: { id: true },
  });
  if (open) return { error: `A rollback of ${a.incident.key} is already open.` };
  const planned = planAutomaticRollback(a);
  if (!planned.ok) return { error: planned.error };

  const gateDecision = withSeverity(a.loaded, evaluate(a.loaded, {}, a.incident.detectedAt), a.incident.severity, a.incident.detectedAt);
  const policyGate = gateDecision.approval ?? { mode: "none" as const, roles: [], quorum: 1, selfApproval: false, expiresMinutes: 60, start: "auto" as const };
  const approval = a.how === "start" ? { ...policyGate, mode: "none" as const, roles: [], start: "auto" as const } : policyGate;
  const gateOpen = approval.mode === "none";
  const responseMinutes = gateDecision.responseMinutes ?? 60;
  const scope = a.decision.scope?.id ?? null;
  const target = a.service.lastKnownGoodVersion;
  const req = await tx.rollbackRequest.create({
    data: {
      incidentId: a.incident.id,
      requestedById: null,
      requesterRole: "automation",
      idempotencyKey,
      scope,
      target,
      runbook: a.runbook.runbook.name,
      runbookVersion: a.runbook.version,
      runbookSnapshot: { file: a.runbook.file, source: a.runbook.source } as Prisma.InputJsonValue,
      params: planned.plan.params as Prisma.InputJsonValue,
      mode: "live",
      environment: "production",
      reason: a.reason.slice(0, 2000),
      severity: a.incident.severity,
      policyVersion: a.loaded.version,
      gate: approval.mode,
      approverRoles: approval.roles,
      quorum: approval.mode === "quorum" ? approval.quorum : 1,
      selfApproval: approval.selfApproval,
      autoStart: approval.start === "auto",
      status: gateOpen ? "approved" : "pending",
      decidedAt: gateOpen ? a.now : null,
      expiresAt: gateOpen ? null : new Date(a.now.getTime() + approval.expiresMinutes * 60_000),
      nextEscalationAt: gateOpen ? null : nextEscalationAt((await escalationPath(tx)).steps, responseMinutes, a.now, 0),
    },
    select: { id: true, status: true, autoStart: true },
  });
  const common = {
    requestId: req.id, runbook: a.runbook.runbook.name, runbookVersion: a.runbook.version, params: planned.plan.params, mode: "live", environment: "production",
    scope, target, from: a.service.currentVersion, severity: a.incident.severity, policyVersion: a.loaded.version, gate: approval.mode, automatic: true,
  };
  await recordIncidentChange(tx, ctx, {
    incidentId: a.incident.id, incidentKey: a.incident.key, kind: "rollback_requested",
    payload: { ...common, reason: a.reason, approverRoles: approval.roles, quorum: approval.quorum },
    action: "rollback.request", after: { ...common, reason: a.reason },
  });
  if (!gateOpen) return { requestId: req.id, status: req.status, runId: null, approverRoles: approval.roles, after: [] };
  const why = a.how === "start" ? `autoRollback is yes at ${a.incident.severity}: automation starts it` : `${a.incident.severity}: no approval needed under the policy`;
  await recordIncidentChange(tx, ctx, {
    incidentId: a.incident.id, incidentKey: a.incident.key, kind: "rollback_approved",
    payload: { ...common, note: why, final: true }, action: "rollback.approve_open_gate", after: { ...common, why },
  });
  if (!req.autoStart) return { requestId: req.id, status: req.status, runId: null, approverRoles: [], after: [] };
  assertCan(ctx.actor, "run.start");
  const started = await startOrRecordFailure(tx, ctx, req.id, a.incident, a.now);
  return { requestId: req.id, status: req.status, runId: started.runId, approverRoles: [], after: started.after };
}

export type AskResult = { channels: string[]; contacts: string[]; undelivered: string | null };

/**
 * Asks on-call (the escalation path's first step) to decide: a message to their channels in this
 * transaction. When nobody can be reached the result says why, and the decision records it.
 */
export async function askOnCall(tx: Tx, a: { incident: { id: string; key: string } | null; subject: string; body: string; now: Date }): Promise<AskResult> {
  const { step, contactIds } = await firstResponders(tx);
  const reach = await reachOf(tx, contactIds);
  const contacts = reach.contacts.map((c) => `${c.name} (${c.title})`);
  if (!reach.contacts.length) return { channels: [], contacts, undelivered: `No contact is set for ${step?.role ?? "the first step"} of the escalation path; add one at /admin/contacts.` };
  if (!reach.channels.length) return { channels: [], contacts, undelivered: `No channel is configured for ${contacts.join(", ")}; add one at /admin/contacts.` };
  if (!commsKey()) return { channels: [], contacts, undelivered: "Channels cannot be used: COMMS_KEY is not set." };
  const e = env();
  const link = `${(e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, "")}${a.incident ? `/incidents/${a.incident.key}` : "/alerts"}`;
  try {
    await queueMessage(tx, { incidentId: a.incident?.id ?? null, audience: "internal", subject: a.subject.slice(0, 200), body: `${a.body}\n\nDecide in Rollcall: ${link}`, channelIds: reach.channels.map((c) => c.id) }, a.now);
    return { channels: reach.channels.map((c) => c.name), contacts, undelivered: null };
  } catch (err) {
    if (!isAppError(err)) throw err;
    return { channels: [], contacts, undelivered: err.message };
  }
}
