import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Db } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { SYSTEM } from "../auth/actor.ts";
import { publish, publishPublic } from "../realtime/publish.ts";
import { rooms } from "../realtime/events.ts";
import { recordIncidentChange } from "../incidents/record.ts";
import { LogBuffer } from "./log-buffer.ts";
import { runStep, type StepOutcome } from "./run-step.ts";

type Options = {
  db: Db;
  /** Claims older than this without a heartbeat belong to a dead instance. */
  staleAfterMs?: number;
  tickMs?: number;
  heartbeatMs?: number;
  maxConcurrent?: number;
  log?: (line: string) => void;
};

type Claimed = {
  id: string;
  runId: string;
  index: number;
  title: string;
  executor: string;
  params: Prisma.JsonValue;
  phase: string;
  runParams: Prisma.JsonValue;
  timeoutSeconds: number;
  attempt: number;
  retries: number;
  backoffSeconds: number;
  continueOnFailure: boolean;
  idempotent: boolean;
  mode: "live" | "dry_run" | "drill";
  incidentKey: string | null;
};

/**
 * Executes runs' steps from PostgreSQL. A step is claimed with FOR UPDATE SKIP LOCKED, so with
 * several instances on one database exactly one executes it. Claims carry the instance id and a
 * heartbeat; a claim whose instance died is marked interrupted, never silently re-run, unless
 * the step is declared idempotent.
 */
export class RunEngine {
  readonly instanceId: string;
  private readonly db: Db;
  private readonly staleAfterMs: number;
  private readonly tickMs: number;
  private readonly heartbeatMs: number;
  private readonly maxConcurrent: number;
  private readonly log: (line: string) => void;
  private timer: ReturnType<typeof setInterval> | null = null;
  private beat: ReturnType<typeof setInterval> | null = null;
  private active = new Map<string, AbortController>();
  private ticking = false;
  private tickAgain = false;
  private stopped = false;

  constructor(opts: Options) {
    this.db = opts.db;
    this.staleAfterMs = opts.staleAfterMs ?? 15_000;
    this.tickMs = opts.tickMs ?? 300;
    this.heartbeatMs = opts.heartbeatMs ?? 2_000;
    this.maxConcurrent = opts.maxConcurrent ?? 4;
    this.log = opts.log ?? (() => {});
    this.instanceId = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  }

  async start() {
    await this.db.engineInstance.create({ data: { id: this.instanceId, host: hostname(), pid: process.pid } });
    await this.recover();
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.beat = setInterval(() => void this.heartbeat(), this.heartbeatMs);
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.beat) clearInterval(this.beat);
    for (const c of this.active.values()) c.abort(new Error("server stopping"));
    const deadline = Date.now() + 10_000;
    while (this.active.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await this.db.engineInstance.delete({ where: { id: this.instanceId } }).catch(() => {});
  }

