import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import type { Db } from "../db/client";
import { setEnv } from "../env";
import { decideRequest } from "../approvals/decide-request";
import { processAlive } from "../executors/testing/processes";
import { startTestServer, type TestServer } from "../executors/testing/http-server";
import { RunEngine } from "./engine";
import { operateRun } from "./operate";
import { startApprovedRollback, startRun } from "./start-run";
import {
  ENGINE_TIMINGS, appError, declare, drillRun, expectRunbooksLoad, requestFor, logText, readRun, runbook, runbookDir,
  service, sleep, until, userCtx, waitForRun, type UserCtx,
} from "./testing/harness";

// The run engine against a real PostgreSQL, running real processes: dry runs plan only, failures
// pause and ask, operators retry/skip/abort, a live run starts once, roles are enforced, and
// secrets never reach the database.

let db: Db;
let drop: () => Promise<void>;
let engine: RunEngine;
let serviceId: string;
let oncall: UserCtx;
let work: string;
let http: TestServer;
const started: number[] = [];

const SECRET = "s3cr3t-value-8f2a91c4";

const sh = (id: string, script: string, extra: Record<string, unknown> = {}, params: Record<string, unknown> = {}) => ({
  id,
  title: `Step ${id}`,
  executor: "shell",
  params: { argv: ["sh", "-c", script, "sh", ...((params.args as string[] | undefined) ?? [])], ...(params.env ? { env: params.env } : {}), ...(params.killGraceSeconds ? { killGraceSeconds: params.killGraceSeconds } : {}) },
  ...extra,
});
const markerParam = { parameters: [{ name: "marker", type: "string", required: true }] };

beforeAll(async () => {
  ({ db, drop } = await freshDatabase("runs"));
  serviceId = (await service(db)).id;
  oncall = await userCtx(db, "oncall");
  work = mkdtempSync(path.join(tmpdir(), "rollcall-runs-"));
  http = await startTestServer(() => ({ status: 200, body: "ok" }));
  setEnv("TEST_HTTP_URL", http.url);
  setEnv("TEST_SECRET_TOKEN", SECRET);

  const rb = runbookDir();
  rb.write(runbook("plan-check", [
    sh("touch-marker", 'echo touching; touch "$1"', {}, { args: ["{{ params.marker }}"] }),
    { id: "notify-deploy", title: "Tell the deploy API", executor: "http", params: { method: "POST", url: { base: "{{ env.TEST_HTTP_URL }}", path: "deploy" }, body: { version: "v1" }, expectStatus: [200] } },
  ], { ...markerParam, prerequisites: [{ id: "api-up", title: "API answers", executor: "http", params: { method: "GET", url: { base: "{{ env.TEST_HTTP_URL }}", path: "ready" } } }] }));
  rb.write(runbook("plan-fails", [
    { id: "missing-tool", title: "Run a tool that is not installed", executor: "shell", params: { argv: ["/nonexistent/rollcall-deploy-tool", "{{ params.marker }}"] } },
    sh("touch-marker", 'touch "$1"', {}, { args: ["{{ params.marker }}"] }),
  ], markerParam));
  rb.write(runbook("needs-file", [
    sh("check", 'echo "checking $1"; test -f "$1"', {}, { args: ["{{ params.marker }}"] }),
    sh("after", "echo after"),
  ], markerParam));
  rb.write(runbook("flaky", [
    sh("flaky", 'n=$(cat "$1" 2>/dev/null || echo 0); n=$((n+1)); echo "$n" > "$1"; echo "attempt $n"; [ "$n" -ge "$2" ]', { retries: { count: 2, backoffSeconds: 1 } }, { args: ["{{ params.counter }}", "{{ params.succeed_at }}"] }),
    sh("after", "echo after"),
  ], { parameters: [{ name: "counter", type: "string", required: true }, { name: "succeed_at", type: "number", required: true }] }));
  rb.write(runbook("continue", [sh("broken", "echo broken; exit 3", { continueOnFailure: true }), sh("after", "echo after")]));
  rb.write(runbook("abortable", [
    sh("hang", 'echo "leader=$$"; sleep 300 & echo "background=$!"; sleep 300', {}, { killGraceSeconds: 2 }),
    sh("never", "echo never"),
  ]));
  rb.write(runbook("quick", [sh("one", "echo one")]));
  rb.write(runbook("parallel", [
    sh("a", "date +%s%N; sleep 1; date +%s%N", { parallelGroup: "fan" }),
    sh("b", "date +%s%N; sleep 1; date +%s%N", { parallelGroup: "fan" }),
    sh("after", "date +%s%N"),
  ]));
  rb.write(runbook("secret", [sh("show", 'echo "token is $TOKEN"', {}, { env: { TOKEN: "{{ env.TEST_SECRET_TOKEN }}" } })]));
  await expectRunbooksLoad(["plan-check", "plan-fails", "needs-file", "flaky", "continue", "abortable", "quick", "secret", "parallel"]);

  engine = new RunEngine({ db, ...ENGINE_TIMINGS });
  await engine.start();
});

