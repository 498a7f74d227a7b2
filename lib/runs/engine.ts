import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Pool } from "pg";
import { poolOf, type Db } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { SYSTEM } from "../auth/actor.ts";
import { publish, publishPublic } from "../realtime/publish.ts";
import { rooms } from "../realtime/events.ts";
import { recordIncidentChange } from "../incidents/record.ts";
import { LogBuffer } from "./log-buffer.ts";
import { runStep, type StepOutcome } from "./run-step.ts";
import type { LogRow } from "./log-buffer.ts";
import { onWake } from "./wake.ts";
import { notifyRun } from "./subscribers.ts";
import { runAfterCommit, type AfterCommit } from "./lifecycle.ts";

type Options = {
  db: Db;
  /** The pg pool for the hot statements; by default the one under `db` (a client from db()/createDb()). */
  pool?: Pool;
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
  parallelGroup: string | null;
  mode: "live" | "dry_run" | "drill";
  incidentKey: string | null;
};

// The engine's two hot statements run as named prepared statements on the client's pg pool: planned
// once per connection, no query-engine layer in between (bench/README.md, executor overhead).

const CLAIM_SQL = `
  with front as materialized (
    -- Per running run, the first step not yet settled: only it (or its parallel group) may start.
    -- Materialized: inlined, the min() would be computed again for every pending step.
    select r."id", r."createdAt", r."mode",
      (select min(p."index") from "StepRun" p where p."runId" = r."id" and p."status" not in ('succeeded', 'skipped', 'failed')) as "m"
    from "Run" r where r."status" = 'running'
  ), next as (
    select s."id" from front f join "StepRun" s on s."runId" = f."id" and s."index" >= f."m"
    where s."status" = 'pending' and (s."notBefore" is null or s."notBefore" <= now())
      and (s."index" = f."m" or (s."parallelGroup" is not null and not exists (
        select 1 from "StepRun" p where p."runId" = s."runId" and p."index" >= f."m" and p."index" < s."index"
          and p."status" not in ('succeeded', 'skipped', 'failed') and p."parallelGroup" is distinct from s."parallelGroup")))
      and (f."mode" = 'dry_run' or not exists (
        select 1 from "StepRun" x where x."runId" = s."runId" and x."index" < s."index"
          and x."status" = 'failed' and x."continueOnFailure" = false))
    order by f."createdAt", s."index"
    for update of s skip locked
    limit $2::int
  )
  update "StepRun" t set "status" = 'running', "attempt" = t."attempt" + 1, "claimedBy" = $1::text,
    "heartbeatAt" = now(), "startedAt" = coalesce(t."startedAt", now()), "error" = null
  from next, "Run" r left join "Incident" i on i."id" = r."incidentId"
  where t."id" = next."id" and r."id" = t."runId"
  returning t."id", t."runId", t."index", t."title", t."executor", t."params", t."phase", t."timeoutSeconds", t."attempt",
    t."retries", t."backoffSeconds", t."continueOnFailure", t."idempotent", t."parallelGroup",
    r."mode"::text as "mode", r."params" as "runParams", i."key" as "incidentKey"
`;