  /** Claims left by instances that are gone: on this host a dead pid, anywhere a stale heartbeat. */
  async recover(now = new Date()) {
    const instances = await this.db.engineInstance.findMany();
    const dead = new Set<string>();
    for (const i of instances) {
      if (i.id === this.instanceId) continue;
      const localDead = i.host === hostname() && !pidAlive(i.pid);
      if (localDead || now.getTime() - i.heartbeatAt.getTime() > this.staleAfterMs) dead.add(i.id);
    }
    const orphans = await this.db.stepRun.findMany({
      where: { status: "running", OR: [{ claimedBy: { in: [...dead] } }, { claimedBy: null }, { heartbeatAt: { lt: new Date(now.getTime() - this.staleAfterMs) } }], NOT: { claimedBy: this.instanceId } },
      select: { id: true, runId: true, index: true, title: true, idempotent: true, attempt: true, run: { select: { incidentId: true, incident: { select: { key: true } } } } },
    });
    for (const s of orphans) {
      await this.db.$transaction(async (tx) => {
        const res = await tx.stepRun.updateMany({
          where: { id: s.id, status: "running" },
          data: s.idempotent
            ? { status: "pending", claimedBy: null, error: "interrupted: the server stopped during this step; retrying because it is idempotent" }
            : { status: "interrupted", claimedBy: null, finishedAt: now, error: "interrupted: the server stopped during this step" },
        });
        if (res.count === 0) return;
        await tx.stepLog.create({ data: { stepRunId: s.id, attempt: s.attempt, stream: "info", text: `\n[rollcall] interrupted: the server running this step stopped (attempt ${s.attempt}).${s.idempotent ? " The step is idempotent: it will run again." : " Waiting for an operator: retry, skip or abort."}\n` } });
        if (!s.idempotent) {
          await tx.run.update({ where: { id: s.runId }, data: { status: "paused", pauseReason: `Step ${s.index + 1} “${s.title}” was interrupted by a server stop. Retry, skip or abort.` } });
        }
        if (s.run.incidentId && s.run.incident) {
          await recordIncidentChange(tx, { actor: SYSTEM }, {
            incidentId: s.run.incidentId, incidentKey: s.run.incident.key, kind: "run_step",
            payload: { runId: s.runId, step: s.title, status: s.idempotent ? "retrying" : "interrupted" },
            action: "run.step_interrupted", after: { stepRunId: s.id, idempotent: s.idempotent },
          });
        }
      });
      this.log(`[runs] step ${s.id} interrupted (${s.idempotent ? "idempotent, requeued" : "run paused"})`);
      publishRun(s.runId, s.run.incident?.key ?? null, "paused", "paused");
    }
    if (dead.size) await this.db.engineInstance.deleteMany({ where: { id: { in: [...dead] } } });
  }

  private async heartbeat() {
    try {
      await this.db.engineInstance.update({ where: { id: this.instanceId }, data: { heartbeatAt: new Date() } });
      if (this.active.size) {
        await this.db.stepRun.updateMany({ where: { id: { in: [...this.active.keys()] }, claimedBy: this.instanceId }, data: { heartbeatAt: new Date() } });
        // Abort requested by an operator (on any instance) reaches the executing instance here.
        const aborted = await this.db.stepRun.findMany({ where: { id: { in: [...this.active.keys()] }, run: { status: "aborted" } }, select: { id: true } });
        for (const a of aborted) this.active.get(a.id)?.abort(new Error("run aborted by an operator"));
      }
      await this.recover();
    } catch (err) {
      this.log(`[runs] heartbeat failed: ${(err as Error).message}`);
    }
  }