afterEach(() => {
  // Processes a failed abort test could leave behind: only pids these tests started.
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
});

afterAll(async () => {
  await engine?.stop();
  await http?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  await drop?.();
});

/** Dry runs start directly; drills and live runs through a rollback record (HIGH: its gate opens at once). */
async function run(name: string, mode: "live" | "dry_run" | "drill", params: Record<string, string> = {}, ctx = oncall) {
  const inc = await declare(ctx, serviceId);
  if (mode === "dry_run") return { ...(await startRun({ ctx, input: { key: inc.key, runbook: name, mode, params } })), key: inc.key };
  const r = mode === "drill" ? await drillRun(ctx, inc.key, name, params) : await requestFor(ctx, inc.key, name, { params });
  if (!r.runId) throw new Error("the run did not start");
  return { runId: r.runId, key: inc.key };
}

const marker = (name: string) => path.join(work, `${name}-${Math.random().toString(36).slice(2)}`);

describe("dry run", () => {
  it("calls plan only: the shell step's marker is not created, no HTTP request is sent, and the plan is logged", async () => {
    const file = marker("dry");
    const r = await run("plan-check", "dry_run", { marker: file });
    const done = await waitForRun(db, r.runId, ["succeeded", "failed", "paused"]);
    expect(done.status).toBe("succeeded");
    expect(done.mode).toBe("dry_run");
    expect(existsSync(file)).toBe(false);
    expect(http.received).toEqual([]);

    expect(done.steps.map((s) => [s.phase, s.stepId, s.status, s.attempt])).toEqual([
      ["prerequisite", "api-up", "succeeded", 1],
      ["step", "touch-marker", "succeeded", 1],
      ["step", "notify-deploy", "succeeded", 1],
    ]);
    const [api, touch, notify] = done.steps.map(logText);
    expect(api).toContain(`[plan] GET ${http.url}/ready`);
    expect(touch).toContain("[plan] run sh (4 arguments)");
    expect(touch).toContain(`  would: run sh -c 'echo touching; touch "$1"' sh ${file}`);
    expect(touch).toMatch(/ {2}ok {3}program sh: found \//);
    // The step never ran: no "$ sh ..." line, no output.
    expect(touch).not.toContain("touching\n");
    expect(touch).not.toContain("$ sh");
    expect(notify).toContain(`would: POST ${http.url}/deploy with a body`);
  });

  it("fails a step whose prerequisite check fails, still plans the rest, and ends failed without changing anything", async () => {
    const file = marker("dry-fail");
    const r = await run("plan-fails", "dry_run", { marker: file });
    const done = await waitForRun(db, r.runId, ["succeeded", "failed", "paused"]);
    expect(done.status).toBe("failed");
    expect(done.steps.map((s) => s.status)).toEqual(["failed", "succeeded"]);
    expect(done.steps[0]!.error).toMatch(/1 prerequisite check failed: program \/nonexistent\/rollcall-deploy-tool/);
    expect(logText(done.steps[0]!)).toMatch(/FAIL program \/nonexistent\/rollcall-deploy-tool: .*does not exist/);
    expect(logText(done.steps[1]!)).toContain("would: run sh -c");
    expect(existsSync(file)).toBe(false);
  });
});

describe("a failing step pauses the run and asks", () => {
  it("pauses with a reason; retry runs the step again as attempt 2 and the run completes", async () => {
    const file = marker("retry");
    const r = await run("needs-file", "drill", { marker: file });
    const paused = await waitForRun(db, r.runId, ["paused", "succeeded", "failed"]);
    expect(paused.status).toBe("paused");
    expect(paused.pauseReason).toMatch(/^Step 1 “Step check” failed: exited with code 1\. Retry, skip or abort\.$/);
    expect(paused.steps.map((s) => [s.status, s.attempt, s.exitCode])).toEqual([["failed", 1, 1], ["pending", 0, null]]);
    expect(logText(paused.steps[0]!)).toContain(`checking ${file}\n`);

    // Only a failed or interrupted step can be retried.
    const early = await appError(operateRun({ ctx: oncall, input: { runId: r.runId, action: "retry", stepId: paused.steps[1]!.id } }));
    expect(early.code).toBe("CONFLICT");
    await sleep(300);
    expect((await readRun(db, r.runId)).steps[0]!.attempt).toBe(1);

    writeFileSync(file, "");
    await operateRun({ ctx: oncall, input: { runId: r.runId, action: "retry", stepId: paused.steps[0]!.id } });
    const done = await waitForRun(db, r.runId, ["succeeded", "failed", "paused"]);
    expect(done.status).toBe("succeeded");
    expect(done.pauseReason).toBeNull();
    expect(done.steps.map((s) => [s.status, s.attempt])).toEqual([["succeeded", 2], ["succeeded", 1]]);
    const attempts = [...new Set(done.steps[0]!.logs.map((l) => l.attempt))];
    expect(attempts).toEqual([1, 0, 2]); // first run, the operator's note, the retry
    expect(logText(done.steps[0]!)).toMatch(/\[rollcall\] Test oncall \d+: retry/);
    const audit = await db.auditEvent.findMany({ where: { action: "run.retry" } });
    expect(audit.some((a) => (a.after as { runId?: string }).runId === r.runId)).toBe(true);
  });

  it("skip needs a reason of at least 5 characters, then the run moves on", async () => {
    const r = await run("needs-file", "drill", { marker: marker("skip") });
    const paused = await waitForRun(db, r.runId, ["paused", "succeeded", "failed"]);
    expect(paused.status).toBe("paused");
    const stepId = paused.steps[0]!.id;

    const short = await appError(operateRun({ ctx: oncall, input: { runId: r.runId, action: "skip", stepId, reason: "no" } }));
    expect(short.code).toBe("VALIDATION");
    expect(short.fieldErrors.reason?.join(" ")).toMatch(/at least 5 characters/);
    expect((await readRun(db, r.runId)).status).toBe("paused");

    await operateRun({ ctx: oncall, input: { runId: r.runId, action: "skip", stepId, reason: "checked by hand on the host" } });
    const done = await waitForRun(db, r.runId, ["succeeded", "failed", "paused"]);
    expect(done.status).toBe("succeeded");
    expect(done.steps.map((s) => [s.status, s.attempt])).toEqual([["skipped", 1], ["succeeded", 1]]);
    expect(done.steps[0]!.skipReason).toBe("checked by hand on the host");
    expect(logText(done.steps[1]!)).toContain("after\n");
  });

  it("a step with retries {count: 2} retries by itself with doubling backoff, and succeeds without pausing", async () => {
    const counter = marker("flaky-ok");
    const r = await run("flaky", "drill", { counter, succeed_at: "2" });
    const done = await waitForRun(db, r.runId, ["succeeded", "failed", "paused"]);
    expect(done.status).toBe("succeeded");
    expect(done.steps.map((s) => [s.status, s.attempt])).toEqual([["succeeded", 2], ["succeeded", 1]]);
    const logs = done.steps[0]!.logs;
    expect(logText(done.steps[0]!)).toMatch(/attempt 1\n[\s\S]*attempt 2\n/);
    const lastOf1 = Math.max(...logs.filter((l) => l.attempt === 1).map((l) => l.at.getTime()));
    const firstOf2 = Math.min(...logs.filter((l) => l.attempt === 2).map((l) => l.at.getTime()));
    expect(firstOf2 - lastOf1).toBeGreaterThanOrEqual(900); // backoffSeconds: 1
  });

  it("when every automatic retry fails, the run pauses after the last attempt (1s, then 2s backoff)", async () => {
    const counter = marker("flaky-never");
    const t0 = Date.now();
    const r = await run("flaky", "drill", { counter, succeed_at: "99" });
    const paused = await waitForRun(db, r.runId, ["paused", "succeeded", "failed"]);
    expect(paused.status).toBe("paused");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2900);
    expect(paused.steps.map((s) => [s.status, s.attempt])).toEqual([["failed", 3], ["pending", 0]]);
    const logs = paused.steps[0]!.logs;
    expect([...new Set(logs.map((l) => l.attempt))]).toEqual([1, 2, 3]);
    const first = (a: number) => Math.min(...logs.filter((l) => l.attempt === a).map((l) => l.at.getTime()));
    expect(first(3) - first(2)).toBeGreaterThanOrEqual(1900); // the backoff doubled
    await operateRun({ ctx: oncall, input: { runId: r.runId, action: "abort", reason: "giving up" } });
  });

  it("continueOnFailure: the failed step is recorded and the run carries on to succeed", async () => {
    const r = await run("continue", "drill");
    const done = await waitForRun(db, r.runId, ["succeeded", "failed", "paused"]);
    expect(done.status).toBe("succeeded");
    expect(done.steps.map((s) => [s.status, s.attempt, s.exitCode])).toEqual([["failed", 1, 3], ["succeeded", 1, 0]]);
    expect(done.steps[0]!.error).toBe("exited with code 3");
  });
});

