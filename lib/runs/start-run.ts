import { db, type Tx } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import type { Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError, isAppError } from "../errors.ts";
import { recordIncidentChange } from "../incidents/record.ts";
import { parseRunbook, type LoadedRunbook } from "../runbooks/load.ts";
import type { ParamValue } from "../runbooks/template.ts";
import { findRunbook } from "./runbook-registry.ts";
import { findEnvironment, fixedParams, runbookEnvironments } from "../runbooks/environments.ts";
import { createRun } from "./create-run.ts";
import { runAfterCommit, type AfterCommit } from "./lifecycle.ts";
import { ZStartRun, ZStartRollback } from "./schemas.ts";

/**
 * A dry run: plans and read-only prerequisite checks, no gate because it changes nothing. Live
 * rollbacks and drills start only from a rollback record (requestRollback), which pins the
 * runbook, parameters, mode and environment that were approved.
 */
export async function startRun({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "run.start");
  const parsed = ZStartRun.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { key, runbook: name, mode, params, environment } = parsed.data;
  if (mode !== "dry_run") {
    throw new AppError("FORBIDDEN", "Live rollbacks and drills start from a rollback request, which fixes what runs; here only a dry run can start.", { mode: ["Only a dry run starts here."] });
  }
  const loaded = await findRunbook(name);
  if (!loaded) throw new AppError("VALIDATION", "Please correct the highlighted fields.", { runbook: [`No runbook named “${name}” is loaded.`] });
  // The environment's fixed values apply to a plan too (what would run is what a rollback there runs).
  const env = findEnvironment(loaded.runbook, environment) ?? runbookEnvironments(loaded.runbook)[0]!;
  const fixed = fixedParams(env, process.env);
  if (!fixed.ok) throw new AppError("VALIDATION", "This environment cannot be used on this server.", Object.fromEntries(fixed.errors.map((e) => [`params.${e.param}`, [`${e.param} ${e.message}`]])));
  const typed = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== ""));
  const now = new Date();
  const out = await db().$transaction(async (tx) => {
    const inc = await tx.incident.findUnique({ where: { key }, select: { id: true, key: true } });
    if (!inc) throw new AppError("NOT_FOUND", `Incident ${key} does not exist.`);
    return createRun(tx, ctx, { incidentId: inc.id, incidentKey: inc.key, requestId: null, loaded, params: { ...typed, ...fixed.values }, environment: env.name, mode, now });
  });
  runAfterCommit(out.after);
  return { runId: out.runId, created: true, incidentKey: key, mode };
}

const rollbackSelect = {
  id: true, status: true, runbook: true, runbookSnapshot: true, params: true, mode: true, environment: true,
  incident: { select: { id: true, key: true, status: true } },
  run: { select: { id: true } },
} as const satisfies Prisma.RollbackRequestSelect;

/** The runbook a rollback pinned when it was requested (never the file as it is now). */
export function pinnedRunbook(snapshot: unknown): LoadedRunbook | null {
  const s = snapshot as { file?: unknown; source?: unknown } | null;
  if (!s || typeof s.file !== "string" || typeof s.source !== "string") return null;
  const r = parseRunbook(s.file, s.source);
  return r.ok ? r.loaded : null;
}

/**
 * Starts the run of an approved rollback in the caller's transaction, with exactly what was
 * approved. Throws an AppError when it cannot (the caller decides whether that is fatal).
 */
export async function startRollbackRun(tx: Tx, ctx: Ctx, requestId: string, now: Date): Promise<{ runId: string; after: AfterCommit[] }> {
  await tx.$queryRaw`select 1 from "RollbackRequest" where "id" = ${requestId}::uuid for update`;
  const req = await tx.rollbackRequest.findUnique({ where: { id: requestId }, select: rollbackSelect });
  if (!req) throw new AppError("NOT_FOUND", "That rollback does not exist.");
  if (req.run) throw new AppError("CONFLICT", "This rollback's run has already started.");
  if (req.status !== "approved" && req.status !== "overridden") throw new AppError("CONFLICT", `This rollback is ${req.status}; only an approved rollback can start.`);
  if (req.incident.status === "resolved" || req.incident.status === "closed") throw new AppError("CONFLICT", "The incident is resolved; reopen it before rolling back.");
  const loaded = pinnedRunbook(req.runbookSnapshot);
  if (!loaded) throw new AppError("CONFLICT", `The runbook this rollback pinned (${req.runbook ?? "none"}) cannot be read any more; request the rollback again.`);
  const params = (req.params ?? {}) as Record<string, ParamValue>;
  const out = await createRun(tx, ctx, { incidentId: req.incident.id, incidentKey: req.incident.key, requestId, loaded, params, environment: req.environment, mode: req.mode, now });
  await tx.rollbackRequest.update({ where: { id: requestId }, data: { startError: null } });
  return out;
}

/**
 * After approval: start the run, or record on the timeline (and in the audit trail) why it could
 * not start, so the page offers "Start rollback" with the reason instead of pretending.
 */
export async function startOrRecordFailure(tx: Tx, ctx: Ctx, requestId: string, incident: { id: string; key: string }, now: Date): Promise<{ runId: string | null; after: AfterCommit[] }> {
  try {
    return await startInSavepoint(tx, ctx, requestId, now);
  } catch (err) {
    if (!isAppError(err)) throw err;
    await tx.rollbackRequest.update({ where: { id: requestId }, data: { startError: err.message } });
    await recordIncidentChange(tx, ctx, {
      incidentId: incident.id,
      incidentKey: incident.key,
      kind: "rollback_start_failed",
      payload: { requestId, error: err.message, fieldErrors: err.fieldErrors },
      action: "rollback.start_failed",
      after: { requestId, error: err.message },
    });
    return { runId: null, after: [] };
  }
}

// A failed start must not poison the approval's transaction: the attempt runs in a savepoint.
async function startInSavepoint(tx: Tx, ctx: Ctx, requestId: string, now: Date) {
  await tx.$executeRawUnsafe("savepoint rollcall_start_run");
  try {
    const out = await startRollbackRun(tx, ctx, requestId, now);
    await tx.$executeRawUnsafe("release savepoint rollcall_start_run");
    return out;
  } catch (err) {
    await tx.$executeRawUnsafe("rollback to savepoint rollcall_start_run");
    throw err;
  }
}

/** "Start rollback": an approved rollback whose run did not start by itself (policy, or a failed start). */
export async function startApprovedRollback({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "run.start");
  const parsed = ZStartRollback.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const out = await db().$transaction((tx) => startRollbackRun(tx, ctx, parsed.data.requestId, new Date()));
  runAfterCommit(out.after);
  return { runId: out.runId };
}
