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

/** Time and timers, injected so lease expiry and recovery can be tested without the wall clock. */
export type Clock = {
  now: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  setInterval: (fn: () => void, ms: number) => unknown;
  clearInterval: (handle: unknown) => void;
};

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
};

type Options = {
  db: Db;
  /** The pg pool for the hot statements; by default the one under `db` (a client from db()/createDb()). */
  pool?: Pool;
  /** The lease: claims older than this without a heartbeat belong to a dead instance, and an instance that has not heartbeated for this long stops its own steps. */
  staleAfterMs?: number;
  tickMs?: number;
  heartbeatMs?: number;
  maxConcurrent?: number;
  log?: (line: string) => void;
  clock?: Clock;
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
  /** The fencing token this claim was made with: every outcome write must still find it. */
  leaseToken: number;
};

/** One registration of this process as an engine instance. A lost lease is never renewed: the process registers again under a new id. */
type Lease = { id: string; lastBeat: number; lost: boolean; beating: boolean };

/** A step this process executes, under the lease it was claimed with. */
type Active = {
  step: Claimed;
  lease: Lease;
  controller: AbortController;
  /** Why the claim is gone (lease lost, or taken over): nothing more is written for it but log lines and a note. */
  lost: string | null;
  /** Its process (executor) has returned. */
  childDone: boolean;
  /** An outcome write is in flight: its own answer says whether the claim held. */
  recording: boolean;
};

// The engine's two hot statements run as named prepared statements on the client's pg pool: planned
// once per connection, no query-engine layer in between (bench/README.md, executor overhead).
// Claims are fenced: each raises the step's leaseToken, and only a registered instance may claim.
// Their names stay "_v1" though the text changed: a name is per connection, and bench/executor.ts
// attributes time by these names.

const CLAIM_SQL = `
  with front as materialized (
    -- Per running run, the first step not yet settled: only it (or its parallel group) may start.
    -- Materialized: inlined, the min() would be computed again for every pending step.
    select r."id", r."createdAt", r."mode",
      (select min(p."index") from "StepRun" p where p."runId" = r."id" and p."status" not in ('succeeded', 'skipped', 'failed')) as "m"
    from "Run" r where r."status" = 'running' and exists (select 1 from "EngineInstance" e where e."id" = $1::text)
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
  update "StepRun" t set "status" = 'running', "attempt" = t."attempt" + 1, "claimedBy" = $1::text, "leaseToken" = t."leaseToken" + 1,
    "heartbeatAt" = $3::timestamptz, "startedAt" = coalesce(t."startedAt", now()), "error" = null
  from next, "Run" r left join "Incident" i on i."id" = r."incidentId"
  where t."id" = next."id" and r."id" = t."runId"
  returning t."id", t."runId", t."index", t."title", t."executor", t."params", t."phase", t."timeoutSeconds", t."attempt",
    t."retries", t."backoffSeconds", t."continueOnFailure", t."idempotent", t."parallelGroup", t."leaseToken",
    r."mode"::text as "mode", r."params" as "runParams", i."key" as "incidentKey"
`;

// The open statuses (OPEN_STEP) are spelled out: a prepared statement's text is fixed.
const FINISH_SUCCEEDED_SQL = `
  with cur as (
    select s."id", r."status"::text as "runStatus" from "StepRun" s join "Run" r on r."id" = s."runId"
    where s."id" = $1::uuid and s."status" = 'running' and s."claimedBy" = $2::text and s."leaseToken" = $12::int
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
      and exists (select 1 from "EngineInstance" e where e."id" = $2::text)
    for update of n skip locked
  ), claimed as (
    update "StepRun" t set "status" = 'running', "attempt" = t."attempt" + 1, "claimedBy" = $2::text, "leaseToken" = t."leaseToken" + 1,
      "heartbeatAt" = $13::timestamptz, "startedAt" = coalesce(t."startedAt", now()), "error" = null
    from nxt where t."id" = nxt."id"
    returning t."id", t."index", t."title", t."executor", t."params", t."phase", t."timeoutSeconds", t."attempt",
      t."retries", t."backoffSeconds", t."continueOnFailure", t."idempotent", t."parallelGroup", t."leaseToken"
  )
  select (select count(*) from upd)::int as "updated", (select "runStatus" from cur) as "runStatus",
    (select to_jsonb(c) from claimed c) as "next",
    o."open", o."running"
  from (select count(*)::int as "open", (count(*) filter (where "status" = 'running'))::int as "running" from "StepRun"
    where "runId" = $10::uuid and "id" <> $1::uuid and "status" in ('pending', 'running', 'awaiting_confirmation', 'interrupted')) o
`;

