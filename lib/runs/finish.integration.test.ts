import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { poolOf, type Db } from "../db/client";
import { RunEngine } from "./engine";
import { declare, drillRun, expectRunbooksLoad, logText, readRun, runbook, runbookDir, service, userCtx, waitForRun, type UserCtx } from "./testing/harness";

// How a step's end is recorded (one statement for a success, its log tail included) and how a run
// ends: woken at once when started, finished exactly once when parallel steps end together, and
// finished by the engine's recovery when the server stopped between the last step and the run.

let db: Db;
let drop: () => Promise<void>;
let engine: RunEngine;
let serviceId: string;
let oncall: UserCtx;

const sh = (id: string, script: string, extra: Record<string, unknown> = {}) => ({ id, title: `Step ${id}`, executor: "shell", params: { argv: ["sh", "-c", script] }, ...extra });

beforeAll(async () => {
  ({ db, drop } = await freshDatabase("finish"));
  serviceId = (await service(db)).id;
  oncall = await userCtx(db, "oncall");
  const rb = runbookDir();
  rb.write(runbook("three-quick", [sh("one", "echo one"), sh("two", "echo two"), sh("three", "echo three")]));
  rb.write(runbook("parallel-last", [sh("first", "echo first"), sh("a", "sleep 0.3; echo a", { parallelGroup: "end" }), sh("b", "sleep 0.3; echo b", { parallelGroup: "end" }), sh("c", "sleep 0.3; echo c", { parallelGroup: "end" })]));
  rb.write(runbook("chatty", [sh("count", "i=1; while [ $i -le 40 ]; do echo line-$i; i=$((i+1)); sleep 0.02; done; echo to-stderr >&2")]));
  await expectRunbooksLoad(["three-quick", "parallel-last", "chatty"]);
  // Timer and heartbeat far longer than any test: what happens here happens because the engine was
  // woken (start) or asked for the next step (finish), never because a timer came round.
  engine = new RunEngine({ db, tickMs: 600_000, heartbeatMs: 600_000, staleAfterMs: 1_200_000 });
  await engine.start();
});

afterAll(async () => {
  await engine?.stop();
  await drop?.();
});

async function drill(name: string) {
  const inc = await declare(oncall, serviceId);
  const r = await drillRun(oncall, inc.key, name);
  return { ...r, key: inc.key };
}

describe("starting", () => {
  it("a started run is taken at once by the engine in this process, not at its next timer tick", async () => {
    const r = await drill("three-quick");
    const done = await waitForRun(db, r.runId, ["succeeded", "failed", "paused"], 10_000);
    expect(done.status).toBe("succeeded");
    expect(done.steps.map((s) => s.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(done.steps.map((s) => logText(s).split("\n").filter((l) => /^(one|two|three)$/.test(l)))).toEqual([["one"], ["two"], ["three"]]);
  });
});

describe("finishing", () => {
  it("a run whose last steps are a parallel group ends exactly once, succeeded, every time", async () => {
    const runs = await Promise.all(Array.from({ length: 4 }, () => drill("parallel-last")));
    for (const r of runs) {
      const done = await waitForRun(db, r.runId, ["succeeded", "failed", "paused"], 15_000);
      expect(done.status).toBe("succeeded");
      const inc = await db.incident.findUniqueOrThrow({ where: { key: r.key }, select: { timeline: { where: { kind: "run_finished" }, select: { payload: true } } } });
      expect(inc.timeline).toHaveLength(1);
    }
  });

  it("keeps every line of a step's log, in order, exactly once, across flushes and the tail written with the outcome", async () => {
    const r = await drill("chatty");
    const done = await waitForRun(db, r.runId, ["succeeded", "failed", "paused"], 10_000);
    expect(done.status).toBe("succeeded");
    const step = done.steps[0]!;
    const lines = logText(step).split("\n").filter((l) => l.startsWith("line-"));
    expect(lines).toEqual(Array.from({ length: 40 }, (_, i) => `line-${i + 1}`));
    expect(logText(step)).toContain("to-stderr");
    // More than one row: some lines were written while the step ran, the rest with its outcome.
    expect(await db.stepLog.count({ where: { stepRunId: step.id } })).toBeGreaterThan(1);
  });

  it("a run left running with every step done (server stopped in between) is finished by recovery, once", async () => {
    const r = await drill("three-quick");
    await waitForRun(db, r.runId, ["succeeded"], 10_000);
    // Put the run back as a crash between the last step's record and the run's end would leave it.
    await db.run.update({ where: { id: r.runId }, data: { status: "running", finishedAt: null } });
    await engine.recover();
    const after = await readRun(db, r.runId);
    expect(after.status).toBe("succeeded");
    await engine.recover();
    const inc = await db.incident.findUniqueOrThrow({ where: { key: r.key }, select: { timeline: { where: { kind: "run_finished" }, select: { id: true } } } });
    // The first end and the recovered one; a second recovery pass finds nothing to do.
    expect(inc.timeline).toHaveLength(2);
  });

  it("a step whose record was taken over by another instance is not overwritten, and its log is kept", async () => {
    const r = await drill("three-quick");
    await waitForRun(db, r.runId, ["succeeded"], 10_000);
    const step = (await readRun(db, r.runId)).steps[0]!;
    // The claim now belongs to someone else: the outcome of "our" execution must not land.
    await db.stepRun.update({ where: { id: step.id }, data: { status: "running", claimedBy: "someone-else", finishedAt: null } });
    const { finishSucceeded } = await import("./engine");
    const claimed = { ...step, runId: r.runId, attempt: 1, parallelGroup: null, mode: "drill" as const, runParams: {}, incidentKey: r.key, params: step.params, phase: "step" } as unknown as Parameters<typeof finishSucceeded>[2];
    await finishSucceeded(db, poolOf(db)!, claimed, { status: "succeeded", exitCode: 0 }, engine.instanceId, [{ stream: "stdout", text: "late line\n", at: new Date() }]);
    const again = await db.stepRun.findUniqueOrThrow({ where: { id: step.id }, select: { status: true, claimedBy: true } });
    expect(again).toEqual({ status: "running", claimedBy: "someone-else" });
    expect((await db.stepLog.findMany({ where: { stepRunId: step.id }, select: { text: true } })).map((l) => l.text).join("")).toContain("late line");
  });
});