describe("parallel groups", () => {
  it("runs consecutive steps of one group at the same time, and the next step only after both", async () => {
    const r = await run("parallel", "drill");
    const done = await waitForRun(db, r.runId, ["succeeded", "failed", "paused"]);
    expect(done.status).toBe("succeeded");
    const times = done.steps.map((s) => logText(s).match(/\d{15,}/g)!.map((n) => Number(BigInt(n) / 1_000_000n)));
    const [a, b, after] = times as [number[], number[], number[]];
    // a and b overlap: each started before the other finished.
    expect(a[0]!).toBeLessThan(b[1]!);
    expect(b[0]!).toBeLessThan(a[1]!);
    expect(after[0]!).toBeGreaterThanOrEqual(Math.max(a[1]!, b[1]!));
  });
});

describe("abort", () => {
  it("kills the step's whole process group, marks the step and the run aborted, and runs nothing after", async () => {
    const r = await run("abortable", "drill");
    const pids = await until("both pids in the step's log", async () => {
      const text = logText((await readRun(db, r.runId)).steps[0]!);
      const leader = /^leader=(\d+)$/m.exec(text)?.[1];
      const background = /^background=(\d+)$/m.exec(text)?.[1];
      return leader && background ? [Number(leader), Number(background)] : null;
    });
    started.push(...pids);
    for (const pid of pids) expect(processAlive(pid), `pid ${pid} runs`).toBe(true);

    const t0 = Date.now();
    await operateRun({ ctx: oncall, input: { runId: r.runId, action: "abort", reason: "wrong target" } });
    await until("both processes to be gone", async () => pids.every((p) => !processAlive(p)), 5000, 25);
    expect(Date.now() - t0).toBeLessThan(5000);
    started.length = 0; // gone: never signal these pids again

    const done = await until("the step to be aborted", async () => {
      const row = await readRun(db, r.runId);
      return row.steps[0]!.status === "aborted" ? row : null;
    }, 10_000);
    expect(done.status).toBe("aborted");
    expect(done.pauseReason).toBe("wrong target");
    expect(done.steps.map((s) => s.status)).toEqual(["aborted", "aborted"]);
    expect(done.steps[1]!.attempt).toBe(0);
    // A finished run takes no more decisions.
    const again = await appError(operateRun({ ctx: oncall, input: { runId: r.runId, action: "retry", stepId: done.steps[0]!.id } }));
    expect(again.code).toBe("CONFLICT");
  });
});