// Heartbeats only the claims this instance still holds with the token it claimed with; a step
// missing from the answer was taken over.
const BEAT_STEPS_SQL = `
  update "StepRun" s set "heartbeatAt" = $4::timestamptz
  from unnest($1::uuid[], $2::int[]) as a("id", "token")
  where s."id" = a."id" and s."leaseToken" = a."token" and s."claimedBy" = $3::text and s."status" = 'running'
  returning s."id"
`;

// Claims made under a lease that was lost before their step started: put back as never claimed.
const UNCLAIM_SQL = `
  update "StepRun" s set "status" = 'pending', "attempt" = s."attempt" - 1, "claimedBy" = null, "leaseToken" = s."leaseToken" + 1
  from unnest($1::uuid[], $2::int[]) as a("id", "token")
  where s."id" = a."id" and s."leaseToken" = a."token" and s."claimedBy" = $3::text and s."status" = 'running'
`;

// Running steps no live instance is executing: claimed by an instance whose row is gone (declared
// dead), with a stale heartbeat, or by this instance without being in its hands (a claim whose
// answer was lost). One statement, so an instance registered since is seen with its claims.
const ORPHANS_SQL = `
  select s."id", s."runId", s."index", s."title", s."idempotent", s."attempt", s."leaseToken", r."incidentId", i."key" as "incidentKey"
  from "StepRun" s join "Run" r on r."id" = s."runId" left join "Incident" i on i."id" = r."incidentId"
  where s."status" = 'running' and (
    s."claimedBy" is null
    or (s."claimedBy" <> $1::text and (s."heartbeatAt" < $2::timestamptz
      or not exists (select 1 from "EngineInstance" e where e."id" = s."claimedBy")))
    or (s."claimedBy" = $1::text and s."heartbeatAt" < $2::timestamptz and not (s."id" = any($3::uuid[])))
  )
`;

const RETRY_FIRST_MS = 100;
// A database that answers with an error (not an outage) gets this many tries before the claim is released to recovery.
const MAX_ANSWERED_FAILURES = 3;

/**
 * Executes runs' steps from PostgreSQL. A step is claimed with FOR UPDATE SKIP LOCKED, so with
 * several instances on one database exactly one executes it. Claims carry the instance id, a
 * fencing token and a heartbeat; a claim whose instance died is marked interrupted, never silently
 * re-run, unless the step is declared idempotent. An instance that loses its lease (row deleted by
 * a peer, heartbeat refused, or no heartbeat within the lease by its own clock) stops its steps
 * without recording over their new owner and registers again under a new id.
 */
