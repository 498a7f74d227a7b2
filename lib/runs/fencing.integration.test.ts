import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { poolOf, type Db } from "../db/client";
import { setEnv } from "../env";
import { processAlive } from "../executors/testing/processes";
import { RunEngine, finishStep, finishSucceeded, realClock } from "./engine";
import { operateRun } from "./operate";
import {
  ENGINE_TIMINGS, Spawned, declare, drillRun, expectRunbooksLoad, liveRun, logText, readRun, runbook, runbookDir, service, sleep,
  spawnEngine, until, userCtx, waitForRun, type EngineProcess, type UserCtx,
} from "./testing/harness";

// Fencing: a claim carries a token (StepRun.leaseToken) that every outcome write must still find.
// Two engine processes on one database; the one executing a step is frozen (SIGSTOP) until its lease
// lapses and its peer takes the step over; resumed (SIGCONT), it must stop its own copy of the
// step, record nothing over the peer, register again under a new id and then work normally.

let db: Db;
let url: string;
let drop: () => Promise<void>;
let oncall: UserCtx;
let serviceId: string;
let work: string;
let shared: string;
const spawned = new Spawned();
let procs: EngineProcess[] = [];
const engines: RunEngine[] = [];

// Appends "<tag>:<engine pid>" to the shared file, then sleeps 30 s, or 0.1 s once "<file>.<tag>.fast" exists.
const APPEND = 'echo "$1:$PPID" >> "$2"; if [ -e "$2.$1.fast" ]; then sleep 0.1; else sleep 30; fi';
const appendStep = (extra: Record<string, unknown> = {}) => ({
  id: "append",
  title: "Append and wait",
  executor: "shell",
  params: { argv: ["sh", "-c", APPEND, "sh", "{{ params.tag }}", "{{ env.ROLLCALL_FENCE_FILE }}"], killGraceSeconds: 1 },
  ...extra,
});
const after = { id: "after", title: "After", executor: "shell", params: { argv: ["sh", "-c", "echo after"] } };
const tagParam = { parameters: [{ name: "tag", type: "string", required: true }] };

beforeAll(async () => {
  ({ db, url, drop } = await freshDatabase("fencing"));
  oncall = await userCtx(db, "oncall");
  serviceId = (await service(db)).id;
  work = mkdtempSync(path.join(tmpdir(), "rollcall-fencing-"));
  shared = path.join(work, "executed.txt");
  setEnv("ROLLCALL_FENCE_FILE", shared);
  const rb = runbookDir();
  rb.write(runbook("append-once", [appendStep(), after], tagParam));
  rb.write(runbook("append-idempotent", [appendStep({ idempotent: true }), after], tagParam));
  await expectRunbooksLoad(["append-once", "append-idempotent"]);
});

afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
  for (const p of procs) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) continue;
    p.child.kill("SIGCONT");
    p.child.kill("SIGTERM");
    await Promise.race([p.exited, sleep(10_000)]);
  }
  procs = [];
  spawned.killAll();
});

afterAll(async () => {
  spawned.killAll();
  if (work) rmSync(work, { recursive: true, force: true });
  await drop?.();
});

const newTag = () => `t${randomBytes(4).toString("hex")}`;
/** The engine pids that executed the step for `tag`, one per execution, in order. */
const executions = (tag: string) => (existsSync(shared) ? readFileSync(shared, "utf8") : "").split("\n").filter((l) => l.startsWith(`${tag}:`)).map((l) => Number(l.split(":")[1]));
const goFast = (tag: string) => writeFileSync(`${shared}.${tag}.fast`, "");

// A lease of 2 s: a loaded machine does not lapse it by accident; the test's freeze does.
const TIMINGS = { ENGINE_TICK_MS: "50", ENGINE_HEARTBEAT_MS: "200", ENGINE_STALE_MS: "2000" };

