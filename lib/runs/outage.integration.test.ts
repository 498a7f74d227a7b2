import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../db/client";
import { startEmbeddedPostgres, type EmbeddedHandle } from "../db/embedded";
import { migrate } from "../db/migrate";
import { setEnv } from "../env";
import { RunEngine, realClock } from "./engine";
import { operateRun } from "./operate";
import {
  expectRunbooksLoad, liveRun, logText, readRun, runbook, runbookDir, service, sleep, until, userCtx, waitForRun, type RunRow, type UserCtx,
} from "./testing/harness";

// A database outage in the middle of a step: a PostgreSQL of this file's own is stopped while the
// step runs, the step's process ends while it is down, and the server is started again on the same
// data directory and port. The outcome is kept by the engine and written when the database answers,
// or, when the engine's lease ran out meanwhile, recovery interrupts the step for an operator.

let pg: EmbeddedHandle;
let dir: string;
let dataDir: string;
let port: number;
let url: string;
let db: Db;
let oncall: UserCtx;
let serviceId: string;
const engines: RunEngine[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "rollcall-outage-"));
  await chmod(dir, 0o755);
  dataDir = path.join(dir, "pg");
  pg = await startEmbeddedPostgres({ dataDir, database: "outage" });
  port = pg.port;
  url = pg.url("outage");
  await migrate(url);
  setEnv("DATABASE_URL", url);
  db = createDb(url);
  oncall = await userCtx(db, "oncall");
  serviceId = (await service(db)).id;
  const rb = runbookDir();
  // Prints "started", waits for the test to create the release file, prints again and succeeds.
  rb.write(runbook("wait-for-release", [
    { id: "held", title: "Held step", executor: "shell", params: { argv: ["sh", "-c", 'echo started; while [ ! -e "$1" ]; do sleep 0.05; done; echo released', "sh", "{{ params.release }}"] } },
    { id: "after", title: "After", executor: "shell", params: { argv: ["sh", "-c", "echo after"] } },
  ], { parameters: [{ name: "release", type: "string", required: true }] }));
  await expectRunbooksLoad(["wait-for-release"]);
});

afterEach(async () => {
  await startAgain();
  for (const e of engines.splice(0)) await e.stop();
});