// The open statuses (OPEN_STEP) are spelled out: a prepared statement's text is fixed.
const FINISH_SUCCEEDED_SQL = `
  with cur as (
    select s."id", r."status"::text as "runStatus" from "StepRun" s join "Run" r on r."id" = s."runId"
    where s."id" = $1::uuid and s."status" = 'running' and s."claimedBy" = $2::text
    for update of s
  ), upd as (
    update "StepRun" t set
      "status" = (case when cur."runStatus" = 'aborted' then 'aborted' else 'succeeded' end)::"StepStatus",
      "claimedBy" = null, "finishedAt" = $3::timestamptz, "exitCode" = $4::int, "error" = $5::text,
      "output" = coalesce($6::jsonb, t."output")
    from cur where t."id" = cur."id"
    returning t."id"
  ), logs as (
    insert into "StepLog" ("stepRunId", "attempt", "stream", "text", "at")
    select $1::uuid, $7::int, x."stream", x."text", x."at"
    from jsonb_to_recordset($8::jsonb) as x("stream" text, "text" text, "at" timestamptz)
    returning 1
  ), nxt as (
    select n."id" from "StepRun" n, cur
    where $9::boolean and cur."runStatus" = 'running' and n."runId" = $10::uuid and n."index" = $11::int
      and n."status" = 'pending' and n."parallelGroup" is null and (n."notBefore" is null or n."notBefore" <= now())
    for update of n skip locked
  ), claimed as (
    update "StepRun" t set "status" = 'running', "attempt" = t."attempt" + 1, "claimedBy" = $2::text,
      "heartbeatAt" = now(), "startedAt" = coalesce(t."startedAt", now()), "error" = null
    from nxt where t."id" = nxt."id"
    returning t."id", t."index", t."title", t."executor", t."params", t."phase", t."timeoutSeconds", t."attempt",
      t."retries", t."backoffSeconds", t."continueOnFailure", t."idempotent", t."parallelGroup"
  )
  select (select count(*) from upd)::int as "updated", (select "runStatus" from cur) as "runStatus",
    (select to_jsonb(c) from claimed c) as "next",
    o."open", o."running"
  from (select count(*)::int as "open", (count(*) filter (where "status" = 'running'))::int as "running" from "StepRun"
    where "runId" = $10::uuid and "id" <> $1::uuid and "status" in ('pending', 'running', 'awaiting_confirmation', 'interrupted')) o
`;

/**
 * Executes runs' steps from PostgreSQL. A step is claimed with FOR UPDATE SKIP LOCKED, so with
 * several instances on one database exactly one executes it. Claims carry the instance id and a
 * heartbeat; a claim whose instance died is marked interrupted, never silently re-run, unless
 * the step is declared idempotent.
 */
export class RunEngine {
  readonly instanceId: string;
  private readonly db: Db;
  private readonly pool: Pool;
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
  private unwake: (() => void) | null = null;