export class RunEngine {
  private readonly db: Db;
  private readonly pool: Pool;
  private readonly staleAfterMs: number;
  private readonly tickMs: number;
  private readonly heartbeatMs: number;
  private readonly maxConcurrent: number;
  private readonly log: (line: string) => void;
  private readonly clock: Clock;
  private lease: Lease;
  /** Earlier registrations of this process: their rows are deleted and their claims recovered. */
  private retired = new Set<string>();
  /** Log lines and notes of steps whose lease was lost, written once the database answers. */
  private leftovers: { stepRunId: string; attempt: number; rows: LogRow[] }[] = [];
  private registering: Promise<void> | null = null;
  private recovering = false;
  private timer: unknown = null;
  private beat: unknown = null;
  private active = new Map<string, Active>();
  private ticking = false;
  private tickAgain = false;
  private stopped = false;
  /** stop() gave up waiting: outcome writes still retrying end. */
  private halted = false;
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
    this.clock = opts.clock ?? realClock;
    this.lease = { id: newInstanceId(), lastBeat: this.clock.now(), lost: false, beating: false };
  }

  /** The id this process is registered under now; it changes when a lost lease makes it register again. */
  get instanceId(): string {
    return this.lease.id;
  }

  async start() {
    const sentAt = this.clock.now();
    await this.db.engineInstance.create({ data: { id: this.lease.id, host: hostname(), pid: process.pid, heartbeatAt: new Date(sentAt) } });
    this.lease.lastBeat = sentAt;
    // Beating from the start: a first recovery slowed by a cold client must not let the lease lapse.
    this.beat = this.clock.setInterval(() => this.onBeat(), this.heartbeatMs);
    await this.recover().catch((err: unknown) => {
      this.clock.clearInterval(this.beat);
      throw err;
    });
    this.timer = this.clock.setInterval(() => void this.tick(), this.tickMs);
    this.unwake = onWake(() => void this.tick());
  }

  async stop() {
    this.stopped = true;
    if (this.timer) this.clock.clearInterval(this.timer);
    if (this.beat) this.clock.clearInterval(this.beat);
    this.unwake?.();
    for (const a of this.active.values()) a.controller.abort(new Error("server stopping"));
    const deadline = this.clock.now() + 10_000;
    while (this.active.size > 0 && this.clock.now() < deadline) await this.sleep(50);
    this.halted = true;
    await this.db.engineInstance.deleteMany({ where: { id: this.lease.id } }).catch(() => {});
  }

  private sleep(ms: number) {
    return new Promise<void>((r) => this.clock.setTimeout(r, ms));
  }

  /** Whether `lease` is still this process's to act on. One past its time is fenced here, by this process's own clock. */
  private holds(lease: Lease): boolean {
    if (lease.lost) return false;
    const silent = this.clock.now() - lease.lastBeat;
    if (silent < this.staleAfterMs) return true;
    this.fence(lease, `no heartbeat for ${silent} ms; the lease is ${this.staleAfterMs} ms`);
    return false;
  }

  /**
   * The lease is lost: stop every step claimed under it (their processes are aborted; no outcome is
   * recorded, recovery decides), claim nothing more under it, and register again under a new id.
   */
  private fence(lease: Lease, reason: string) {
    if (lease.lost) return;
    lease.lost = true;
    this.retired.add(lease.id);
    this.log(`[runs] instance ${lease.id} lost its lease: ${reason}; stopping its steps and registering again`);
    for (const a of this.active.values()) {
      if (a.lease !== lease || a.lost) continue;
      a.lost = `lost its lease (${reason})`;
      a.controller.abort(new Error(`lease lost: ${reason}`));
    }
    this.reregister();
  }

  private reregister() {
    this.registering ??= this.register().finally(() => (this.registering = null));
  }

  private async register() {
    // What the old lease ran stops first: nothing may overlap with what the new one claims.
    while (!this.stopped && [...this.active.values()].some((a) => a.lease.lost && !a.childDone)) await this.sleep(20);
    let delay = RETRY_FIRST_MS;
    while (!this.stopped) {
      const id = newInstanceId();
      const sentAt = this.clock.now();
      try {
        await this.db.engineInstance.create({ data: { id, host: hostname(), pid: process.pid, heartbeatAt: new Date(sentAt) } });
        if (this.stopped) {
          await this.db.engineInstance.deleteMany({ where: { id } }).catch(() => {});
          return;
        }
        const old = this.lease.id;
        this.lease = { id, lastBeat: sentAt, lost: false, beating: false };
        this.log(`[runs] registered again as ${id} (was ${old})`);
        break;
      } catch (err) {
        this.log(`[runs] could not register again: ${(err as Error).message}; retrying in ${delay} ms`);
        await this.sleep(delay);
        delay = Math.min(delay * 2, this.heartbeatMs);
      }
    }
    if (this.stopped) return;
    try {
      await this.writeLeftovers();
      await this.recover();
    } catch (err) {
      this.log(`[runs] recovery after registering again failed: ${(err as Error).message}`);
    }
    void this.tick();
  }

  /** Claims left by instances that are gone: on this host a dead pid, anywhere a stale heartbeat; and this process's earlier registrations. */
  async recover(now = new Date(this.clock.now())) {
    const me = this.lease.id;
    const cutoff = new Date(now.getTime() - this.staleAfterMs);
    // An earlier registration is recovered once the processes it ran have stopped.
    const retired = [...this.retired].filter((id) => ![...this.active.values()].some((a) => a.lease.id === id && !a.childDone));
    const instances = await this.db.engineInstance.findMany({ select: { id: true, host: true, pid: true, heartbeatAt: true } });
    const gone: string[] = [...retired];
    const stale: string[] = [];
    for (const i of instances) {
      if (i.id === me || this.retired.has(i.id)) continue;
      if (i.host === hostname() && !pidAlive(i.pid)) gone.push(i.id);
      else if (i.heartbeatAt < cutoff) stale.push(i.id);
    }
    // Declaring an instance dead is one conditional delete: one that heartbeated since it was read
    // survives. Its claims are orphans from then on, whoever recovers them.
    if (gone.length || stale.length) {
      await this.db.engineInstance.deleteMany({ where: { OR: [{ id: { in: gone } }, { id: { in: stale }, heartbeatAt: { lt: cutoff } }] } });
    }
    const { rows: orphans } = await this.pool.query<{ id: string; runId: string; index: number; title: string; idempotent: boolean; attempt: number; leaseToken: number; incidentId: string | null; incidentKey: string | null }>({
      text: ORPHANS_SQL,
      values: [me, cutoff, [...this.active.keys()]],
    });
    for (const s of orphans) {
      const after: AfterCommit[] = [];
      const taken = await this.db.$transaction(async (tx) => {
        // The token the orphan was read with: a step claimed again since is not touched.
        const res = await tx.stepRun.updateMany({
          where: { id: s.id, status: "running", leaseToken: s.leaseToken },
          data: s.idempotent
            ? { status: "pending", claimedBy: null, leaseToken: { increment: 1 }, error: "interrupted: the server stopped during this step; retrying because it is idempotent" }
            : { status: "interrupted", claimedBy: null, leaseToken: { increment: 1 }, finishedAt: now, error: "interrupted: the server stopped during this step" },
        });
        if (res.count === 0) return false;
        await tx.stepLog.create({ data: { stepRunId: s.id, attempt: s.attempt, stream: "info", text: `\n[rollcall] interrupted: the server running this step stopped (attempt ${s.attempt}).${s.idempotent ? " The step is idempotent: it will run again." : " Waiting for an operator: retry, skip or abort."}\n` } });
        if (!s.idempotent) {
          const reason = `Step ${s.index + 1} “${s.title}” was interrupted by a server stop. Retry, skip or abort.`;
          const run = await tx.run.update({ where: { id: s.runId }, data: { status: "paused", pauseReason: reason }, select: { mode: true, runbookTitle: true } });
          after.push(...(await notifyRun(tx, { kind: "paused", runId: s.runId, incidentId: s.incidentId, mode: run.mode, runbookTitle: run.runbookTitle, now, why: "interrupted", reason })));
        }
        if (s.incidentId && s.incidentKey) {
          await recordIncidentChange(tx, { actor: SYSTEM }, {
            incidentId: s.incidentId, incidentKey: s.incidentKey, kind: "run_step",
            payload: { runId: s.runId, step: s.title, status: s.idempotent ? "retrying" : "interrupted" },
            action: "run.step_interrupted", after: { stepRunId: s.id, idempotent: s.idempotent },
          });
        }
        return true;
      });
      if (!taken) continue;
      runAfterCommit(after);
      this.log(`[runs] step ${s.id} interrupted (${s.idempotent ? "idempotent, requeued" : "run paused"})`);
      publishRun(s.runId, s.incidentKey, "paused", "paused");
    }
    for (const id of retired) this.retired.delete(id);
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

  private onBeat() {
    if (this.stopped) return;
    const lease = this.lease;
    if (lease.lost) return this.reregister();
    if (!this.holds(lease) || lease.beating) return;
    lease.beating = true;
    void this.heartbeat(lease).finally(() => (lease.beating = false));
  }

  private async heartbeat(lease: Lease) {
    // The time the beat was sent, not answered: a beat held up in transit never extends the lease.
    const sentAt = this.clock.now();
    const at = new Date(sentAt);
    try {
      const { count } = await this.db.engineInstance.updateMany({ where: { id: lease.id }, data: { heartbeatAt: at } });
      if (lease.lost) return;
      if (count === 0) return this.fence(lease, "its EngineInstance row is gone (a peer found it stale)");
      lease.lastBeat = Math.max(lease.lastBeat, sentAt);
      if (this.leftovers.length) await this.writeLeftovers().catch((err: Error) => this.log(`[runs] late logs kept for later: ${err.message}`));
      await this.beatSteps(lease, at);
    } catch (err) {
      this.log(`[runs] heartbeat failed: ${(err as Error).message}`);
      return;
    }
    // Apart from the beat: a long recovery never holds up renewing this instance's own lease.
    if (this.recovering) return;
    this.recovering = true;
    void this.recover()
      .catch((err: Error) => this.log(`[runs] recovery failed: ${err.message}`))
      .finally(() => (this.recovering = false));
  }

  private async beatSteps(lease: Lease, at: Date) {
    const mine = [...this.active.values()].filter((a) => a.lease === lease && !a.lost && !a.recording);
    if (!mine.length) return;
    const { rows } = await this.pool.query<{ id: string }>({ text: BEAT_STEPS_SQL, values: [mine.map((a) => a.step.id), mine.map((a) => a.step.leaseToken), lease.id, at] });
    const held = new Set(rows.map((r) => r.id));
    for (const a of mine) {
      if (held.has(a.step.id) || a.recording || a.lost || !this.active.has(a.step.id)) continue;
      a.lost = "found the step taken over by another instance";
      this.log(`[runs] step ${a.step.id} was taken over by another instance; stopping it without recording an outcome`);
      a.controller.abort(new Error("the step was taken over by another instance"));
    }
    if (!held.size) return;
    // Abort requested by an operator (on any instance) reaches the executing instance here.
    const aborted = await this.db.stepRun.findMany({ where: { id: { in: [...held] }, run: { status: "aborted" } }, select: { id: true } });
    for (const a of aborted) this.active.get(a.id)?.controller.abort(new Error("run aborted by an operator"));
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
        const lease = this.lease;
        if (!this.holds(lease)) return;
        const room = this.maxConcurrent - this.active.size;
        // One statement claims every step there is room for: no second query to learn there is no more.
        const steps = room > 0 ? await this.claim(lease, room) : [];
        if (lease.lost) return await this.unclaim(lease, steps);
        for (const step of steps) void this.slot(lease, step);
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
  private async claim(lease: Lease, limit: number): Promise<Claimed[]> {
    const { rows } = await this.pool.query<Claimed>({ name: "rollcall_claim_v1", text: CLAIM_SQL, values: [lease.id, limit, new Date(this.clock.now())] });
    return rows.sort((a, b) => a.index - b.index);
  }

  /** Steps claimed under a lease lost before they started go back as never claimed (or, failing that, to recovery). */
  private async unclaim(lease: Lease, steps: { id: string; leaseToken: number }[]) {
    if (!steps.length) return;
    try {
      await this.pool.query({ text: UNCLAIM_SQL, values: [steps.map((s) => s.id), steps.map((s) => s.leaseToken), lease.id] });
    } catch (err) {
      this.log(`[runs] could not put back ${steps.length} step(s) claimed as the lease was lost: ${(err as Error).message}; recovery will`);
    }
  }

  /**
   * One place to execute: the claimed step, then (when it succeeds and the next step of its run may
   * start) that next step, claimed by the same statement that recorded the success.
   */
  private async slot(lease: Lease, first: Claimed) {
    let step: Claimed | null = first;
    while (step) {
      const a: Active = { step, lease, controller: new AbortController(), lost: null, childDone: false, recording: false };
      // Claimed while the server began stopping: recorded as interrupted at once, like its siblings.
      if (this.stopped) a.controller.abort(new Error("server stopping"));
      this.active.set(step.id, a);
      let next: Claimed | null = null;
      try {
        next = await this.execute(a);
      } finally {
        this.active.delete(step.id);
      }
      if (next && lease.lost) {
        await this.unclaim(lease, [next]);
        next = null;
      }
      step = next;
    }
    void this.tick();
  }

  private async execute(a: Active): Promise<Claimed | null> {
    const { step } = a;
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
      outcome = await runStep(step, { signal: a.controller.signal, log: (stream: string, text: string) => buffer.push(stream, text) });
    } catch (err) {
      outcome = { status: "failed", error: (err as Error).message };
    }
    a.childDone = true;
    // The log's tail is written with the outcome: one statement for a step that succeeded.
    const tail = await buffer.drain();
    return this.record(a, outcome, tail);
  }

  /**
   * Writes a step's outcome. While the database cannot be reached the outcome is kept here and the
   * write retried with backoff as long as the lease holds; once the lease is lost, recovery decides
   * (interrupted, or requeued if idempotent) and the outcome is left in the step's log as a note.
   */
  private async record(a: Active, outcome: StepOutcome, logs: LogRow[]): Promise<Claimed | null> {
    const { step, lease } = a;
    let delay = RETRY_FIRST_MS;
    let failures = 0;
    let answered = 0;
    for (;;) {
      if (this.halted || a.lost || !this.holds(lease)) {
        a.lost ??= this.halted ? "stopped before it could record the outcome" : "lost its lease";
        this.leave(a, logs, outcome.status === "aborted"
          ? `this server (${lease.id}) ${a.lost} and stopped the step's process; it recorded no outcome.`
          : `this server (${lease.id}) ${a.lost} before the step's outcome (${describe(outcome)}) could be recorded; it recorded nothing.`);
        await this.writeLeftovers().catch(() => {}); // or at the next heartbeat / registration
        return null;
      }
      try {
        a.recording = true;
        // After a failed attempt, first learn whether it landed after all (its answer may be what was lost).
        if (failures > 0) {
          const state = await this.claimState(a);
          if (state === "landed") return null;
          if (state === "taken") {
            a.lost = "found the step taken over by another instance";
            await this.writeLate(a, logs, outcome);
            return null;
          }
        }
        if (outcome.status === "succeeded") {
          const r = await finishSucceeded(this.db, this.pool, step, outcome, lease.id, logs, failures === 0 && !this.stopped && this.holds(lease), new Date(this.clock.now()));
          if (!r.recorded) await this.writeLate(a, [], outcome);
          return r.next;
        }
        if (!(await finishStep(this.db, step, outcome, lease.id, logs))) await this.writeLate(a, [], outcome);
        return null;
      } catch (err) {
        failures++;
        if (!unreachable(err)) answered++;
        if (answered >= MAX_ANSWERED_FAILURES) {
          this.log(`[runs] giving up recording the outcome of step ${step.id}: ${(err as Error).message}; releasing it to recovery`);
          await this.release(a, logs, outcome, (err as Error).message);
          return null;
        }
        this.log(`[runs] could not record the outcome of step ${step.id} (${outcome.status}): ${(err as Error).message}; retrying in ${delay} ms`);
      } finally {
        a.recording = false;
      }
      await this.sleep(delay);
      delay = Math.min(delay * 2, this.heartbeatMs);
    }
  }

  /** Where a claim stands after an outcome write whose answer never came. */
  private async claimState(a: Active): Promise<"ours" | "landed" | "taken"> {
    const { step, lease } = a;
    const cur = await this.db.stepRun.findUnique({ where: { id: step.id }, select: { status: true, claimedBy: true, leaseToken: true } });
    if (cur?.status === "running" && cur.claimedBy === lease.id && cur.leaseToken === step.leaseToken) return "ours";
    // Only a claim or a takeover raises the token: the same token on a settled step is our own write.
    if (cur && cur.status !== "running" && cur.leaseToken === step.leaseToken) {
      // A success may have claimed the run's next step in the same statement: it never started.
      const { rows } = await this.pool.query<{ id: string; leaseToken: number }>({
        text: `select "id", "leaseToken" from "StepRun" where "runId" = $1::uuid and "claimedBy" = $2::text and "status" = 'running' and not ("id" = any($3::uuid[]))`,
        values: [step.runId, lease.id, [...this.active.keys()]],
      });
      await this.unclaim(lease, rows);
      return "landed";
    }
    return "taken";
  }

  /** The database answers but will not take the outcome: hand the claim to recovery (interrupted, or requeued if idempotent), keeping what is known in the log. */
  private async release(a: Active, logs: LogRow[], outcome: StepOutcome, why: string) {
    const { step, lease } = a;
    a.lost = "could not record the outcome";
    this.leave(a, logs, `this server (${lease.id}) could not record the step's outcome (${describe(outcome)}): ${why}. Recovery decides.`);
    try {
      await this.writeLeftovers();
      await this.db.stepRun.updateMany({ where: { id: step.id, status: "running", claimedBy: lease.id, leaseToken: step.leaseToken }, data: { claimedBy: null } });
    } catch (err) {
      this.log(`[runs] could not release step ${step.id}: ${(err as Error).message}`);
    }
  }

  /** The outcome of a claim that was taken over: not recorded; its log lines and a note say what happened here. */
  private async writeLate(a: Active, logs: LogRow[], outcome: StepOutcome) {
    const { step, lease } = a;
    this.log(`[runs] step ${step.id}: outcome ${outcome.status} not recorded, the step was taken over`);
    this.leave(a, logs, `this server (${lease.id}) finished attempt ${step.attempt} (${describe(outcome)}) after the step had been taken over by another instance; that outcome was not recorded.`);
    try {
      await this.writeLeftovers();
    } catch (err) {
      this.log(`[runs] could not write the late log of step ${step.id}: ${(err as Error).message}; will retry`);
    }
  }

  private leave(a: Active, logs: LogRow[], note: string) {
    const rows = [...logs, { stream: "info", text: `\n[rollcall] ${note}\n`, at: new Date() }];
    this.leftovers.push({ stepRunId: a.step.id, attempt: a.step.attempt, rows });
  }

  /** Log lines and notes of lost claims: appended, never instead of anyone's record. Kept while the database cannot be reached. */
  private async writeLeftovers() {
    const batch = this.leftovers.splice(0);
    for (const [i, l] of batch.entries()) {
      try {
        await this.db.stepLog.createMany({ data: l.rows.map((r) => ({ stepRunId: l.stepRunId, attempt: l.attempt, stream: r.stream, text: r.text, at: r.at })) });
      } catch (err) {
        if (unreachable(err)) {
          this.leftovers.unshift(...batch.slice(i));
          throw err;
        }
        this.log(`[runs] dropped the late log of step ${l.stepRunId}: ${(err as Error).message}`);
      }
    }
  }
}