afterAll(async () => {
  await db?.$disconnect();
  await pg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

let down = false;
async function stopDatabase() {
  await pg.stop();
  down = true;
}
async function startAgain() {
  if (!down) return;
  pg = await startEmbeddedPostgres({ dataDir, port, database: "outage" });
  down = false;
}

/** An engine in this process with a clock the test can move, and its log lines. */
async function engineWithClock() {
  const clock = { ...realClock, skew: 0, now: () => Date.now() + clock.skew };
  const lines: string[] = [];
  const engine = new RunEngine({ db, tickMs: 50, heartbeatMs: 200, staleAfterMs: 60_000, clock, log: (l) => lines.push(l) });
  engines.push(engine);
  await engine.start();
  return { engine, clock, lines };
}

/** A live run whose first step runs and waits; the database is stopped, then the step ends. */
async function stepEndsDuringOutage(lines: string[]) {
  const release = path.join(dir, `release-${randomBytes(4).toString("hex")}`);
  const { runId, key } = await liveRun(oncall, serviceId, "wait-for-release", { release });
  const step = await until("the step to run and log", async () => {
    const s = (await readRun(db, runId)).steps[0]!;
    return s.status === "running" && logText(s).includes("started\n") ? s : null;
  });
  await stopDatabase();
  await writeFile(release, "");
  // The outcome lands on a database that is not there: the engine keeps it and tries again.
  await until("the engine to retry the outcome", async () => lines.filter((l) => l.startsWith(`[runs] could not record the outcome of step ${step.id} (succeeded)`)).length >= 2, 15_000);
  return { runId, key, step };
}

/**
 * Samples the run after the database is back until `settled`: a running step must have a registered
 * owner, but for the moment recovery takes between declaring an owner dead and taking its step.
 */
async function neverOrphaned(runId: string, settled: (r: RunRow) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let orphanSince: number | null = null;
  for (;;) {
    const r = await readRun(db, runId);
    if (settled(r)) return r;
    const live = new Set((await db.engineInstance.findMany({ select: { id: true } })).map((i) => i.id));
    const orphaned = r.steps.some((s) => s.status === "running" && !(s.claimedBy && live.has(s.claimedBy)));
    orphanSince = orphaned ? (orphanSince ?? Date.now()) : null;
    if (orphanSince !== null) expect(Date.now() - orphanSince, "a running step without a registered owner").toBeLessThan(1000);
    if (Date.now() > deadline) throw new Error(`run ${runId} did not settle: ${r.status}, steps ${r.steps.map((s) => s.status).join(", ")}`);
    await sleep(25);
  }
}

describe("the database goes away while a step runs", () => {
  it("a short outage: the outcome kept in memory is written when the database answers, and the run goes on", async () => {
    const { engine, lines } = await engineWithClock();
    const id = engine.instanceId;
    const { runId } = await stepEndsDuringOutage(lines);
    await sleep(500);
    await startAgain();

    const done = await neverOrphaned(runId, (r) => r.status !== "running");
    expect(done.status).toBe("succeeded");
    expect(done.steps.map((s) => [s.status, s.attempt, s.exitCode])).toEqual([["succeeded", 1, 0], ["succeeded", 1, 0]]);
    // The lines printed while the database was down reached the log, once each.
    const log = logText(done.steps[0]!);
    expect(log.match(/^started$/gm)).toHaveLength(1);
    expect(log.match(/^released$/gm)).toHaveLength(1);
    expect(log).not.toContain("interrupted");
    // Same registration throughout: the lease (60 s) never ran out.
    expect(engine.instanceId).toBe(id);
    expect((await db.engineInstance.findMany({ select: { id: true } })).map((i) => i.id)).toEqual([id]);
  });

  it("the lease runs out during the outage: the engine stops trying, registers again, recovery interrupts the step, and retry works", async () => {
    const { engine, clock, lines } = await engineWithClock();
    const first = engine.instanceId;
    const { runId, step } = await stepEndsDuringOutage(lines);

    // A minute passes by the engine's clock: its lease is over while the database is still down.
    clock.skew = 61_000;
    await until("the engine to give up its lease", async () => lines.some((l) => l.startsWith(`[runs] instance ${first} lost its lease`)), 5000);
    await until("the engine to try registering again", async () => lines.some((l) => l.startsWith("[runs] could not register again")), 5000);
    const retries = lines.filter((l) => l.includes(`could not record the outcome of step ${step.id}`)).length;
    await sleep(600);
    expect(lines.filter((l) => l.includes(`could not record the outcome of step ${step.id}`)).length).toBe(retries);
    await startAgain();

    const paused = await neverOrphaned(runId, (r) => r.status !== "running");
    expect(paused.status).toBe("paused");
    expect(paused.pauseReason).toBe("Step 1 “Held step” was interrupted by a server stop. Retry, skip or abort.");
    const s = paused.steps[0]!;
    expect(s).toMatchObject({ status: "interrupted", attempt: 1, claimedBy: null, error: "interrupted: the server stopped during this step" });
    expect(engine.instanceId).not.toBe(first);
    expect((await db.engineInstance.findMany({ select: { id: true } })).map((i) => i.id)).toEqual([engine.instanceId]);
    // What the engine knew is in the log: the lines printed during the outage, what it did, then the interruption.
    const log = logText(s);
    expect(log.match(/^started$/gm)).toHaveLength(1);
    expect(log).toMatch(/released\n[\s\S]*\[rollcall\] this server \(\S+\) lost its lease \(no heartbeat for \d+ ms; the lease is 60000 ms\) before the step's outcome \(succeeded, exit code 0\) could be recorded; it recorded nothing\.\n[\s\S]*\[rollcall\] interrupted: the server running this step stopped \(attempt 1\)\. Waiting for an operator/);

    // Nothing re-runs it by itself.
    await sleep(1000);
    expect((await readRun(db, runId)).steps.map((x) => [x.status, x.attempt])).toEqual([["interrupted", 1], ["pending", 0]]);

    await operateRun({ ctx: oncall, input: { runId, action: "retry", stepId: s.id } });
    const done = await waitForRun(db, runId, ["succeeded", "failed", "paused"], 20_000);
    expect(done.status).toBe("succeeded");
    expect(done.steps.map((x) => [x.status, x.attempt])).toEqual([["succeeded", 2], ["succeeded", 1]]);
  });
});