/** Two engine processes; a live run of `runbookName` whose first step is executing and has appended its line. */
async function runningOnOneOfTwo(runbookName: string, tag: string) {
  procs = [await spawnEngine(url, spawned, TIMINGS), await spawnEngine(url, spawned, TIMINGS)];
  const run = await liveRun(oncall, serviceId, runbookName, { tag });
  const { step, childPid } = await until("the first step to run and append its line", async () => {
    const s = (await readRun(db, run.runId)).steps[0]!;
    const pid = /started pid (\d+) \(process group \1\)/.exec(logText(s))?.[1];
    return s.status === "running" && pid && executions(tag).length === 1 ? { step: s, childPid: Number(pid) } : null;
  });
  // The step's program leads a process group of its own: ours to stop if the test fails.
  spawned.track(childPid);
  // The instance executing it, by process (the id is the one it has now, not necessarily the first).
  const ownerId = step.claimedBy!;
  const row = await db.engineInstance.findUniqueOrThrow({ where: { id: ownerId }, select: { pid: true } });
  const owner = procs.find((p) => p.pid === row.pid)!;
  const peer = procs.find((p) => p !== owner)!;
  expect(owner).toBeDefined();
  expect(executions(tag)).toEqual([owner.pid]);
  return { ...run, step, childPid, owner, ownerId, peer };
}

/** The resumed owner's new registration: a new EngineInstance row for the same process. */
async function reRegistered(owner: EngineProcess, ownerId: string) {
  const id = await until("the resumed engine to register again", async () =>
    [...owner.stderr().matchAll(/registered again as (\S+) \(was (\S+)\)/g)].find((m) => m[2] === ownerId)?.[1], 15_000);
  const row = await db.engineInstance.findUniqueOrThrow({ where: { id } });
  expect(row.pid).toBe(owner.pid);
  expect(await db.engineInstance.count({ where: { id: ownerId } })).toBe(0);
  return row;
}

async function stepEvents(key: string, runId: string) {
  const events = await db.timelineEvent.findMany({ where: { incident: { key }, kind: { in: ["run_step", "run_finished"] } }, orderBy: { id: "asc" } });
  return events.filter((e) => (e.payload as { runId?: string }).runId === runId).map((e) => [e.kind, (e.payload as { status?: string }).status]);
}

const auditActions = async (key: string) => (await db.auditEvent.findMany({ where: { targetType: "incident", targetId: key, action: { startsWith: "run." } }, orderBy: { id: "asc" } })).map((a) => a.action);

