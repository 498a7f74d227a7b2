/**
 * Executor overhead (issue 4): a 200-step runbook of no-op shell steps (`argv: ["true"]`) run by the
 * real RunEngine, against the BASELINE of the same 200 processes spawned in a plain loop
 * (`spawn("true")`, awaiting exit), in the same run. Goal: ratio <= 1.3 (under 5 ms of overhead per step).
 *
 *   npm run bench -- executor          (or: node --import tsx bench/executor.ts)
 *
 * What is timed, per round (rounds interleave the cases, so drift on the box hits all of them alike):
 *  - plain loop: 200 × `spawn("true")` awaiting "exit" — the baseline;
 *  - shell executor loop (diagnostic): 200 × shellExecutor.execute() with no database and no engine —
 *    the executor's own cost (process group, pipes, waiting for the pipes to close, log lines);
 *  - engine run (judged): requestRollback() of a drill (no approval gate, really executes) → the run's
 *    "finished" event, with one RunEngine configured as server.ts configures it (default tickMs,
 *    heartbeat and stale timeout) in this process. starting the run wakes the engine; each finished step
 *    asks for the next one, so the timer only matters for work started elsewhere.
 * Afterwards, not judged: the same runbook with the timer at 10 ms (what a busy timer costs: it
 * claims nothing while a step runs but competes for the database).
 *
 * Where the time goes: every query the engine sends is timed through a Prisma query extension on the
 * engine's own client (raw statements are told apart by the table they write), and `$transaction`
 * (the rare paths: a failing step, the end of the run) is timed as a whole; run events are captured by
 * a stand-in socket.io server registered with setIo(), so no polling is needed to see steps start and finish.
 *
 * Options (env): BENCH_EXEC_REPS (default 3), BENCH_EXEC_STEPS (default 200), BENCH_EXEC_TICK_MS (judged
 * engine's tickMs; default: the engine's own default, as in server.ts), BENCH_EXEC_FAST_TICK_MS (default 10),
 * BENCH_NO_WRITE=1 to skip bench/README.md.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Pool, QueryConfig } from "pg";
import { createDb, db, poolOf, type Db } from "../lib/db/client.ts";
import { setEnv } from "../lib/env.ts";
import type { Ctx } from "../lib/auth/actor.ts";
import { createIncident } from "../lib/incidents/create-incident.ts";
import { RunEngine } from "../lib/runs/engine.ts";
import { requestRollback } from "../lib/approvals/request-rollback.ts";
import { setIo, type IoServer } from "../lib/realtime/publish.ts";
import type { RunChanged } from "../lib/realtime/events.ts";
import { shellExecutor, ZShellParams } from "../lib/executors/shell.ts";
import { describeMachine } from "./machine.ts";
import { runBench, sleep } from "./lifecycle.ts";
import { writeReadmeResults } from "./readme.ts";
import { fmt, median, percentile, ratio, table } from "./stats.ts";

const REPS = Number(process.env.BENCH_EXEC_REPS ?? 3);
const STEPS = Number(process.env.BENCH_EXEC_STEPS ?? 200);
const TICK_MS = process.env.BENCH_EXEC_TICK_MS ? Number(process.env.BENCH_EXEC_TICK_MS) : undefined;
const FAST_TICK_MS = Number(process.env.BENCH_EXEC_FAST_TICK_MS ?? 10);
const tickLabel = (t: number | undefined) => (t === undefined ? "default tickMs (as server.ts)" : `tickMs ${t}`);
const GOAL_RATIO = 1.3;
const GOAL_OVERHEAD_MS = 5;
const BUDGET_MS = 150_000;
const BENCH_T0 = performance.now();
const MEASURE_BUDGET_MS = 60_000; // judged rounds; fewer rounds (reported) if the box is slow

// ---------------------------------------------------------------- runbooks
function runbookYaml(name: string, steps: number): string {
  const lines = [
    `name: ${name}`,
    `title: Bench ${steps} no-op shell steps`,
    "scope: application",
    "estimatedMinutes: { min: 1, max: 10 }",
    "steps:",
  ];
  for (let i = 1; i <= steps; i++) {
    const id = `noop-${String(i).padStart(3, "0")}`;
    lines.push(`  - id: ${id}`, `    title: No-op ${i}`, "    executor: shell", '    params: { argv: ["true"] }');
  }
  return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------- instrumentation
type Op = { key: string; ms: number; rows: number | null };

/** Which of the engine's Prisma raw statements this is (the claim and finish go through the pool). */
function rawKind(args: unknown): string {
  return JSON.stringify(args ?? "").includes("for update") ? "raw.lockRun" : "raw.other";
}