  /** One pass: claim and start as many runnable steps as there is room for. */
  async tick() {
    if (this.stopped) return;
    // A finished step asks for the next one at once; a request during a pass runs one more pass.
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = true;
    try {
      do {
        this.tickAgain = false;
        while (this.active.size < this.maxConcurrent && !this.stopped) {
          const step = await this.claim();
          if (!step) break;
          const controller = new AbortController();
          this.active.set(step.id, controller);
          void this.execute(step, controller).finally(() => {
            this.active.delete(step.id);
            void this.tick();
          });
        }
      } while (this.tickAgain && !this.stopped);
    } catch (err) {
      this.log(`[runs] tick failed: ${(err as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  private async claim(): Promise<Claimed | null> {
    // The first unfinished step of a running run, if nothing before it is unfinished.
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      with next as (
        select s."id" from "StepRun" s join "Run" r on r."id" = s."runId"
        where r."status" = 'running' and s."status" = 'pending' and (s."notBefore" is null or s."notBefore" <= now())
          and not exists (
            select 1 from "StepRun" p where p."runId" = s."runId" and p."index" < s."index"
              and p."status" not in ('succeeded', 'skipped', 'failed')
              and (s."parallelGroup" is null or p."parallelGroup" is distinct from s."parallelGroup") )
          and not exists (
            select 1 from "StepRun" f where f."runId" = s."runId" and f."index" < s."index"
              and f."status" = 'failed' and f."continueOnFailure" = false and r."mode" <> 'dry_run')
        order by r."createdAt", s."index"
        for update of s skip locked
        limit 1
      )
      update "StepRun" t set "status" = 'running', "attempt" = t."attempt" + 1, "claimedBy" = ${this.instanceId},
        "heartbeatAt" = now(), "startedAt" = coalesce(t."startedAt", now()), "error" = null
      from next where t."id" = next."id"
      returning t."id"`;
    const id = rows[0]?.id;
    if (!id) return null;
    const s = await this.db.stepRun.findUniqueOrThrow({
      where: { id },
      select: {
        id: true, runId: true, index: true, title: true, executor: true, params: true, phase: true, timeoutSeconds: true, attempt: true,
        retries: true, backoffSeconds: true, continueOnFailure: true, idempotent: true, run: { select: { mode: true, params: true, incident: { select: { key: true } } } },
      },
    });
    return { ...s, mode: s.run.mode, runParams: s.run.params, incidentKey: s.run.incident?.key ?? null };
  }

  private async execute(step: Claimed, controller: AbortController) {
    publishRun(step.runId, step.incidentKey, "step", "running");
    let lastPublish = 0;
    const buffer = new LogBuffer(this.db, step.id, step.attempt, () => {
      // At most ~4 log events a second per step reach the sockets.
      const now = Date.now();
      if (now - lastPublish > 250) {
        lastPublish = now;
        publishRun(step.runId, step.incidentKey, "log", "running");
      }
    });
    let outcome: StepOutcome;
    try {
      outcome = await runStep(step, { signal: controller.signal, log: (stream: string, text: string) => buffer.push(stream, text) });
    } catch (err) {
      outcome = { status: "failed", error: (err as Error).message };
    }
    await buffer.close();
    await finishStep(this.db, step, outcome, this.instanceId);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function publishRun(runId: string, incidentKey: string | null, kind: "started" | "step" | "log" | "finished" | "paused", status: string) {
  const targets = [rooms.run(runId), ...(incidentKey ? [rooms.incident(incidentKey)] : [])];
  publish(targets, "run:changed", { runId, incidentKey, kind, status, at: new Date().toISOString() });
  // A status page showing this rollback's progress bar re-reads itself (the event carries nothing).
  if (kind === "step" || kind === "finished") publishPublic();
}

/** Records a step's outcome and moves the run on: next step, retry later, pause to ask, or finish. */
export async function finishStep(db: Db, step: Claimed, outcome: StepOutcome, instanceId: string) {
  const now = new Date();
  const result = await db.$transaction(async (tx) => {
    const cur = await tx.stepRun.findUnique({ where: { id: step.id }, select: { status: true, claimedBy: true, run: { select: { status: true, incidentId: true } } } });
    // Someone else (recovery after a stall) took the step over: do not overwrite their record.
    if (!cur || cur.status !== "running" || cur.claimedBy !== instanceId) return null;
    const runAborted = cur.run.status === "aborted";
    let status = outcome.status;
    let runUpdate: Prisma.RunUpdateInput | null = null;
    if (runAborted) status = "aborted";
    // Aborted while the run was not: this server is stopping. Interrupted, exactly as after a crash
    // (recover()): an idempotent step runs again, any other waits for an operator.
    if (status === "aborted" && !runAborted) {
      await tx.stepRun.update({
        where: { id: step.id },
        data: step.idempotent
          ? { status: "pending", claimedBy: null, error: "interrupted: the server stopped during this step; retrying because it is idempotent" }
          : { status: "interrupted", claimedBy: null, finishedAt: now, exitCode: outcome.exitCode ?? null, error: "interrupted: the server stopped during this step" },
      });
      await tx.stepLog.create({ data: { stepRunId: step.id, attempt: step.attempt, stream: "info", text: `\n[rollcall] interrupted: the server running this step stopped (attempt ${step.attempt}).${step.idempotent ? " The step is idempotent: it will run again." : " Waiting for an operator: retry, skip or abort."}\n` } });
      if (!step.idempotent) await tx.run.update({ where: { id: step.runId }, data: { status: "paused", pauseReason: `Step ${step.index + 1} “${step.title}” was interrupted by a server stop. Retry, skip or abort.` } });
      return { status: step.idempotent ? "retrying" : "interrupted", finished: null, incidentId: cur.run.incidentId };
    }
    const retry = status === "failed" && step.attempt <= step.retries && !runAborted;
    await tx.stepRun.update({
      where: { id: step.id },
      data: retry
        ? { status: "pending", claimedBy: null, notBefore: new Date(now.getTime() + step.backoffSeconds * 1000 * 2 ** (step.attempt - 1)), error: outcome.error ?? null, exitCode: outcome.exitCode ?? null }
        : { status, claimedBy: null, finishedAt: status === "awaiting_confirmation" ? null : now, exitCode: outcome.exitCode ?? null, error: outcome.error ?? null, output: (outcome.output ?? undefined) as Prisma.InputJsonValue | undefined },
    });
    if (!retry && !runAborted) {
      if (status === "awaiting_confirmation") runUpdate = { status: "paused", pauseReason: `Step ${step.index + 1} “${step.title}” needs a person to confirm it.` };
      else if (status === "failed" && !step.continueOnFailure && step.mode !== "dry_run") runUpdate = { status: "paused", pauseReason: `Step ${step.index + 1} “${step.title}” failed${outcome.error ? `: ${outcome.error}` : ""}. Retry, skip or abort.` };
    }
    if (runUpdate) await tx.run.update({ where: { id: step.runId }, data: runUpdate });
    const finished = await maybeFinishRun(tx, step.runId, now);
    return { status: retry ? "retrying" : status, finished, incidentId: cur.run.incidentId };
  });
  if (!result) return;
  publishRun(step.runId, step.incidentKey, result.finished ? "finished" : "step", result.finished ?? result.status);
}

/** When no step is left to run, the run ends: succeeded, or failed if a step failed. */
export async function maybeFinishRun(tx: Prisma.TransactionClient, runId: string, now: Date): Promise<string | null> {
  // Counting is one cheap query per finished step; the run's rows are read only when it ends.
  const open = await tx.stepRun.count({ where: { runId, status: { in: ["pending", "running", "awaiting_confirmation", "interrupted"] } } });
  if (open > 0) return null;
  const run = await tx.run.findUnique({ where: { id: runId }, select: { status: true, mode: true, incidentId: true, runbookTitle: true, incident: { select: { key: true, status: true, version: true } }, steps: { where: { status: "failed" }, select: { status: true, continueOnFailure: true } } } });
  if (!run || run.status !== "running") return null;
  const failed = run.steps.some((s) => !s.continueOnFailure || run.mode === "dry_run");
  const status = failed ? "failed" : "succeeded";
  await tx.run.update({ where: { id: runId }, data: { status, finishedAt: now, pauseReason: null } });
  if (run.incidentId && run.incident) {
    await recordIncidentChange(tx, { actor: SYSTEM }, {
      incidentId: run.incidentId, incidentKey: run.incident.key, kind: "run_finished",
      payload: { runId, runbook: run.runbookTitle, mode: run.mode, status },
      action: "run.finish", after: { runId, status },
    });
    // A live rollback that completed moves the incident to monitoring, as the seeds' procedures do.
    if (status === "succeeded" && run.mode === "live" && run.incident.status === "rolling_back") {
      await tx.incident.update({ where: { id: run.incidentId }, data: { status: "monitoring", rollbackCompletedAt: now, version: { increment: 1 } } });
      await recordIncidentChange(tx, { actor: SYSTEM }, {
        incidentId: run.incidentId, incidentKey: run.incident.key, kind: "status_changed",
        payload: { from: "rolling_back", to: "monitoring", note: `${run.runbookTitle} completed and validated` },
        action: "incident.status", before: { status: "rolling_back" }, after: { status: "monitoring", rollbackCompletedAt: now },
      });
    }
  }
  return status;
}