function newInstanceId() {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

function describe(o: StepOutcome): string {
  return `${o.status}${o.exitCode != null ? `, exit code ${o.exitCode}` : ""}${o.error ? `: ${o.error}` : ""}`;
}

// Connection-level failures: the database could not be reached, so the outcome is retried while
// the lease holds. Anything else is an answer.
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "57P01", "57P02", "57P03", "P1001", "P1002", "P1017", "P2024", "P2028"]);
const UNREACHABLE_TEXT = /connection terminated|terminating connection|connection (?:is )?closed|server closed the connection|can't reach database|connect ECONNREFUSED|DatabaseNotReachable|ConnectionClosed|SocketTimeout|Client has encountered a connection error|the database system is (?:starting up|shutting down)/i;

export function unreachable(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 6; depth++) {
    const x = e as { code?: unknown; message?: unknown; kind?: unknown; cause?: unknown };
    if (typeof x.code === "string" && (UNREACHABLE_CODES.has(x.code) || x.code.startsWith("08"))) return true;
    if (typeof x.kind === "string" && UNREACHABLE_TEXT.test(x.kind)) return true;
    if (typeof x.message === "string" && UNREACHABLE_TEXT.test(x.message)) return true;
    e = x.cause;
  }
  return false;
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

type ChainedStep = Pick<Claimed, "id" | "index" | "title" | "executor" | "params" | "phase" | "timeoutSeconds" | "attempt" | "retries" | "backoffSeconds" | "continueOnFailure" | "idempotent" | "parallelGroup" | "leaseToken">;

