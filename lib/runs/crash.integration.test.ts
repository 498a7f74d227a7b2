import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import type { Db } from "../db/client";
import { setEnv } from "../env";
import { processAlive } from "../executors/testing/processes";
import { RunEngine } from "./engine";
import { operateRun } from "./operate";
import {
  ENGINE_TIMINGS, Spawned, expectRunbooksLoad, liveRun, logText, readRun, runbook, runbookDir, service, sleep, spawnEngine, until,
  userCtx, waitForRun, type UserCtx,
} from "./testing/harness";

// Crash safety, for real: a RunEngine in its own OS process runs a live run's long shell step;
// the process is SIGKILLed mid-step; a new engine recovers. A plain step is marked interrupted,
// keeps its log and waits for an operator; only an idempotent step runs again by itself.

let db: Db;
let url: string;
let drop: () => Promise<void>;
let oncall: UserCtx;
let serviceId: string;
const spawned = new Spawned();
const engines: RunEngine[] = [];

// Prints "tick <n>" every 100 ms, n times, then exits 0.
const TICKER = "const n = Number(process.argv[1]); let i = 0; const t = setInterval(() => { console.log('tick ' + ++i); if (i >= n) clearInterval(t); }, 100);";
const ticker = (n: number, extra: Record<string, unknown> = {}) => ({
  id: "ticker",
  title: "Long step",
  executor: "shell",
  params: { argv: ["{{ env.ROLLCALL_NODE }}", "-e", TICKER, String(n)] },
  ...extra,
});
const after = { id: "after", title: "After", executor: "shell", params: { argv: ["sh", "-c", "echo after"] } };

beforeAll(async () => {
  ({ db, url, drop } = await freshDatabase("crash"));
  oncall = await userCtx(db, "oncall");
  serviceId = (await service(db)).id;
  setEnv("ROLLCALL_NODE", process.execPath);
  const rb = runbookDir();
  rb.write(runbook("long-step", [ticker(600), after]));
  rb.write(runbook("long-idempotent", [ticker(30, { idempotent: true }), after]));
  await expectRunbooksLoad(["long-step", "long-idempotent"]);
});

afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
  spawned.killAll();
});

afterAll(async () => {
  spawned.killAll();
  await drop?.();
});

const ticks = (text: string) => [...text.matchAll(/^tick (\d+)$/gm)].map((m) => Number(m[1]));

/** Starts a live run on an engine process, waits for log lines in PostgreSQL, then SIGKILLs the engine and its step. */
async function crashMidStep(runbookName: string) {
  const proc = await spawnEngine(url, spawned, { ENGINE_TICK_MS: "50", ENGINE_HEARTBEAT_MS: "200", ENGINE_STALE_MS: "1000" });
  const { runId, key } = await liveRun(oncall, serviceId, runbookName);
  const stepPid = await until("ticks in StepLog", async () => {
    const step = (await readRun(db, runId)).steps[0]!;
    const text = logText(step);
    const pid = /started pid (\d+) \(process group \1\)/.exec(text)?.[1];
    return pid && ticks(text).length >= 3 ? Number(pid) : null;
  });
  // The step's program leads a process group of its own (it would outlive the engine): ours to stop.
  spawned.track(stepPid);
  const before = await readRun(db, runId);
  expect(before.status).toBe("running");
  expect(before.steps[0]).toMatchObject({ status: "running", attempt: 1, claimedBy: proc.instanceId });

  process.kill(-proc.pid, "SIGKILL");
  await proc.exited;
  expect(proc.child.signalCode).toBe("SIGKILL");
  process.kill(-stepPid, "SIGKILL");
  await until("the step's process to be gone", async () => !processAlive(stepPid), 5000, 20);
  spawned.untrack(stepPid);

  // As the crash left it: still "running", claimed by a dead instance.
  const crashed = await readRun(db, runId);
  expect(crashed.steps[0]).toMatchObject({ status: "running", attempt: 1, claimedBy: proc.instanceId });
  expect(await db.engineInstance.count({ where: { id: proc.instanceId } })).toBe(1);
  return { runId, key, proc, crashed, logBefore: crashed.steps[0]!.logs };
}

