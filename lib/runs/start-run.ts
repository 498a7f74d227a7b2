import { db } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { actorLabel, type Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { recordIncidentChange } from "../incidents/record.ts";
import { renderRunbook, formatRenderError } from "../runbooks/render.ts";
import { SECTIONS } from "../runbooks/schema.ts";
import { findRunbook } from "./runbook-registry.ts";
import { publishRun } from "./engine.ts";
import { wakeEngines } from "./wake.ts";
import { prepareRollbackDraft } from "../comms/drafts.ts";
import { ZStartRun } from "./schemas.ts";

/**
 * Starts a run of a runbook for an incident. A live run needs an approved (or break-glass)
 * rollback request and is tied to it, so starting it twice starts one run. Dry runs and drills
 * need no gate: they change nothing, or only a non-production target.
 */
export async function startRun({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "run.start");
  const parsed = ZStartRun.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { key, runbook: name, mode, params } = parsed.data;
  const loaded = await findRunbook(name);
  if (!loaded) throw new AppError("VALIDATION", "Please correct the highlighted fields.", { runbook: [`No runbook named “${name}” is loaded.`] });
  // Rendering now validates every parameter and step; steps are rendered again when they run,
  // so values taken from secret environment variables are never stored.
  const rendered = renderRunbook(loaded.runbook, params, process.env);
  if (!rendered.ok) {
    const fieldErrors: Record<string, string[]> = {};
    for (const e of rendered.errors) (fieldErrors[e.path.startsWith("params.") ? e.path : "runbook"] ??= []).push(formatRenderError(e));
    throw new AppError("VALIDATION", "The runbook cannot run with these parameters.", fieldErrors);
  }
  const rb = loaded.runbook;

  const out = await db().$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(hashtext(${`run:${key}`}))`;
    const inc = await tx.incident.findUnique({ where: { key }, select: { id: true, key: true, status: true } });
    if (!inc) throw new AppError("NOT_FOUND", `Incident ${key} does not exist.`);
    let requestId: string | null = null;
    if (mode === "live") {
      const req = await tx.rollbackRequest.findFirst({
        where: { incidentId: inc.id, status: { in: ["approved", "overridden"] } },
        orderBy: { decidedAt: "desc" },
        select: { id: true, run: { select: { id: true, status: true } } },
      });
      if (!req) throw new AppError("FORBIDDEN", "A live rollback needs an approved rollback request first (or break-glass).");
      if (req.run) return { runId: req.run.id, created: false, incidentKey: inc.key };
      requestId = req.id;
    }
    const run = await tx.run.create({
      data: {
        incidentId: inc.id,
        requestId,
        runbookName: rb.name,
        runbookTitle: rb.title,
        runbookVersion: loaded.version,
        runbookSnapshot: { file: loaded.file, source: loaded.source } as Prisma.InputJsonValue,
        params: rendered.params as Prisma.InputJsonValue,
        mode,
        estimatedMinutes: rb.estimatedMinutes.max,
        startedById: ctx.actor.type === "user" ? ctx.actor.id : null,
        startedByLabel: actorLabel(ctx.actor),
        steps: {
          create: SECTIONS.flatMap((section) => rb[section].map((step) => ({ section, step }))).map(({ section, step }, index) => {
            const r = rendered.steps[index]!;
            return {
              index,
              stepId: step.id,
              title: r.title,
              phase: section === "steps" ? "step" : section === "prerequisites" ? "prerequisite" : "validation",
              executor: step.executor,
              params: step as unknown as Prisma.InputJsonValue,
              timeoutSeconds: r.timeoutSeconds,
              retries: step.retries.count,
              backoffSeconds: step.retries.backoffSeconds,
              continueOnFailure: step.continueOnFailure,
              idempotent: step.idempotent,
              parallelGroup: step.parallelGroup ?? null,
            };
          }),
        },
      },
      select: { id: true },
    });
    await recordIncidentChange(tx, ctx, {
      incidentId: inc.id,
      incidentKey: inc.key,
      kind: "run_started",
      payload: { runId: run.id, runbook: rb.title, version: loaded.version, mode, params: rendered.params },
      action: "run.start",
      after: { runId: run.id, runbook: rb.name, version: loaded.version, mode, requestId },
    });
    // The stakeholders' notice is prepared with the run (sent at once if the severity's policy says so).
    if (mode === "live") await prepareRollbackDraft(tx, { incidentId: inc.id, runId: run.id, trigger: "rollback_started", now: new Date() });
    return { runId: run.id, created: true, incidentKey: inc.key };
  });
  if (out.created) {
    publishRun(out.runId, out.incidentKey, "started", "running");
    wakeEngines();
  }
  return { ...out, mode };
}

/**
 * Once a rollback may go ahead, start its runbook at once when the runbook needs nothing a person
 * must fill in. Otherwise the incident page offers the run form; nothing is guessed.
 */
export async function autoStartRun(ctx: Ctx, incidentKey: string, runbook: string | null): Promise<string | null> {
  if (!runbook || ctx.actor.type === "system") return null;
  const loaded = await findRunbook(runbook);
  if (!loaded || !renderRunbook(loaded.runbook, {}, process.env).ok) return null;
  try {
    const r = await startRun({ ctx, input: { key: incidentKey, runbook, mode: "live", params: {} } });
    return r.runId;
  } catch (err) {
    console.error(`[runs] could not start ${runbook} for ${incidentKey}: ${(err as Error).message}`);
    return null;
  }
}