/**
 * The common case in one round trip: a step that succeeded is recorded with its log tail, the same
 * statement says what is left of the run and, when `chain` is set, claims the run's next step if it
 * may start now (this step outside any parallel group, the next one too), returned to execute.
 * Finishing the run (once per run) takes the locked path in maybeFinishRun. A statement sees the
 * database as it was when it began, so a step of a parallel group finishing beside another counts
 * again afterwards; finishSettledRuns() in the heartbeat is the backstop for a stop in between.
 * Fenced: it records only if the step is still claimed by `instanceId` with the step's leaseToken;
 * the log tail is stored either way. `leaseNow` (the engine's clock) is the chained claim's heartbeat.
 */
export async function finishSucceeded(db: Db, pool: Pool, step: Claimed, outcome: StepOutcome, instanceId: string, logs: LogRow[] = [], chain = false, leaseNow = new Date()): Promise<{ recorded: boolean; next: Claimed | null }> {
  const now = new Date();
  const output = outcome.output === undefined ? null : JSON.stringify(outcome.output);
  const chainNext = chain && step.parallelGroup === null;
  const { rows } = await pool.query<{ updated: number; runStatus: string | null; open: number; running: number; next: ChainedStep | null }>({
    name: "rollcall_finish_succeeded_v1",
    text: FINISH_SUCCEEDED_SQL,
    values: [step.id, instanceId, now, outcome.exitCode ?? null, outcome.error ?? null, output, step.attempt, logsJson(logs), chainNext, step.runId, step.index + 1, step.leaseToken, leaseNow],
  });
  const r = rows[0];
  // Someone else (recovery after a stall) took the step over: their record stands, the log is kept.
  if (!r || r.updated === 0) return { recorded: false, next: null };
  if (r.next) {
    publishRun(step.runId, step.incidentKey, "step", "succeeded");
    return { recorded: true, next: { ...r.next, runId: step.runId, mode: step.mode, runParams: step.runParams, incidentKey: step.incidentKey } };
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
  return { recorded: true, next: null };
}

/**
 * Records a step's outcome and moves the run on: next step, retry later, pause to ask, or finish.
 * Fenced like finishSucceeded: false when the claim (instance and leaseToken) no longer holds.
 */
export async function finishStep(db: Db, step: Claimed, outcome: StepOutcome, instanceId: string, logs: LogRow[] = []): Promise<boolean> {
  const now = new Date();
  const after: AfterCommit[] = [];
  const result = await db.$transaction(async (tx) => {
    // Locked, so a takeover (recover) waits for this record or finds it done, never the reverse.
    await tx.$queryRaw`select 1 from "StepRun" where "id" = ${step.id}::uuid for update`;
    if (logs.length) {
      // Written whatever happens to the step's record below: a log is never lost.
      await tx.stepLog.createMany({ data: logs.map((l) => ({ stepRunId: step.id, attempt: step.attempt, stream: l.stream, text: l.text, at: l.at })) });
    }
    const cur = await tx.stepRun.findUnique({ where: { id: step.id }, select: { status: true, claimedBy: true, leaseToken: true, run: { select: { status: true, incidentId: true, runbookTitle: true } } } });
    // Someone else (recovery after a stall) took the step over: do not overwrite their record.
    if (!cur || cur.status !== "running" || cur.claimedBy !== instanceId || cur.leaseToken !== step.leaseToken) return null;
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
  if (!result) return false;
  publishRun(step.runId, step.incidentKey, result.finished ? "finished" : "step", result.finished ?? result.status);
  return true;
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