/**
 * A new engine in this process. Its stale-heartbeat limit is a minute, so what it recovers it
 * recovers because the crashed instance's pid is dead on this host, not because time passed.
 */
async function restart() {
  const e = new RunEngine({ db, ...ENGINE_TIMINGS, staleAfterMs: 60_000 });
  engines.push(e);
  await e.start();
  return e;
}

describe("crash during a step", () => {
  it("marks a plain step interrupted, keeps its log, pauses the run, and does not run it again", async () => {
    const { runId, key, proc, logBefore } = await crashMidStep("long-step");
    const ticksBefore = ticks(logBefore.map((l) => l.text).join(""));
    expect(ticksBefore.length).toBeGreaterThanOrEqual(3);

    await restart(); // recover() runs on start

    const rec = await readRun(db, runId);
    const step = rec.steps[0]!;
    expect(step).toMatchObject({ status: "interrupted", attempt: 1, claimedBy: null, error: "interrupted: the server stopped during this step" });
    expect(step.finishedAt).toBeInstanceOf(Date);
    expect(rec.status).toBe("paused");
    expect(rec.pauseReason).toBe("Step 1 “Long step” was interrupted by a server stop. Retry, skip or abort.");
    expect(rec.steps[1]).toMatchObject({ status: "pending", attempt: 0 });
    // The log written before the crash is all there, in order, followed by the note.
    expect(step.logs.slice(0, logBefore.length).map((l) => [l.id, l.attempt, l.text])).toEqual(logBefore.map((l) => [l.id, l.attempt, l.text]));
    const note = step.logs.slice(logBefore.length);
    expect(note).toHaveLength(1);
    expect(note[0]!.attempt).toBe(1);
    expect(note[0]!.text).toContain("[rollcall] interrupted: the server running this step stopped (attempt 1). Waiting for an operator: retry, skip or abort.");
    expect(logText(step)).toContain("tick 1\ntick 2\ntick 3\n");
    // The dead instance is gone; the timeline says what happened.
    expect(await db.engineInstance.count({ where: { id: proc.instanceId } })).toBe(0);
    const events = await db.timelineEvent.findMany({ where: { incident: { key }, kind: "run_step" } });
    expect(events.some((e) => (e.payload as { status?: string }).status === "interrupted")).toBe(true);

    // Nothing runs again by itself: a few seconds later, same attempt, same log.
    await sleep(2500);
    const later = await readRun(db, runId);
    expect(later.status).toBe("paused");
    expect(later.steps[0]).toMatchObject({ status: "interrupted", attempt: 1 });
    expect(later.steps[0]!.logs.map((l) => l.id)).toEqual(step.logs.map((l) => l.id));
    expect(later.steps[1]).toMatchObject({ status: "pending", attempt: 0 });

    // The operator decides: skip it, and the run goes on to finish.
    await operateRun({ ctx: oncall, input: { runId, action: "skip", stepId: step.id, reason: "finished by hand after the crash" } });
    const done = await waitForRun(db, runId, ["succeeded", "failed", "paused"]);
    expect(done.status).toBe("succeeded");
    expect(done.steps.map((s) => [s.status, s.attempt])).toEqual([["skipped", 1], ["succeeded", 1]]);
  });

  it("re-queues an idempotent step: it runs again by itself as attempt 2 and the run completes", async () => {
    const { runId, key, logBefore } = await crashMidStep("long-idempotent");
    await restart();

    const done = await waitForRun(db, runId, ["succeeded", "failed", "paused"], 30_000);
    expect(done.status).toBe("succeeded");
    expect(done.pauseReason).toBeNull();
    const step = done.steps[0]!;
    expect(step).toMatchObject({ status: "succeeded", attempt: 2, exitCode: 0 });
    expect(done.steps[1]).toMatchObject({ status: "succeeded", attempt: 1 });

    // Attempt 1's log up to the crash, the note, then attempt 2 from the start to the end.
    expect(step.logs.slice(0, logBefore.length).map((l) => l.id)).toEqual(logBefore.map((l) => l.id));
    const note = step.logs[logBefore.length]!;
    expect(note).toMatchObject({ attempt: 1 });
    expect(note.text).toContain("[rollcall] interrupted: the server running this step stopped (attempt 1). The step is idempotent: it will run again.");
    const second = step.logs.filter((l) => l.attempt === 2).map((l) => l.text).join("");
    expect(ticks(second)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const first = ticks(step.logs.filter((l) => l.attempt === 1).map((l) => l.text).join(""));
    expect(first.length).toBeGreaterThanOrEqual(3);
    expect(first.length).toBeLessThan(30);

    const incident = await db.incident.findUniqueOrThrow({ where: { key }, select: { status: true, rollbackCompletedAt: true } });
    expect(incident.status).toBe("monitoring");
    expect(incident.rollbackCompletedAt).toBeInstanceOf(Date);
    const events = await db.timelineEvent.findMany({ where: { incident: { key }, kind: "run_step" } });
    expect(events.some((e) => (e.payload as { status?: string }).status === "retrying")).toBe(true);
  });
});

describe("a graceful stop (SIGTERM) during a step", () => {
  async function stopMidStep(runbookName: string) {
    const proc = await spawnEngine(url, spawned);
    const { runId } = await liveRun(oncall, serviceId, runbookName);
    await until("ticks in StepLog", async () => ticks(logText((await readRun(db, runId)).steps[0]!)).length >= 3 || null);
    proc.child.kill("SIGTERM"); // the server's shutdown: engine.stop() aborts what it runs
    await proc.exited;
    expect(proc.child.exitCode).toBe(0);
    return runId;
  }

  it("a plain step is interrupted and the run paused for an operator, not left running with nothing to claim", async () => {
    const runId = await stopMidStep("long-step");
    const stopped = await readRun(db, runId);
    expect(stopped.status).toBe("paused");
    expect(stopped.pauseReason).toBe("Step 1 “Long step” was interrupted by a server stop. Retry, skip or abort.");
    expect(stopped.steps[0]).toMatchObject({ status: "interrupted", attempt: 1, claimedBy: null, error: "interrupted: the server stopped during this step" });
    expect(logText(stopped.steps[0]!)).toMatch(/tick 3\n[\s\S]*\[rollcall\] interrupted: the server running this step stopped \(attempt 1\)\. Waiting for an operator/);

    await restart();
    await sleep(1500);
    const later = await readRun(db, runId);
    expect(later.status).toBe("paused");
    expect(later.steps.map((s) => [s.status, s.attempt])).toEqual([["interrupted", 1], ["pending", 0]]);
    await operateRun({ ctx: oncall, input: { runId, action: "abort", reason: "cleaning up" } });
    expect((await readRun(db, runId)).steps.map((s) => s.status)).toEqual(["aborted", "aborted"]);
  });

  it("an idempotent step is re-queued and the next engine runs it again", async () => {
    const runId = await stopMidStep("long-idempotent");
    const stopped = await readRun(db, runId);
    expect(stopped.status).toBe("running");
    expect(stopped.steps[0]).toMatchObject({ status: "pending", attempt: 1, claimedBy: null });
    await restart();
    const done = await waitForRun(db, runId, ["succeeded", "failed", "paused"], 30_000);
    expect(done.status).toBe("succeeded");
    expect(done.steps.map((s) => [s.status, s.attempt])).toEqual([["succeeded", 2], ["succeeded", 1]]);
  });
});