describe("a stalled engine loses its lease", () => {
  it("non-idempotent step: the peer interrupts it; resumed, the stalled engine stops its copy, records nothing over the peer, registers again and later runs work", async () => {
    const tag = newTag();
    const { runId, key, childPid, owner, ownerId, peer } = await runningOnOneOfTwo("append-once", tag);

    process.kill(owner.pid, "SIGSTOP");
    // The peer finds the owner's heartbeat stale, declares it dead and interrupts its step.
    const paused = await waitForRun(db, runId, ["paused", "succeeded", "failed"], 20_000);
    expect(paused.status).toBe("paused");
    expect(paused.pauseReason).toBe("Step 1 “Append and wait” was interrupted by a server stop. Retry, skip or abort.");
    const taken = paused.steps[0]!;
    expect(taken).toMatchObject({ status: "interrupted", attempt: 1, claimedBy: null, error: "interrupted: the server stopped during this step" });
    expect(await db.engineInstance.count({ where: { id: ownerId } })).toBe(0);
    // The frozen engine's step process is not frozen: it is still running (its own process group).
    expect(processAlive(childPid)).toBe(true);

    process.kill(owner.pid, "SIGCONT");
    const row = await reRegistered(owner, ownerId);

    // It stopped its copy of the step (30 s of sleep left) instead of finishing it.
    await until("the stalled engine to stop its step's process", async () => !processAlive(childPid), 10_000);
    spawned.untrack(childPid);
    await sleep(1000);

    // The peer's record stands: same status, time and token; the run still waits for an operator.
    const later = await readRun(db, runId);
    expect(later.status).toBe("paused");
    expect(later.steps[0]).toMatchObject({ status: "interrupted", attempt: 1, claimedBy: null, error: taken.error, finishedAt: taken.finishedAt, leaseToken: taken.leaseToken, exitCode: null });
    expect(later.steps[1]).toMatchObject({ status: "pending", attempt: 0 });
    expect(executions(tag)).toEqual([owner.pid]); // ran once
    expect(logText(later.steps[0]!)).toContain(`[rollcall] this server (${ownerId}) lost its lease (no heartbeat for`);
    expect(await stepEvents(key, runId)).toEqual([["run_step", "interrupted"]]);
    expect((await auditActions(key)).filter((a) => a === "run.step_interrupted")).toHaveLength(1);

    // With the peer gone, the re-registered engine takes the operator's retry and runs it normally.
    peer.child.kill("SIGTERM");
    await peer.exited;
    goFast(tag);
    await operateRun({ ctx: oncall, input: { runId, action: "retry", stepId: taken.id } });
    const done = await waitForRun(db, runId, ["succeeded", "failed", "paused"], 20_000);
    expect(done.status).toBe("succeeded");
    expect(done.steps.map((s) => [s.status, s.attempt])).toEqual([["succeeded", 2], ["succeeded", 1]]);
    expect(executions(tag)).toEqual([owner.pid, owner.pid]);
    expect((await db.engineInstance.findMany({ select: { id: true } })).map((i) => i.id)).toEqual([row.id]);
  });

  it("idempotent step: the peer runs it again and finishes the run; the stalled engine's late copy changes nothing", async () => {
    const tag = newTag();
    const { runId, key, childPid, owner, ownerId, peer } = await runningOnOneOfTwo("append-idempotent", tag);

    process.kill(owner.pid, "SIGSTOP");
    goFast(tag); // the peer's attempt is quick; the frozen engine's is still asleep
    const done = await waitForRun(db, runId, ["succeeded", "failed", "paused"], 20_000);
    expect(done.status).toBe("succeeded");
    expect(done.steps.map((s) => [s.status, s.attempt])).toEqual([["succeeded", 2], ["succeeded", 1]]);
    expect(executions(tag)).toEqual([owner.pid, peer.pid]);
    const record = done.steps[0]!;

    process.kill(owner.pid, "SIGCONT");
    await reRegistered(owner, ownerId);
    await until("the stalled engine to stop its step's process", async () => !processAlive(childPid), 10_000);
    spawned.untrack(childPid);
    await sleep(1000);

    const later = await readRun(db, runId);
    expect(later.status).toBe("succeeded");
    expect(later.finishedAt).toEqual(done.finishedAt);
    expect(later.steps[0]).toMatchObject({ status: "succeeded", attempt: 2, exitCode: 0, claimedBy: null, finishedAt: record.finishedAt, leaseToken: record.leaseToken });
    expect(executions(tag)).toEqual([owner.pid, peer.pid]);
    // Attempt 1's note from the stalled engine is in the log, after the peer's attempt 2.
    const note = later.steps[0]!.logs.find((l) => l.text.includes(`this server (${ownerId}) lost its lease`));
    expect(note?.attempt).toBe(1);
    expect(await stepEvents(key, runId)).toEqual([["run_step", "retrying"], ["run_finished", "succeeded"]]);
    expect((await auditActions(key)).filter((a) => a === "run.step_interrupted" || a === "run.finish")).toEqual(["run.step_interrupted", "run.finish"]);

    // The re-registered engine, alone now, claims a new run and executes it.
    peer.child.kill("SIGTERM");
    await peer.exited;
    const tag2 = newTag();
    goFast(tag2);
    const next = await liveRun(oncall, serviceId, "append-idempotent", { tag: tag2 });
    expect((await waitForRun(db, next.runId, ["succeeded", "failed", "paused"], 20_000)).status).toBe("succeeded");
    expect(executions(tag2)).toEqual([owner.pid]);
  });
});