describe("starting a live run", () => {
  it("the approved rollback starts its run by itself, once, and the incident is rolling back only while it runs", async () => {
    const inc = await declare(oncall, serviceId);
    const r = await requestFor(oncall, inc.key, "quick");
    expect(r.status).toBe("approved");
    expect(r.runId).not.toBeNull();
    expect(await db.run.count({ where: { incident: { key: inc.key } } })).toBe(1);
    const done = await waitForRun(db, r.runId!, ["succeeded", "failed", "paused"]);
    expect(done.status).toBe("succeeded");
    expect(done.requestId).toBe(r.requestId);
    // The live rollback completed: the incident moves to monitoring, through the one transition.
    const stored = await db.incident.findUniqueOrThrow({ where: { key: inc.key }, select: { status: true, rollbackCompletedAt: true, rollbackStartedAt: true } });
    expect(stored.status).toBe("monitoring");
    expect(stored.rollbackStartedAt).toBeInstanceOf(Date);
    expect(stored.rollbackCompletedAt).toBeInstanceOf(Date);
    const moves = await db.timelineEvent.findMany({ where: { incident: { key: inc.key }, kind: "status_changed" }, orderBy: { id: "asc" }, select: { payload: true } });
    expect(moves.map((m) => [(m.payload as { from: string }).from, (m.payload as { to: string }).to])).toEqual([
      ["detected", "rolling_back"],
      ["rolling_back", "monitoring"],
    ]);
    // Starting it again is refused: the record's run exists.
    const again = await appError(startApprovedRollback({ ctx: oncall, input: { requestId: r.requestId } }));
    expect(again.code).toBe("CONFLICT");
  });

  it("ten concurrent starts of one approved rollback create exactly one run", async () => {
    const medium = await declare(oncall, serviceId, "MEDIUM");
    const lead = await userCtx(db, "teamlead");
    const r = await requestFor(oncall, medium.key, "quick");
    expect(r.status).toBe("pending");
    // Approved with the run left to start by hand (as a failed automatic start would leave it).
    await db.rollbackRequest.update({ where: { id: r.requestId }, data: { autoStart: false } });
    await decideRequest({ ctx: lead, input: { requestId: r.requestId, decision: "approve" } });
    const others = await Promise.all(Array.from({ length: 3 }, () => userCtx(db, "oncall")));
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => startApprovedRollback({ ctx: i % 4 === 0 ? oncall : others[i % 3]!, input: { requestId: r.requestId } })));
    expect(results.filter((x) => x.status === "fulfilled")).toHaveLength(1);
    expect(await db.run.count({ where: { incident: { key: medium.key } } })).toBe(1);
    expect(await db.timelineEvent.count({ where: { incident: { key: medium.key }, kind: "run_started" } })).toBe(1);
    const runId = (await db.run.findFirstOrThrow({ where: { requestId: r.requestId } })).id;
    await waitForRun(db, runId, ["succeeded"]);
    expect(await db.stepRun.count({ where: { runId } })).toBe(1);
  });
});

