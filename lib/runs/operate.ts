import { db } from "../db/client.ts";
import { actorLabel, type Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { appendAudit } from "../audit/index.ts";
import { recordIncidentChange } from "../incidents/record.ts";
import { maybeFinishRun, publishRun } from "./engine.ts";
import { ZRunAction } from "./schemas.ts";
import { wakeEngines } from "./wake.ts";
import { notifyRun } from "./subscribers.ts";
import { runAfterCommit, type AfterCommit } from "./lifecycle.ts";

/**
 * Operator decisions on a run: abort it, or settle a paused step by retrying, skipping (with a
 * reason) or confirming it (manual steps). Each is checked, audited and put on the timeline.
 */
export async function operateRun({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "run.operate");
  const parsed = ZRunAction.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { runId, action, stepId, reason, checked } = parsed.data;
  const now = new Date();
  const after: AfterCommit[] = [];

  const out = await db().$transaction(async (tx) => {
    await tx.$queryRaw`select 1 from "Run" where "id" = ${runId}::uuid for update`;
    const run = await tx.run.findUnique({ where: { id: runId }, select: { id: true, status: true, mode: true, incidentId: true, runbookTitle: true, incident: { select: { key: true } } } });
    if (!run) throw new AppError("NOT_FOUND", "That run does not exist.");
    if (run.status === "succeeded" || run.status === "failed" || run.status === "aborted") throw new AppError("CONFLICT", `This run has already ${run.status === "aborted" ? "been aborted" : run.status}.`);
    let detail: Record<string, unknown> = { action };

    if (action === "abort") {
      await tx.run.update({ where: { id: runId }, data: { status: "aborted", finishedAt: now, pauseReason: reason || "aborted by an operator" } });
      await tx.stepRun.updateMany({ where: { runId, status: { in: ["pending", "awaiting_confirmation", "interrupted"] } }, data: { status: "aborted", finishedAt: now } });
      detail = { action, reason };
    } else {
      if (!stepId) throw new AppError("VALIDATION", "Which step?", { stepId: ["Choose a step."] });
      const step = await tx.stepRun.findFirst({ where: { id: stepId, runId }, select: { id: true, title: true, status: true, index: true, output: true } });
      if (!step) throw new AppError("NOT_FOUND", "That step is not part of this run.");
      if (action === "retry") {
        if (!["failed", "interrupted"].includes(step.status)) throw new AppError("CONFLICT", `Only a failed or interrupted step can be retried (this one is ${step.status}).`);
        await tx.stepRun.update({ where: { id: step.id }, data: { status: "pending", notBefore: null, error: null, finishedAt: null } });
      } else if (action === "skip") {
        if (!["failed", "interrupted", "awaiting_confirmation", "pending"].includes(step.status)) throw new AppError("CONFLICT", `This step cannot be skipped (it is ${step.status}).`);
        if (reason.length < 5) throw new AppError("VALIDATION", "Please correct the highlighted fields.", { reason: ["Say why the step is skipped (at least 5 characters)."] });
        await tx.stepRun.update({ where: { id: step.id }, data: { status: "skipped", skipReason: reason, finishedAt: now } });
      } else {
        if (step.status !== "awaiting_confirmation") throw new AppError("CONFLICT", "This step is not waiting for confirmation.");
        // The checklist the manual step asked for when it paused the run.
        const items = ((step.output as { checklist?: string[] } | null)?.checklist ?? []).map(String);
        const missing = items.filter((i) => !checked.includes(i));
        if (missing.length) throw new AppError("VALIDATION", "Please correct the highlighted fields.", { checked: [`Confirm every item first: ${missing.join("; ")}`] });
        await tx.stepRun.update({ where: { id: step.id }, data: { status: "succeeded", finishedAt: now, output: { confirmedBy: actorLabel(ctx.actor), checked } } });
      }
      await tx.stepLog.create({ data: { stepRunId: step.id, attempt: 0, stream: "info", text: `\n[rollcall] ${actorLabel(ctx.actor)}: ${action}${reason ? ` (${reason})` : ""}\n` } });
      await tx.run.update({ where: { id: runId }, data: { status: "running", pauseReason: null } });
      detail = { action, step: step.title, stepIndex: step.index, reason, checked };
    }
    if (run.incidentId && run.incident) {
      await recordIncidentChange(tx, ctx, {
        incidentId: run.incidentId, incidentKey: run.incident.key, kind: "run_step",
        payload: { runId, runbook: run.runbookTitle, ...detail }, action: `run.${action}`,
        before: { status: run.status }, after: { runId, ...detail },
      });
    } else {
      await appendAudit(tx, ctx, { action: `run.${action}`, targetType: "run", targetId: runId, before: { status: run.status }, after: detail });
    }
    if (action === "abort") after.push(...(await notifyRun(tx, { kind: "finished", runId, incidentId: run.incidentId, mode: run.mode, runbookTitle: run.runbookTitle, now, status: "aborted" })));
    const finished = action === "abort" ? null : await maybeFinishRun(tx, runId, now, after);
    return { incidentKey: run.incident?.key ?? null, finished };
  });
  runAfterCommit(after);
  publishRun(runId, out.incidentKey, action === "abort" || out.finished ? "finished" : "step", action === "abort" ? "aborted" : (out.finished ?? "running"));
  if (action !== "abort") wakeEngines();
}