/** The engine's pool, its prepared claim and finish statements timed like the Prisma queries. */
function timedPool(pool: Pool): Pool {
  return new Proxy(pool, {
    get(target, prop) {
      if (prop === "query") {
        return async (cfg: QueryConfig) => {
          const s = performance.now();
          const r = await target.query(cfg);
          ops.push({ key: cfg.name === "rollcall_claim_v1" ? "raw.claim" : cfg.name === "rollcall_finish_succeeded_v1" ? "raw.finish" : `pool.${cfg.name ?? "query"}`, ms: performance.now() - s, rows: r.rows.length });
          return r;
        };
      }
      const v: unknown = Reflect.get(target, prop);
      return typeof v === "function" ? (v as (...x: unknown[]) => unknown).bind(target) : v;
    },
  });
}const ops: Op[] = [];

/** The engine's client: every query timed by kind; `$transaction` (finishStep) timed as a whole. */
function instrumentedDb(url: string): { client: Db; base: Db; pool: Pool } {
  const base = createDb(url);
  const ext = base.$extends({
    query: {
      async $allOperations({ model, operation, args, query }) {
        const s = performance.now();
        const r: unknown = await query(args);
        ops.push({ key: model ? `${model}.${operation}` : rawKind(args), ms: performance.now() - s, rows: Array.isArray(r) ? r.length : null });
        return r;
      },
    },
  }) as unknown as Db;
  const client = new Proxy(ext, {
    get(target, prop) {
      const v: unknown = Reflect.get(target, prop);
      if (prop === "$transaction" && typeof v === "function") {
        return async (...a: unknown[]) => {
          const s = performance.now();
          try {
            return await (v as (...x: unknown[]) => Promise<unknown>).apply(target, a);
          } finally {
            ops.push({ key: "$transaction", ms: performance.now() - s, rows: null });
          }
        };
      }
      return typeof v === "function" ? (v as (...x: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { client, base, pool: timedPool(poolOf(base)!) };
}

/** Run events, as the engine publishes them, received by a stand-in io (no sockets involved). */
type Event = { t: number; e: RunChanged };
const events: Event[] = [];
const finishWaiters = new Map<string, (t: number) => void>();

function captureEvents() {
  const record = (event: string, e: RunChanged) => {
    if (event !== "run:changed") return;
    const t = performance.now();
    events.push({ t, e });
    if (e.kind === "finished") finishWaiters.get(e.runId)?.(t);
  };
  // Anything else the app emits (other namespaces, other events) is accepted and dropped.
  const sink: Record<string, unknown> = {};
  const chain = () => sink;
  Object.assign(sink, { to: chain, in: chain, of: chain, except: chain, local: sink, emit: record, disconnectSockets: () => {} });
  setIo(sink as unknown as IoServer);
}

// ---------------------------------------------------------------- cases
async function plainLoop(n: number): Promise<number> {
  const s = performance.now();
  for (let i = 0; i < n; i++) {
    await new Promise<void>((resolve, reject) => {
      const child = spawn("true");
      child.once("error", reject);
      child.once("exit", () => resolve());
    });
  }
  return performance.now() - s;
}

async function executorLoop(n: number): Promise<number> {
  const params = ZShellParams.parse({ argv: ["true"] });
  const signal = new AbortController().signal;
  const s = performance.now();
  for (let i = 0; i < n; i++) {
    const r = await shellExecutor.execute(params, { env: process.env, signal, log: () => {}, secrets: [] });
    if (!r.ok) throw new Error(`shell executor failed: ${r.error}`);
  }
  return performance.now() - s;
}

type RunTiming = {
  runId: string;
  steps: number;
  totalMs: number;
  startRunMs: number;
  /** per step: from the step's "running" event to its finish being published */
  busy: number[];
  /** per step: from the previous step's finish (or the run's start) to this step's "running" event */
  gaps: number[];
  ops: Op[];
};

async function engineRun(ctx: Ctx, key: string, runbook: string): Promise<RunTiming> {
  const from = events.length;
  const opsFrom = ops.length;
  const s = performance.now();
  let finishedAt: number | undefined;
  let resolveFinish: (t: number) => void = () => {};
  const finished = new Promise<number>((r) => (resolveFinish = r));
  // A drill is a rollback record too; under the default policy a HIGH incident's gate opens at once
  // and the run starts in the request's transaction.
  const req = await requestRollback({ ctx, input: { key, idempotencyKey: randomUUID(), runbook, mode: "drill", target: "v1", reason: "executor benchmark drill" } });
  const r = { runId: (await db().run.findUniqueOrThrow({ where: { requestId: req.id }, select: { id: true } })).id };
  const startRunMs = performance.now() - s;
  const already = events.slice(from).find((x) => x.e.runId === r.runId && x.e.kind === "finished");
  if (already) finishedAt = already.t;
  else {
    finishWaiters.set(r.runId, resolveFinish);
    finishedAt = await Promise.race([finished, sleep(60_000).then(() => NaN)]);
    finishWaiters.delete(r.runId);
  }
  if (Number.isNaN(finishedAt)) throw new Error(`run ${r.runId} did not finish within 60 s`);
  const totalMs = finishedAt - s;
  const mine = events.slice(from).filter((x) => x.e.runId === r.runId);
  const finishedEvent = mine.find((x) => x.e.kind === "finished");
  if (finishedEvent?.e.status !== "succeeded") throw new Error(`run ${r.runId} ended ${finishedEvent?.e.status ?? "without a finished event"}`);
  const started = mine.find((x) => x.e.kind === "started")?.t ?? s + startRunMs;
  const running = mine.filter((x) => x.e.kind === "step" && x.e.status === "running").map((x) => x.t);
  const done = mine.filter((x) => (x.e.kind === "step" && x.e.status !== "running") || x.e.kind === "finished").map((x) => x.t);
  if (running.length !== done.length) throw new Error(`run ${r.runId}: ${running.length} steps started, ${done.length} finished`);
  const busy = running.map((t, i) => done[i]! - t);
  const gaps = running.map((t, i) => t - (i === 0 ? started : done[i - 1]!));
  return { runId: r.runId, steps: running.length, totalMs, startRunMs, busy, gaps, ops: ops.slice(opsFrom) };
}

/** Spawn→exit time of each step's process as the shell executor recorded it (StepRun.output.durationMs, whole ms). */
async function processMs(runId: string): Promise<number> {
  const steps = await db().stepRun.findMany({ where: { runId }, select: { output: true } });
  return steps.reduce((sum, s) => sum + Number((s.output as { durationMs?: number } | null)?.durationMs ?? 0), 0);
}

/** Each kind of query the engine sent during a run: how many, median and p95 ms. */
function queryTable(run: RunTiming) {
  const label = (o: Op) =>
    o.key === "raw.claim" ? (o.rows ? "claim: one prepared UPDATE … SKIP LOCKED … RETURNING the steps, got some" : "claim: same statement, nothing claimable")
      : o.key === "raw.finish" ? "finish: one prepared statement (step record + log tail + what is left + the next step's claim)"
        : o.key === "$transaction" ? "interactive transaction (end of the run)"
          : o.key;
  const groups = new Map<string, number[]>();
  for (const o of run.ops) {
    const k = label(o);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(o.ms);
  }
  return table(
    ["query (engine's client)", "count", "median ms", "p95 ms", "total ms"],
    [...groups.entries()].sort((a, b) => b[1].reduce((x, y) => x + y, 0) - a[1].reduce((x, y) => x + y, 0)).map(([k, ms]) => [k, String(ms.length), fmt(median(ms)), fmt(percentile(ms, 95)), fmt(ms.reduce((x, y) => x + y, 0))]),
  );
}

type Breakdown = { rows: [string, number, number][]; perStep: Record<string, number> };

/** Mean ms per step for each part of an engine run (and how many queries made it). */
async function breakdown(run: RunTiming): Promise<Breakdown> {
  const sum = (f: (o: Op) => boolean) => run.ops.filter(f).reduce((a, o) => a + o.ms, 0);
  const count = (f: (o: Op) => boolean) => run.ops.filter(f).length;
  const claimHit = (o: Op) => o.key === "raw.claim" && o.rows === 1;
  const claimEmpty = (o: Op) => o.key === "raw.claim" && o.rows === 0;
  const finish = (o: Op) => o.key === "raw.finish";
  const flush = (o: Op) => o.key === "StepLog.createMany";
  const tx = (o: Op) => o.key === "$transaction";
  const recount = (o: Op) => o.key === "StepRun.count";
  const heartbeat = (o: Op) => o.key.startsWith("EngineInstance.") || o.key === "StepRun.updateMany" || o.key === "StepRun.findMany" || o.key === "raw.other";
  const n = run.steps;
  const gapTotal = run.gaps.reduce((a, b) => a + b, 0);
  const busyTotal = run.busy.reduce((a, b) => a + b, 0);
  const claim = sum(claimHit);
  const proc = await processMs(run.runId);
  const finishMs = sum(finish) + sum(recount) + sum(flush) + sum(tx);
  const other = busyTotal - proc - finishMs;
  const after = run.totalMs - run.startRunMs - gapTotal - busyTotal;
  const perStep = {
    startRun: run.startRunMs / n,
    between: (gapTotal - claim) / n,
    claim: claim / n,
    process: proc / n,
    finish: finishMs / n,
    other: other / n,
  };
  const rows: [string, number, number][] = [
    [`requestRollback(): load + validate the runbook, insert the record, run and ${n} StepRun rows (once, spread over the steps)`, perStep.startRun, 1],
    [`between steps, besides the claim: the finished step's promise settling, tick() scheduling`, perStep.between, n],
    [`claim by the timer or on start: one prepared statement (the chain below claims every other step)`, perStep.claim, count(claimHit)],
    [`process: spawn → exit of "true" as the shell executor recorded it (output.durationMs)`, perStep.process, n],
    [`finish: one prepared statement per step, recording it and claiming the next (+ ${count(tx)} transaction(s) ending the run, ${count(flush)} log write(s) while running)`, perStep.finish, count(finish) + count(tx) + count(flush) + count(recount)],
    [`rest of a step: render + executor JS, pipe close wait, publish (busy − process − finish)`, perStep.other, n],
    [`(concurrent, not in the sum) empty claims by timer ticks while a step runs`, sum(claimEmpty) / n, count(claimEmpty)],
    [`(concurrent, not in the sum) heartbeat + recover queries`, sum(heartbeat) / n, count(heartbeat)],
  ];
  if (Math.abs(after) > 1) rows.push([`(unattributed: finished event → run timer stop)`, after / n, 1]);
  return { rows, perStep };
}

// ---------------------------------------------------------------- main
await runBench("executor", BUDGET_MS, async ({ url, tmp, say, onCleanup }) => {
  const dir = await mkdtemp(path.join(tmp, "runbooks-"));
  setEnv("RUNBOOKS_DIR", dir);
  const main = `bench-noop-${STEPS}`;
  await writeFile(path.join(dir, `${main}.yaml`), runbookYaml(main, STEPS));
  await writeFile(path.join(dir, "bench-noop-warmup.yaml"), runbookYaml("bench-noop-warmup", 10));

  const user = await db().user.create({
    data: { email: `bench-${randomUUID()}@example.test`, name: "Bench oncall", role: "oncall" },
    select: { id: true, email: true, name: true, role: true },
  });
  const ctx: Ctx = { actor: { type: "user", ...user } };
  const svc = await db().service.create({ data: { name: "Bench service", tier: "Critical", rtoMinutes: 5, rpoMinutes: 1, ownerTeam: "Bench" }, select: { id: true } });
  const inc = await createIncident({ ctx, input: { title: "Executor overhead bench", trigger: "Bench", severity: "HIGH", serviceIds: [svc.id] } });
  captureEvents();
  onCleanup(() => setIo(undefined));

  const machine = await describeMachine(url);
  say(`machine: ${machine.cpu} × ${machine.cpus}, load average ${machine.load}`);

  // One engine for the judged rounds, configured as server.ts configures it.
  const { client, base, pool } = instrumentedDb(url);
  onCleanup(() => base.$disconnect());
  let engine = new RunEngine({ db: client, pool, tickMs: TICK_MS });
  onCleanup(() => engine.stop());
  await engine.start();

  // Warm-up: JIT, connection pools, the spawn path.
  await plainLoop(20);
  await executorLoop(20);
  await engineRun(ctx, inc.key, "bench-noop-warmup");
  say("warmed up");

  const plain: number[] = [];
  const exec: number[] = [];
  const runs: RunTiming[] = [];
  const measureStart = performance.now();
  for (let i = 0; i < REPS; i++) {
    if (i >= 1 && performance.now() - measureStart > MEASURE_BUDGET_MS) {
      say(`measuring budget (${MEASURE_BUDGET_MS / 1000} s) spent after ${i} of ${REPS} rounds`);
      break;
    }
    plain.push(await plainLoop(STEPS));
    exec.push(await executorLoop(STEPS));
    runs.push(await engineRun(ctx, inc.key, main));
    say(`round ${i + 1}/${REPS}: plain ${fmt(plain.at(-1)!)} ms, executor loop ${fmt(exec.at(-1)!)} ms, engine ${fmt(runs.at(-1)!.totalMs)} ms`);
  }
  if (runs.some((r) => r.steps !== STEPS)) throw new Error(`a run executed ${runs.map((r) => r.steps).join("/")} steps, expected ${STEPS}`);

  let fastResult: { run: RunTiming; plain: number } | null = null;
  const timeLeft = () => BUDGET_MS - (performance.now() - BENCH_T0);
  await engine.stop();

  // Not judged: the same run with a 10 ms timer. It claims nothing while a step runs (the next step
  // is claimed when one finishes) but each empty claim is a query competing for the same CPU.
  if (timeLeft() > 1.5 * median(runs.map((r) => r.totalMs)) + 20_000) {
    engine = new RunEngine({ db: client, pool, tickMs: FAST_TICK_MS });
    await engine.start();
    await engineRun(ctx, inc.key, "bench-noop-warmup");
    const plainFast = await plainLoop(STEPS);
    fastResult = { plain: plainFast, run: await engineRun(ctx, inc.key, main) };
    await engine.stop();
    say(`tickMs ${FAST_TICK_MS}: engine ${fmt(fastResult.run.totalMs)} ms vs plain ${fmt(plainFast)} ms`);
  } else say(`tickMs ${FAST_TICK_MS} run skipped: time budget nearly spent`);

  // ------------------------------------------------------------ report
  const mPlain = median(plain);
  const mExec = median(exec);
  const mEngine = median(runs.map((r) => r.totalMs));
  const medianRun = [...runs].sort((a, b) => a.totalMs - b.totalMs)[runs.length >> 1]!;
  const perStep = (ms: number) => ms / STEPS;
  const overhead = (mEngine - mPlain) / STEPS;
  const ratioEngine = mEngine / mPlain;
  const headers = ["case", "steps", "median ms (all steps)", "ms per step", "× plain loop", "overhead ms/step vs plain", "runs"];
  const rows = [
    ["plain loop: spawn(\"true\"), await exit (baseline)", String(STEPS), fmt(mPlain), fmt(perStep(mPlain)), "1.00×", "0", plain.map(fmt).join(" / ")],
    ["shell executor loop, no engine, no DB (diagnostic)", String(STEPS), fmt(mExec), fmt(perStep(mExec)), ratio(mExec, mPlain), fmt((mExec - mPlain) / STEPS), exec.map(fmt).join(" / ")],
    [`RunEngine, ${tickLabel(TICK_MS)}: requestRollback → finished (judged)`, String(STEPS), fmt(mEngine), fmt(perStep(mEngine)), ratio(mEngine, mPlain), fmt(overhead), runs.map((r) => fmt(r.totalMs)).join(" / ")],
  ];
  for (const [label, r, n] of [[`RunEngine, tickMs ${FAST_TICK_MS} (not judged)`, fastResult, STEPS]] as const) {
    if (r) rows.push([label, String(n), fmt(r.run.totalMs), fmt(r.run.totalMs / n), ratio(r.run.totalMs, r.plain), fmt((r.run.totalMs - r.plain) / n), `plain ${fmt(r.plain)}`]);
    else rows.push([label, String(n), "skipped (time budget)", "", "", "", ""]);
  }
  const main_ = table(headers, rows);

  const bd = await breakdown(medianRun);
  const bdFast = fastResult ? await breakdown(fastResult.run) : null;
  const bdTable = table(
    ["where the time of one step goes (median judged run)", "ms per step", "count", `tickMs ${FAST_TICK_MS} ms/step`],
    bd.rows.map(([what, ms, n]) => [what, fmt(ms), String(n), bdFast ? fmt(bdFast.rows.find((r) => r[0] === what)?.[1] ?? NaN) : "skipped"]),
  );
  const qTable = queryTable(medianRun);
  const okRatio = ratioEngine <= GOAL_RATIO;
  const okOverhead = overhead < GOAL_OVERHEAD_MS;
  const met = okRatio && okOverhead;
  const biggest = Object.entries(bd.perStep).filter(([k]) => k !== "process").sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${fmt(v)} ms`).join(", ");
  const verdict = met
    ? `PASS: engine/plain = ${ratioEngine.toFixed(2)}× (goal <= ${GOAL_RATIO}), ${fmt(overhead)} ms of overhead per step (goal < ${GOAL_OVERHEAD_MS} ms), ${tickLabel(TICK_MS)}.`
    : `FAIL: engine/plain = ${ratioEngine.toFixed(2)}× (goal <= ${GOAL_RATIO}: ${okRatio ? "met" : "missed"}), ${fmt(overhead)} ms of overhead per step (goal < ${GOAL_OVERHEAD_MS} ms: ${okOverhead ? "met" : "missed"}), ${tickLabel(TICK_MS)}. Largest parts besides the process itself: ${biggest}. See bench/README.md, "What the results say".`;
  const machineLine = `${machine.cpu} × ${machine.cpus}, ${machine.memGiB} GiB RAM, ${machine.os}, Node ${machine.node}, PostgreSQL ${machine.postgres}; load average ${machine.load} at start`;

  console.log("\n" + "=".repeat(100));
  console.log(`Machine: ${machineLine}`);
  console.log(`Engine: one RunEngine in this process, ${tickLabel(TICK_MS)}, heartbeatMs 2000 (default), maxConcurrent 4 (default); mode drill; ${REPS} interleaved rounds after warm-up`);
  console.log("\n" + main_.text);
  console.log("\n" + bdTable.text);
  console.log("\n" + qTable.text);
  console.log(`\n${verdict}`);
  console.log("=".repeat(100));

  if (process.env.BENCH_NO_WRITE !== "1") {
    const md = [
      `### ${new Date().toISOString()} — executor overhead, ${STEPS} no-op shell steps`,
      "",
      `- Machine: ${machineLine}`,
      `- PostgreSQL settings: ${machine.pgSettings}`,
      `- Engine: one \`RunEngine\` in the bench process, **${tickLabel(TICK_MS)}**, heartbeatMs 2000 and staleAfterMs 15000 (defaults), maxConcurrent 4 (default); runs started with \`requestRollback()\` in mode \`drill\` on a HIGH incident (executes, no approval gate), which wakes the engine; timed from the \`startRun()\` call to the run's \`finished\` event (published after the run's end commits). ${REPS} interleaved rounds after a warm-up; medians.`,
      `- Baseline: \`spawn("true")\` awaiting \`exit\`, ${STEPS} times in a plain loop, in the same rounds.`,
      "",
      main_.markdown,
      "",
      "Where the time goes in the median judged run (mean per step; queries timed by a Prisma query extension on the engine's client; step start/finish from the engine's own run events):",
      "",
      bdTable.markdown,
      "",
      "Queries of the median judged run (Prisma query extension; wall time per call, including waiting for a pooled connection):",
      "",
      qTable.markdown,
      "",
      `**Verdict:** ${verdict}`,
      "",
    ].join("\n");
    await writeReadmeResults("executor", md);
    say("wrote bench/README.md (executor section)");
  }
});