describe("permissions", () => {
  it.each(["viewer", "productowner"] as const)("a %s can neither start nor operate a run", async (role) => {
    const ctx = await userCtx(db, role);
    const inc = await declare(oncall, serviceId);
    const before = await db.run.count();
    expect((await appError(startRun({ ctx, input: { key: inc.key, runbook: "quick", mode: "dry_run" } }))).code).toBe("FORBIDDEN");
    expect((await appError(requestFor(ctx, inc.key, "quick", { mode: "drill" }))).code).toBe("FORBIDDEN");
    expect((await appError(requestFor(ctx, inc.key, "quick"))).code).toBe("FORBIDDEN");
    expect(await db.run.count()).toBe(before);

    const r = await run("needs-file", "drill", { marker: marker("perm") });
    const paused = await waitForRun(db, r.runId, ["paused", "succeeded", "failed"]);
    for (const input of [
      { runId: r.runId, action: "abort" },
      { runId: r.runId, action: "retry", stepId: paused.steps[0]!.id },
      { runId: r.runId, action: "skip", stepId: paused.steps[0]!.id, reason: "a good reason" },
    ]) {
      const err = await appError(operateRun({ ctx, input }));
      expect(err.code).toBe("FORBIDDEN");
    }
    const after = await readRun(db, r.runId);
    expect(after.status).toBe("paused");
    expect(after.steps[0]!.status).toBe("failed");
    // An on-call engineer can.
    await operateRun({ ctx: oncall, input: { runId: r.runId, action: "abort" } });
    expect((await readRun(db, r.runId)).status).toBe("aborted");
  });

  it("live runs and drills start only from a rollback record; a pending gate starts nothing; a dry run needs no gate", async () => {
    const medium = await declare(oncall, serviceId, "MEDIUM");
    for (const mode of ["live", "drill"] as const) {
      const e = await appError(startRun({ ctx: oncall, input: { key: medium.key, runbook: "quick", mode } }));
      expect(e.code).toBe("FORBIDDEN");
      expect(e.message).toMatch(/start from a rollback request/);
    }
    // A MEDIUM request waits for a team lead: no run, and the incident is not rolling back.
    const req = await requestFor(oncall, medium.key, "quick");
    expect(req).toMatchObject({ status: "pending", runId: null });
    expect((await db.incident.findUniqueOrThrow({ where: { key: medium.key } })).status).toBe("detected");
    // A drill in production is gated like a live rollback (the test runbook's only environment).
    const drill = await requestFor(oncall, medium.key, "quick", { mode: "drill" });
    expect(drill).toMatchObject({ status: "pending", runId: null });
    expect(await db.run.count({ where: { incident: { key: medium.key } } })).toBe(0);
    // A dry run changes nothing and needs no gate.
    const dry = await startRun({ ctx: oncall, input: { key: medium.key, runbook: "quick", mode: "dry_run" } });
    expect((await waitForRun(db, dry.runId, ["succeeded", "failed", "paused"])).status).toBe("succeeded");
  });

  it("a team lead may start and operate runs too", async () => {
    const lead = await userCtx(db, "teamlead");
    const r = await run("needs-file", "drill", { marker: marker("lead") }, lead);
    await waitForRun(db, r.runId, ["paused"]);
    await operateRun({ ctx: lead, input: { runId: r.runId, action: "abort" } });
    expect((await readRun(db, r.runId)).status).toBe("aborted");
  });
});