  constructor(opts: Options) {
    this.db = opts.db;
    const pool = opts.pool ?? poolOf(opts.db);
    if (!pool) throw new Error("RunEngine needs a client made by db() or createDb(), or its pool");
    this.pool = pool;
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
    this.unwake = onWake(() => void this.tick());
    this.beat = setInterval(() => void this.heartbeat(), this.heartbeatMs);
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.beat) clearInterval(this.beat);
    this.unwake?.();
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
      const after: AfterCommit[] = [];
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
          const reason = `Step ${s.index + 1} “${s.title}” was interrupted by a server stop. Retry, skip or abort.`;
          const run = await tx.run.update({ where: { id: s.runId }, data: { status: "paused", pauseReason: reason }, select: { mode: true, runbookTitle: true } });
          after.push(...(await notifyRun(tx, { kind: "paused", runId: s.runId, incidentId: s.run.incidentId, mode: run.mode, runbookTitle: run.runbookTitle, now, why: "interrupted", reason })));
        }
        if (s.run.incidentId && s.run.incident) {
          await recordIncidentChange(tx, { actor: SYSTEM }, {
            incidentId: s.run.incidentId, incidentKey: s.run.incident.key, kind: "run_step",
            payload: { runId: s.runId, step: s.title, status: s.idempotent ? "retrying" : "interrupted" },
            action: "run.step_interrupted", after: { stepRunId: s.id, idempotent: s.idempotent },
          });
        }
      });
      runAfterCommit(after);
      this.log(`[runs] step ${s.id} interrupted (${s.idempotent ? "idempotent, requeued" : "run paused"})`);
      publishRun(s.runId, s.run.incident?.key ?? null, "paused", "paused");
    }
    if (dead.size) await this.db.engineInstance.deleteMany({ where: { id: { in: [...dead] } } });
    await this.finishSettledRuns(now);
  }

  /**
   * A run still "running" with no step left to run: its last step's instance stopped between
   * recording the step and finishing the run, or two parallel steps finished at the same moment
   * and each saw the other still running. Finishing is idempotent (maybeFinishRun locks the run).
   */
  private async finishSettledRuns(now: Date) {
    const runs = await this.db.$queryRaw<{ id: string; incidentKey: string | null }[]>`
      select r."id", i."key" as "incidentKey" from "Run" r left join "Incident" i on i."id" = r."incidentId"
      where r."status" = 'running' and not exists (
        select 1 from "StepRun" s where s."runId" = r."id" and s."status" in ('pending', 'running', 'awaiting_confirmation', 'interrupted'))`;
    for (const r of runs) {
      const after: AfterCommit[] = [];
      const finished = await this.db.$transaction((tx) => maybeFinishRun(tx, r.id, now, after));
      runAfterCommit(after);
      if (finished) publishRun(r.id, r.incidentKey, "finished", finished);
    }
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
        const room = this.maxConcurrent - this.active.size;
        // One statement claims every step there is room for: no second query to learn there is no more.
        const steps = room > 0 ? await this.claim(room) : [];
        for (const step of steps) void this.slot(step);
      } while (this.tickAgain && !this.stopped);
    } catch (err) {
      this.log(`[runs] tick failed: ${(err as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  /**
   * One statement: up to `limit` steps that may start (each running run's first unsettled step, or
   * its parallel group), marked running for this instance, returned with everything executing needs.
   */
  private async claim(limit: number): Promise<Claimed[]> {
    const { rows } = await this.pool.query<Claimed>({ name: "rollcall_claim_v1", text: CLAIM_SQL, values: [this.instanceId, limit] });
    return rows.sort((a, b) => a.index - b.index);
  }


  /**
   * One place to execute: the claimed step, then (when it succeeds and the next step of its run may
   * start) that next step, claimed by the same statement that recorded the success.
   */
  private async slot(first: Claimed) {
    let step: Claimed | null = first;
    while (step) {
      const controller = new AbortController();
      // Claimed while the server began stopping: recorded as interrupted at once, like its siblings.
      if (this.stopped) controller.abort(new Error("server stopping"));
      this.active.set(step.id, controller);
      let next: Claimed | null = null;
      try {
        next = await this.execute(step, controller);
      } finally {
        this.active.delete(step.id);
      }
      step = next;
    }
    void this.tick();
  }

  private async execute(step: Claimed, controller: AbortController): Promise<Claimed | null> {
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
    // The log's tail is written with the outcome: one statement for a step that succeeded.
    const tail = await buffer.drain();
    try {
      if (outcome.status === "succeeded") return await finishSucceeded(this.db, this.pool, step, outcome, this.instanceId, tail, !this.stopped);
      await finishStep(this.db, step, outcome, this.instanceId, tail);
    } catch (err) {
      // The claim stays "running" with a stale heartbeat: recovery marks it interrupted, never re-runs it silently.
      this.log(`[runs] could not record the outcome of step ${step.id}: ${(err as Error).message}`);
    }
    return null;
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

const OPEN_STEP = ["pending", "running", "awaiting_confirmation", "interrupted"] as const;

function logsJson(rows: LogRow[]): string {
  return JSON.stringify(rows.map((r) => ({ stream: r.stream, text: r.text, at: r.at.toISOString() })));
}

type ChainedStep = Pick<Claimed, "id" | "index" | "title" | "executor" | "params" | "phase" | "timeoutSeconds" | "attempt" | "retries" | "backoffSeconds" | "continueOnFailure" | "idempotent" | "parallelGroup">;

/**
 * The common case in one round trip: a step that succeeded is recorded with its log tail, the same
 * statement says what is left of the run and, when `chain` is set, claims the run's next step if it
 * may start now (this step outside any parallel group, the next one too), returned to execute.
 * Finishing the run (once per run) takes the locked path in maybeFinishRun. A statement sees the
 * database as it was when it began, so a step of a parallel group finishing beside another counts
 * again afterwards; finishSettledRuns() in the heartbeat is the backstop for a stop in between.
 */
export async function finishSucceeded(db: Db, pool: Pool, step: Claimed, outcome: StepOutcome, instanceId: string, logs: LogRow[] = [], chain = false): Promise<Claimed | null> {
  const now = new Date();
  const output = outcome.output === undefined ? null : JSON.stringify(outcome.output);
  const chainNext = chain && step.parallelGroup === null;
  const { rows } = await pool.query<{ updated: number; runStatus: string | null; open: number; running: number; next: ChainedStep | null }>({
    name: "rollcall_finish_succeeded_v1",
    text: FINISH_SUCCEEDED_SQL,
    values: [step.id, instanceId, now, outcome.exitCode ?? null, outcome.error ?? null, output, step.attempt, logsJson(logs), chainNext, step.runId, step.index + 1],
  });
  const r = rows[0];
  // Someone else (recovery after a stall) took the step over: their record stands, the log is kept.
  if (!r || r.updated === 0) return null;
  if (r.next) {
    publishRun(step.runId, step.incidentKey, "step", "succeeded");
    return { ...r.next, runId: step.runId, mode: step.mode, runParams: step.runParams, incidentKey: step.incidentKey };
  }
  let open = r.open;
  if (open > 0 && (r.running > 0 || step.parallelGroup)) {
    const again = await db.stepRun.count({ where: { runId: step.runId, status: { in: [...OPEN_STEP] } } });
    open = again;
  }
  const after: AfterCommit[] = [];
  const finished = open === 0 ? await db.$transaction((tx) => maybeFinishRun(tx, step.runId, now, after)) : null;
  runAfterCommit(after);
  publishRun(step.runId, step.incidentKey, finished ? "finished" : "step", finished ?? (r.runStatus === "aborted" ? "aborted" : "succeeded"));
  return null;
}

/** Records a step's outcome and moves the run on: next step, retry later, pause to ask, or finish. */
export async function finishStep(db: Db, step: Claimed, outcome: StepOutcome, instanceId: string, logs: LogRow[] = []) {
  const now = new Date();
  if (logs.length) {
    // Written whatever happens to the step's record below: a log is never lost.
    await db.stepLog.createMany({ data: logs.map((l) => ({ stepRunId: step.id, attempt: step.attempt, stream: l.stream, text: l.text, at: l.at })) });
  }
  const after: AfterCommit[] = [];
  const result = await db.$transaction(async (tx) => {
    const cur = await tx.stepRun.findUnique({ where: { id: step.id }, select: { status: true, claimedBy: true, run: { select: { status: true, incidentId: true, runbookTitle: true } } } });
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
      if (!step.idempotent) {
        const reason = `Step ${step.index + 1} “${step.title}” was interrupted by a server stop. Retry, skip or abort.`;
        await tx.run.update({ where: { id: step.runId }, data: { status: "paused", pauseReason: reason } });
        after.push(...(await notifyRun(tx, { kind: "paused", runId: step.runId, incidentId: cur.run.incidentId, mode: step.mode, runbookTitle: cur.run.runbookTitle, now, why: "interrupted", reason })));
      }
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
    if (runUpdate) {
      await tx.run.update({ where: { id: step.runId }, data: runUpdate });
      // A pause is told at once (timeline; a live rollback stopped by a failed step prepares its
      // "rollback failed" message now, not when someone finally aborts it).
      const why = status === "awaiting_confirmation" ? "confirm" : "failed";
      after.push(...(await notifyRun(tx, { kind: "paused", runId: step.runId, incidentId: cur.run.incidentId, mode: step.mode, runbookTitle: cur.run.runbookTitle, now, why, reason: String(runUpdate.pauseReason) })));
    }
    const finished = await maybeFinishRun(tx, step.runId, now, after);
    return { status: retry ? "retrying" : status, finished, incidentId: cur.run.incidentId };
  });
  runAfterCommit(after);
  if (!result) return;
  publishRun(step.runId, step.incidentKey, result.finished ? "finished" : "step", result.finished ?? result.status);
}

/**
 * When no step is left to run, the run ends: succeeded, or failed if a step failed. Its
 * subscribers (incident, messages) act in this transaction; their effects go into `after`.
 */
export async function maybeFinishRun(tx: Prisma.TransactionClient, runId: string, now: Date, after: AfterCommit[] = []): Promise<string | null> {
  // The run's row lock makes finishing happen once when two callers race; the count after it sees
  // every step committed before the lock was granted.
  await tx.$queryRaw`select 1 from "Run" where "id" = ${runId}::uuid for update`;
  const open = await tx.stepRun.count({ where: { runId, status: { in: [...OPEN_STEP] } } });
  if (open > 0) return null;
  const run = await tx.run.findUnique({ where: { id: runId }, select: { status: true, mode: true, incidentId: true, runbookTitle: true, incident: { select: { key: true } }, steps: { where: { status: "failed" }, select: { status: true, continueOnFailure: true } } } });
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
  }
  after.push(...(await notifyRun(tx, { kind: "finished", runId, incidentId: run.incidentId, mode: run.mode, runbookTitle: run.runbookTitle, now, status })));
  return status;
}
