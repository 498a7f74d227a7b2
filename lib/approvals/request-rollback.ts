import { db, type Tx } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { actorLabel, actorRole, personId, type Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { publish } from "../realtime/publish.ts";
import { rooms, type ApprovalChanged } from "../realtime/events.ts";
import { evaluate, withSeverity } from "../policy/evaluate.ts";
import { DEFAULT_BREAK_GLASS } from "../policy/break-glass.ts";
import { activePolicy } from "../decisions/policy-registry.ts";
import { recordIncidentChange } from "../incidents/record.ts";
import { nextEscalationAt } from "./escalation.ts";
import { escalationPath } from "../contacts/escalation-path.ts";
import { ZRequestRollback, type RequestRollback } from "./schemas.ts";
import { findRunbook } from "../runs/runbook-registry.ts";
import { renderOrThrow } from "../runs/create-run.ts";
import { startOrRecordFailure } from "../runs/start-run.ts";
import { runAfterCommit, type AfterCommit } from "../runs/lifecycle.ts";
import { findEnvironment, fixedParams, runbookEnvironments } from "../runbooks/environments.ts";
import type { LoadedRunbook } from "../runbooks/load.ts";
import type { ParamValue } from "../runbooks/template.ts";
import { readServiceRunbooks } from "../services/rollback-runbooks.ts";

export function approvalEvent(e: Omit<ApprovalChanged, "at">, roles: string[]) {
  publish([rooms.incident(e.incidentKey), rooms.board, ...roles.map(rooms.approvals)], "approval:changed", { ...e, at: new Date().toISOString() });
}

/** Statuses of a rollback record whose outcome is still open (at most one live one per incident). */
const OPEN_GATE = ["pending", "approved", "overridden"] as const;

type Planned = { params: Record<string, ParamValue>; production: boolean };

/**
 * What will run, fixed now: the environment's values (which a request cannot change), the affected
 * services' defaults for that environment, what the requester typed, and the target version for
 * the runbook's one version parameter. Rendering every step checks it all before anything is saved.
 */
export function planRollback(loaded: LoadedRunbook, data: RequestRollback, serviceDefaults: Record<string, ParamValue>, serverEnv: Record<string, string | undefined>): Planned {
  const env = findEnvironment(loaded.runbook, data.environment);
  if (!env) {
    const names = runbookEnvironments(loaded.runbook).map((e) => e.name).join(", ");
    throw new AppError("VALIDATION", "Please correct the highlighted fields.", { environment: [`${loaded.runbook.name} runs in ${names}, not ${data.environment}.`] });
  }
  const fixed = fixedParams(env, serverEnv);
  if (!fixed.ok) throw new AppError("VALIDATION", "This environment cannot be used on this server.", Object.fromEntries(fixed.errors.map((e) => [`params.${e.param}`, [`${e.param} ${e.message}`]])));
  const typed = Object.fromEntries(Object.entries(data.params).filter(([, v]) => v !== ""));
  const clashes = Object.entries(typed).filter(([k, v]) => k in fixed.values && String(fixed.values[k]) !== v);
  if (clashes.length) {
    throw new AppError("VALIDATION", "Please correct the highlighted fields.", Object.fromEntries(clashes.map(([k]) => [`params.${k}`, [`${k} is fixed to ${String(fixed.values[k])} in ${env.name}.`]])));
  }
  const versionParams = loaded.runbook.parameters.filter((p) => p.type === "version");
  const fromTarget = versionParams.length === 1 && !(versionParams[0]!.name in typed) && !(versionParams[0]!.name in fixed.values) ? { [versionParams[0]!.name]: data.target } : {};
  const rendered = renderOrThrow(loaded, { ...serviceDefaults, ...fromTarget, ...typed, ...fixed.values }, env.name);
  return { params: rendered.params, production: env.production };
}

async function serviceDefaultsFor(tx: Tx, incidentId: string, runbook: string, environment: string): Promise<Record<string, ParamValue>> {
  const links = await tx.incidentService.findMany({ where: { incidentId }, select: { service: { select: { runbooks: true } } } });
  const out: Record<string, ParamValue> = {};
  for (const l of links) {
    const entry = readServiceRunbooks(l.service.runbooks).find((r) => r.runbook === runbook);
    Object.assign(out, entry?.defaults[environment] ?? {});
  }
  return out;
}

/**
 * A rollback is one record from request to outcome. It pins the runbook text, the validated
 * parameters, mode, environment, target and the gate the policy gave it; the gate approves exactly
 * this record, and a change is a new request. With the gate open (CRITICAL/HIGH for on-call, or a
 * drill outside production) the run starts in the same transaction.
 */
export async function requestRollback({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "rollback.request");
  const parsed = ZRequestRollback.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const data = parsed.data;
  const policy = activePolicy();
  const role = actorRole(ctx.actor);
  const requesterId = personId(ctx.actor);
  if (!requesterId) throw new AppError("FORBIDDEN", "Only a person (signed in, or by their API token) can request a rollback.");
  const loaded = await findRunbook(data.runbook);
  if (!loaded) throw new AppError("VALIDATION", "Please correct the highlighted fields.", { runbook: [`No runbook named “${data.runbook}” is loaded. Choose one from the list.`] });
  const now = new Date();

  const result = await db().$transaction(async (tx) => {
    // Serialise requests per incident: a double submit or two engineers at once make one request.
    await tx.$executeRaw`select pg_advisory_xact_lock(hashtext(${`rollback:${data.key}`}))`;
    const again = await tx.rollbackRequest.findUnique({ where: { idempotencyKey: data.idempotencyKey }, select: { id: true, status: true } });
    if (again) return { id: again.id, status: again.status, created: false as const, after: [] as AfterCommit[] };

    const inc = await tx.incident.findUnique({
      where: { key: data.key },
      select: { id: true, key: true, title: true, status: true, severity: true, triggerId: true, usersAffectedPct: true, timeToFixMinutes: true, detectedAt: true },
    });
    if (!inc) throw new AppError("NOT_FOUND", `Incident ${data.key} does not exist.`);
    if (inc.status === "resolved" || inc.status === "closed") throw new AppError("CONFLICT", "This incident is resolved; reopen it before requesting a rollback.");
    // One live rollback at a time; drills do not touch the incident, so several may run.
    const open = data.mode === "live" ? await tx.rollbackRequest.findFirst({
      where: { incidentId: inc.id, mode: "live", status: { in: [...OPEN_GATE] }, OR: [{ run: null }, { run: { status: { in: ["running", "paused"] } } }] },
      select: { status: true, run: { select: { status: true } } },
    }) : null;
    if (open) {
      const what = open.status === "pending" ? "waiting for approval" : open.run ? `${open.run.status}` : "approved and not started yet";
      throw new AppError("CONFLICT", `A rollback of this incident is already ${what}: finish, cancel or abort it first.`);
    }

    const plan = planRollback(loaded, data, await serviceDefaultsFor(tx, inc.id, loaded.runbook.name, data.environment), process.env);
    const facts = { trigger: inc.triggerId, usersAffectedPct: inc.usersAffectedPct, timeToFixMinutes: inc.timeToFixMinutes };
    const decision = withSeverity(policy, evaluate(policy, facts, inc.detectedAt), inc.severity, inc.detectedAt);
    if (!role || !decision.initiators.includes(role)) {
      throw new AppError("FORBIDDEN", `Your role may not request a ${inc.severity} rollback under the active policy.`);
    }
    const scope = data.scope || decision.scope?.id || null;
    if (scope && !policy.policy.scopes.some((s) => s.id === scope)) {
      throw new AppError("VALIDATION", "Please correct the highlighted fields.", { scope: ["That scope is not in the active policy."] });
    }
    // A drill outside production changes no production system: no gate. In production it is gated like a live rollback.
    const safeDrill = data.mode === "drill" && !plan.production;
    const policyGate = decision.approval ?? { mode: "none" as const, roles: [], quorum: 1, selfApproval: false, expiresMinutes: 60, start: "auto" as const, breakGlass: DEFAULT_BREAK_GLASS };
    const approval = safeDrill ? { ...policyGate, mode: "none" as const, roles: [] } : policyGate;
    const gateOpen = approval.mode === "none";
    const responseMinutes = decision.responseMinutes ?? 60;

    const req = await tx.rollbackRequest.create({
      data: {
        incidentId: inc.id,
        requestedById: requesterId,
        requesterRole: role,
        idempotencyKey: data.idempotencyKey,
        scope,
        target: data.target,
        runbook: loaded.runbook.name,
        runbookVersion: loaded.version,
        runbookSnapshot: { file: loaded.file, source: loaded.source } as Prisma.InputJsonValue,
        params: plan.params as Prisma.InputJsonValue,
        mode: data.mode,
        environment: data.environment,
        reason: data.reason,
        severity: inc.severity,
        policyVersion: policy.version,
        gate: approval.mode,
        approverRoles: approval.roles,
        quorum: approval.mode === "quorum" ? approval.quorum : 1,
        selfApproval: approval.selfApproval,
        breakGlassRoles: [...approval.breakGlass.roles],
        breakGlassOwnRequest: approval.breakGlass.ownRequest,
        autoStart: approval.start === "auto",
        status: gateOpen ? "approved" : "pending",
        decidedAt: gateOpen ? now : null,
        expiresAt: gateOpen ? null : new Date(now.getTime() + approval.expiresMinutes * 60_000),
        nextEscalationAt: gateOpen ? null : nextEscalationAt((await escalationPath(tx)).steps, responseMinutes, now, 0),
      },
      select: { id: true, status: true, autoStart: true },
    });
    const common = {
      requestId: req.id, runbook: loaded.runbook.name, runbookVersion: loaded.version, params: plan.params, mode: data.mode, environment: data.environment,
      scope, target: data.target, severity: inc.severity, policyVersion: policy.version, gate: approval.mode,
    };
    await recordIncidentChange(tx, ctx, {
      incidentId: inc.id, incidentKey: inc.key, kind: "rollback_requested",
      payload: { ...common, reason: data.reason, approverRoles: approval.roles, quorum: approval.quorum },
      action: "rollback.request", after: { ...common, reason: data.reason },
    });
    let after: AfterCommit[] = [];
    if (gateOpen) {
      const why = safeDrill ? `a drill in ${data.environment} (not production) needs no approval` : `${inc.severity}: no approval needed under the policy`;
      await recordIncidentChange(tx, ctx, {
        incidentId: inc.id, incidentKey: inc.key, kind: "rollback_approved",
        payload: { ...common, note: why, final: true }, action: "rollback.approve_open_gate", after: { ...common, why },
      });
      if (req.autoStart) after = (await startOrRecordFailure(tx, ctx, req.id, inc, now)).after;
    }
    return { id: req.id, status: req.status, created: true as const, incident: inc, approverRoles: approval.roles, after };
  });

  runAfterCommit(result.after);
  if (result.created) {
    approvalEvent(
      {
        requestId: result.id, incidentKey: result.incident.key, incidentTitle: result.incident.title, severity: result.incident.severity,
        kind: result.status === "approved" ? "approved" : "requested", status: result.status, by: actorLabel(ctx.actor),
      },
      result.approverRoles,
    );
  }
  return { id: result.id, status: result.status };
}