describe("secrets", () => {
  it("a step's env from {{ env.X }} is stored as the placeholder and redacted in the log", async () => {
    const r = await run("secret", "drill");
    const done = await waitForRun(db, r.runId, ["succeeded", "failed", "paused"]);
    expect(done.status).toBe("succeeded");
    const step = done.steps[0]!;
    expect(step.params).toMatchObject({ params: { env: { TOKEN: "{{ env.TEST_SECRET_TOKEN }}" } } });
    expect(logText(step)).toMatch(/^token is \[redacted\]$/m);

    // A dry run's plan redacts it too.
    const dry = await run("secret", "dry_run");
    const planned = await waitForRun(db, dry.runId, ["succeeded", "failed", "paused"]);
    expect(logText(planned.steps[0]!)).toContain("would: with TOKEN=[redacted]");

    // Nowhere in the database: not in runs, steps, logs, the timeline or the audit trail.
    for (const table of ["Run", "StepRun", "StepLog", "TimelineEvent", "AuditEvent"]) {
      const rows = await db.$queryRawUnsafe<{ n: bigint }[]>(`select count(*) as n from "${table}" t where row_to_json(t)::text like $1`, `%${SECRET}%`);
      expect(Number(rows[0]!.n), `${table} holds the secret`).toBe(0);
    }
    expect(await db.stepLog.count({ where: { stepRun: { runId: r.runId } } })).toBeGreaterThan(0);
  });
});
