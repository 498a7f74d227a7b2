import type { Tx } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import type { RunMode } from "../db/generated/enums.ts";
import { actorLabel, type Ctx } from "../auth/actor.ts";
import { AppError } from "../errors.ts";
import { recordIncidentChange } from "../incidents/record.ts";
import { renderRunbook, formatRenderError } from "../runbooks/render.ts";
import { SECTIONS } from "../runbooks/schema.ts";
import type { LoadedRunbook } from "../runbooks/load.ts";
import type { ParamValue } from "../runbooks/template.ts";
import { publishRun } from "./engine.ts";
import { wakeEngines } from "./wake.ts";
import { notifyRun } from "./subscribers.ts";
import type { AfterCommit } from "./lifecycle.ts";

/**
 * Renders a runbook with exactly these parameters (every parameter and step checked) or throws an
 * AppError naming each problem. Steps are rendered again when they run, so values taken from
 * secret environment variables are never stored.
 */
export function renderOrThrow(loaded: LoadedRunbook, params: Record<string, unknown>, environment: string) {
  const rendered = renderRunbook(loaded.runbook, params, process.env, environment);
  if (!rendered.ok) {
    const fieldErrors: Record<string, string[]> = {};
    for (const e of rendered.errors) (fieldErrors[e.path.startsWith("params.") ? e.path : "runbook"] ??= []).push(formatRenderError(e));
    throw new AppError("VALIDATION", "The runbook cannot run with these parameters.", fieldErrors);
  }
  return rendered;
}

export type NewRun = {
  incidentId: string;
  incidentKey: string;
  requestId: string | null;
  loaded: LoadedRunbook;
  params: Record<string, ParamValue>;
  /** The environment whose rules the parameters are checked against (where url parameters may point). */
  environment: string;
  mode: RunMode;
  now: Date;
};

/**
 * Creates a run and its steps inside the caller's transaction, records it on the timeline and tells
 * the run's subscribers (a live run makes the incident roll back and prepares its message).
 * Returns what to do once the transaction has committed.
 */
export async function createRun(tx: Tx, ctx: Ctx, r: NewRun): Promise<{ runId: string; after: AfterCommit[] }> {
  const rendered = renderOrThrow(r.loaded, r.params, r.environment);
  const rb = r.loaded.runbook;
  const run = await tx.run.create({
    data: {
      incidentId: r.incidentId,
      requestId: r.requestId,
      runbookName: rb.name,
      runbookTitle: rb.title,
      runbookVersion: r.loaded.version,
      runbookSnapshot: { file: r.loaded.file, source: r.loaded.source } as Prisma.InputJsonValue,
      params: rendered.params as Prisma.InputJsonValue,
      mode: r.mode,
      estimatedMinutes: rb.estimatedMinutes.max,
      startedById: ctx.actor.type === "user" ? ctx.actor.id : null,
      startedByLabel: actorLabel(ctx.actor),
      createdAt: r.now,
      steps: {
        create: SECTIONS.flatMap((section) => rb[section].map((step) => ({ section, step }))).map(({ section, step }, index) => {
          const s = rendered.steps[index]!;
          return {
            index,
            stepId: step.id,
            title: s.title,
            phase: section === "steps" ? "step" : section === "prerequisites" ? "prerequisite" : "validation",
            executor: step.executor,
            params: step as unknown as Prisma.InputJsonValue,
            timeoutSeconds: s.timeoutSeconds,
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
    incidentId: r.incidentId,
    incidentKey: r.incidentKey,
    kind: "run_started",
    payload: { runId: run.id, runbook: rb.title, version: r.loaded.version, mode: r.mode, params: rendered.params, requestId: r.requestId },
    action: "run.start",
    after: { runId: run.id, runbook: rb.name, version: r.loaded.version, mode: r.mode, requestId: r.requestId },
  });
  const after = await notifyRun(tx, { kind: "started", runId: run.id, incidentId: r.incidentId, mode: r.mode, runbookTitle: rb.title, now: r.now });
  after.push(() => {
    publishRun(run.id, r.incidentKey, "started", "running");
    wakeEngines();
  });
  return { runId: run.id, after };
}