describe("fencing tokens and the engine's own clock", () => {
  it("an outcome written with an earlier token matches nothing, even from the instance that holds the claim now", async () => {
    const inc = await declare(oncall, serviceId);
    const tag = newTag();
    const { runId } = await drillRun(oncall, inc.key, "append-once", { tag });
    const step = (await readRun(db, runId)).steps[0]!;
    // No engine runs in this process: the claim is made by hand, as the same instance claiming again after a takeover would.
    await db.stepRun.update({ where: { id: step.id }, data: { status: "running", attempt: 2, claimedBy: "engine-x", leaseToken: 5 } });
    const claimed = { ...step, runId, attempt: 2, mode: "drill" as const, runParams: { tag }, incidentKey: inc.key, leaseToken: 4 } as unknown as Parameters<typeof finishSucceeded>[2];
    const pool = poolOf(db)!;

    expect(await finishSucceeded(db, pool, claimed, { status: "succeeded", exitCode: 0 }, "engine-x")).toEqual({ recorded: false, next: null });
    expect(await finishStep(db, claimed, { status: "failed", exitCode: 1, error: "exited with code 1" }, "engine-x")).toBe(false);
    expect(await db.stepRun.findUniqueOrThrow({ where: { id: step.id } })).toMatchObject({ status: "running", claimedBy: "engine-x", leaseToken: 5, finishedAt: null, exitCode: null });
    expect((await readRun(db, runId)).status).toBe("running");

    // The current token records.
    expect(await finishSucceeded(db, pool, { ...claimed, leaseToken: 5 }, { status: "succeeded", exitCode: 0 }, "engine-x")).toEqual({ recorded: true, next: null });
    expect(await db.stepRun.findUniqueOrThrow({ where: { id: step.id } })).toMatchObject({ status: "succeeded", claimedBy: null, exitCode: 0 });
    await operateRun({ ctx: oncall, input: { runId, action: "abort", reason: "test over" } });
  });

  it("an engine whose lease ran out by its own clock stops its step, registers again, and recovery interrupts the step for an operator", async () => {
    let skew = 0;
    const clock = { ...realClock, now: () => Date.now() + skew };
    const lines: string[] = [];
    const engine = new RunEngine({ db, ...ENGINE_TIMINGS, staleAfterMs: 60_000, clock, log: (l) => lines.push(l) });
    engines.push(engine);
    await engine.start();
    const first = engine.instanceId;
    const tag = newTag();
    const { runId } = await liveRun(oncall, serviceId, "append-once", { tag });
    const childPid = await until("the step to run", async () => {
      const s = (await readRun(db, runId)).steps[0]!;
      const pid = /started pid (\d+) \(process group \1\)/.exec(logText(s))?.[1];
      return s.status === "running" && pid ? Number(pid) : null;
    });
    spawned.track(childPid);

    // Nothing stalled, nothing else is running: only this engine's clock says its lease is over.
    skew = 61_000;
    const paused = await waitForRun(db, runId, ["paused", "succeeded", "failed"], 10_000);
    expect(paused.steps[0]).toMatchObject({ status: "interrupted", attempt: 1, claimedBy: null });
    expect(engine.instanceId).not.toBe(first);
    expect(lines.some((l) => l.includes(`instance ${first} lost its lease: no heartbeat for`))).toBe(true);
    await until("the step's process to be stopped", async () => !processAlive(childPid), 10_000);
    spawned.untrack(childPid);
    expect((await db.engineInstance.findMany({ select: { id: true } })).map((i) => i.id)).toEqual([engine.instanceId]);
    expect(executions(tag)).toHaveLength(1);

    // Retry is available and works under the new registration.
    goFast(tag);
    await operateRun({ ctx: oncall, input: { runId, action: "retry", stepId: paused.steps[0]!.id } });
    const done = await waitForRun(db, runId, ["succeeded", "failed", "paused"], 20_000);
    expect(done.status).toBe("succeeded");
    expect(done.steps.map((s) => [s.status, s.attempt])).toEqual([["succeeded", 2], ["succeeded", 1]]);
  });
});
