import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import type { Db } from "../db/client";
import { setEnv } from "../env";
import { Spawned, declare, drillRun, expectRunbooksLoad, runbook, runbookDir, service, spawnEngine, until, userCtx, type EngineProcess, type UserCtx } from "./testing/harness";

// Two RunEngines, each in its own OS process, on one database: every step of 20 runs is executed
// exactly once. Each step appends "<run>:<step>:<engine pid>" to one shared file.

let db: Db;
let url: string;
let drop: () => Promise<void>;
let oncall: UserCtx;
let serviceId: string;
let work: string;
let shared: string;
const spawned = new Spawned();
const procs: EngineProcess[] = [];

const STEPS = ["first", "second", "third"];

beforeAll(async () => {
  ({ db, url, drop } = await freshDatabase("two"));
  oncall = await userCtx(db, "oncall");
  serviceId = (await service(db)).id;
  work = mkdtempSync(path.join(tmpdir(), "rollcall-two-"));
  shared = path.join(work, "executed.txt");
  setEnv("ROLLCALL_SHARED_FILE", shared);
  const rb = runbookDir();
  rb.write(runbook("three-steps", STEPS.map((id) => ({
    id,
    title: `Append ${id}`,
    executor: "shell",
    // $PPID is the engine process that spawned this shell.
    params: { argv: ["sh", "-c", 'echo "$1:$2:$PPID" >> "$3"; sleep 0.05', "sh", "{{ params.tag }}", id, "{{ env.ROLLCALL_SHARED_FILE }}"] },
  })), { parameters: [{ name: "tag", type: "string", required: true }] }));
  await expectRunbooksLoad(["three-steps"]);
});

afterAll(async () => {
  for (const p of procs) {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill("SIGTERM");
      await Promise.race([p.exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
  }
  spawned.killAll();
  if (work) rmSync(work, { recursive: true, force: true });
  await drop?.();
});

describe("two engines on one database", () => {
  it("never execute the same step: 20 runs x 3 steps, each line exactly once, every run succeeded", async () => {
    procs.push(await spawnEngine(url, spawned), await spawnEngine(url, spawned));
    const pids = procs.map((p) => p.pid);
    expect(await db.engineInstance.count()).toBe(2);

    const inc = await declare(oncall, serviceId);
    const tags = Array.from({ length: 20 }, (_, i) => `r${i}-${randomBytes(4).toString("hex")}`);
    const runs = await Promise.all(tags.map((tag) => drillRun(oncall, inc.key, "three-steps", { tag })));
    const runOf = new Map(tags.map((tag, i) => [tag, runs[i]!.runId]));

    await until("every run to finish", async () => {
      const open = await db.run.count({ where: { id: { in: [...runOf.values()] }, status: { in: ["running", "paused"] } } });
      return open === 0;
    }, 60_000, 100);

    const rows = await db.run.findMany({ where: { id: { in: [...runOf.values()] } }, include: { steps: true } });
    expect(rows).toHaveLength(20);
    for (const r of rows) {
      expect(r.status, `run ${r.id}`).toBe("succeeded");
      expect(r.steps.map((s) => [s.status, s.attempt])).toEqual(STEPS.map(() => ["succeeded", 1]));
    }

    const lines = readFileSync(shared, "utf8").trim().split("\n");
    const executed = lines.map((l) => {
      const [tag, step, pid] = l.split(":");
      return { key: `${runOf.get(tag!)}:${step}`, pid: Number(pid) };
    });
    const expected = [...runOf.values()].flatMap((runId) => STEPS.map((s) => `${runId}:${s}`));
    expect(executed.map((e) => e.key).sort()).toEqual(expected.sort()); // each exactly once
    // Steps of one run ran in order.
    for (const runId of runOf.values()) {
      expect(executed.filter((e) => e.key.startsWith(`${runId}:`)).map((e) => e.key.split(":")[1])).toEqual(STEPS);
    }
    // Both engines did work, and nothing else did.
    const by = new Set(executed.map((e) => e.pid));
    expect([...by].every((p) => pids.includes(p))).toBe(true);
    expect(by.size).toBe(2);
  });
});
