import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "vitest";
import type { Db } from "../../db/client.ts";
import type { Ctx } from "../../auth/actor.ts";
import type { RoleName } from "../../auth/permissions.ts";
import { setEnv } from "../../env.ts";
import { createIncident } from "../../incidents/create-incident.ts";
import { requestRollback } from "../../approvals/request-rollback.ts";
import { runbooks } from "../runbook-registry.ts";
import { db } from "../../db/client.ts";

// Shared by the run engine's integration tests: users, incidents with an open gate, runbooks
// written to a temporary RUNBOOKS_DIR, polling, and engine processes of their own.

export const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");
// The lease (staleAfterMs) is long enough that a loaded machine does not fence a single engine out
// of its own steps; tests of recovery and fencing set their own.
export const ENGINE_TIMINGS = { tickMs: 50, heartbeatMs: 200, staleAfterMs: 5000 } as const;

export type UserCtx = Ctx & { actor: { type: "user"; id: string; role: RoleName } };

let userN = 0;
export async function userCtx(db: Db, role: RoleName): Promise<UserCtx> {
  userN++;
  const u = await db.user.create({
    data: { email: `${role}-${randomUUID()}@example.test`, name: `Test ${role} ${userN}`, role },
    select: { id: true, email: true, name: true, role: true },
  });
  return { actor: { type: "user", ...u }, ip: "203.0.113.20" };
}

export { appError } from "../../../test/app-error.ts";

/** A temporary RUNBOOKS_DIR; runbooks are written as JSON, which is YAML too. */
export function runbookDir(): { dir: string; write: (rb: Record<string, unknown>) => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "rollcall-runbooks-"));
  setEnv("RUNBOOKS_DIR", dir);
  return { dir, write: (rb) => writeFileSync(path.join(dir, `${String(rb.name)}.yaml`), JSON.stringify(rb, null, 2)) };
}

/** Every runbook in RUNBOOKS_DIR loaded without errors. */
export async function expectRunbooksLoad(names: string[]) {
  const loaded = await runbooks();
  expect(loaded.errors).toEqual([]);
  expect(loaded.runbooks.map((r) => r.runbook.name).sort()).toEqual([...names].sort());
}

/** A runbook around the given steps, with the fields every runbook needs. */
export function runbook(name: string, steps: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  return { name, title: `Test ${name}`, scope: "application", estimatedMinutes: { min: 0.1, max: 1 }, steps, ...extra };
}

export async function service(db: Db, name = `Svc ${randomUUID().slice(0, 8)}`) {
  return db.service.create({ data: { name, tier: "Critical", rtoMinutes: 5, rpoMinutes: 1, ownerTeam: "Payments" }, select: { id: true } });
}

/** A HIGH incident (its gate opens at once under the default policy). */
export async function declare(ctx: UserCtx, serviceId: string, severity: "HIGH" | "MEDIUM" | "CRITICAL" = "HIGH") {
  return createIncident({ ctx, input: { title: `Run engine test ${randomUUID().slice(0, 8)}`, trigger: "Error rate above 5% after the deploy", severity, serviceIds: [serviceId] } });
}

/** Requests a rollback (or drill) of `runbookName`; under the default policy a HIGH incident's gate opens and the run starts at once. */
export async function requestFor(ctx: UserCtx, key: string, runbookName: string, opts: { mode?: "live" | "drill"; environment?: string; params?: Record<string, string>; target?: string } = {}) {
  const input = { key, idempotencyKey: randomUUID(), target: opts.target ?? "v1", reason: "Errors after the deploy", runbook: runbookName, mode: opts.mode ?? "live", environment: opts.environment ?? "production", params: opts.params ?? {} };
  // Many requests at once on one incident queue on its lock while holding pool connections; on a
  // loaded machine one may not get a transaction within Prisma's 2 s. It never started: sent again
  // under the same idempotency key, it is still one request.
  const req = await (async function send(tries: number): ReturnType<typeof requestRollback> {
    return requestRollback({ ctx, input }).catch((err: { code?: string }) => {
      if (err.code !== "P2028" || tries <= 1) throw err;
      return send(tries - 1);
    });
  })(5);
  const run = await db().run.findUnique({ where: { requestId: req.id }, select: { id: true } });
  return { requestId: req.id, status: req.status, runId: run?.id ?? null };
}

/** A live run: a HIGH incident whose rollback request (gate open) started the run. */
export async function liveRun(ctx: UserCtx, serviceId: string, runbookName: string, params: Record<string, string> = {}) {
  const inc = await declare(ctx, serviceId);
  const r = await requestFor(ctx, inc.key, runbookName, { params });
  expect(r.status).toBe("approved");
  if (!r.runId) throw new Error("the approved rollback did not start a run");
  return { key: inc.key, requestId: r.requestId, runId: r.runId };
}

/** A drill of `runbookName` on an incident (HIGH, so even a production drill needs no approval). */
export async function drillRun(ctx: UserCtx, key: string, runbookName: string, params: Record<string, string> = {}, environment = "production") {
  const r = await requestFor(ctx, key, runbookName, { mode: "drill", params, environment });
  if (!r.runId) throw new Error(`the drill did not start (${r.status})`);
  return { requestId: r.requestId, runId: r.runId };
}

export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000, stepMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function readRun(db: Db, runId: string) {
  return db.run.findUniqueOrThrow({
    where: { id: runId },
    include: { steps: { orderBy: { index: "asc" }, include: { logs: { orderBy: { id: "asc" } } } } },
  });
}
export type RunRow = Awaited<ReturnType<typeof readRun>>;

export function waitForRun(db: Db, runId: string, statuses: string[], timeoutMs = 30_000) {
  return until(`run ${runId} to be ${statuses.join(" or ")}`, async () => {
    const r = await readRun(db, runId);
    return statuses.includes(r.status) ? r : null;
  }, timeoutMs);
}

/** A step's whole log as the run panel shows it. */
export function logText(step: RunRow["steps"][number]): string {
  return step.logs.map((l) => l.text).join("");
}

/** Spawned processes (and their process groups) to stop after a test. Only what the tests started. */
export class Spawned {
  private groups = new Set<number>();

  track(pid: number) {
    this.groups.add(pid);
  }

  /** Once a group is known to be gone, forget it, so a reused pid is never signalled. */
  untrack(pid: number) {
    this.groups.delete(pid);
  }

  killAll() {
    for (const pgid of this.groups) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    this.groups.clear();
  }
}

export type EngineProcess = { child: ChildProcess; pid: number; instanceId: string; stderr: () => string; exited: Promise<void> };

/**
 * A RunEngine in an OS process of its own (lib/runs/testing/engine-process.ts), leader of its own
 * process group, against `databaseUrl`. Resolves when the engine has started.
 */
export async function spawnEngine(databaseUrl: string, spawned: Spawned, env: Record<string, string> = {}): Promise<EngineProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "lib/runs/testing/engine-process.ts")], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid) spawned.track(child.pid);
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
  const exited = new Promise<void>((r) =>
    child.once("exit", () => {
      // Its shell steps lead groups of their own; the engine's group was only the engine.
      if (child.pid) spawned.untrack(child.pid);
      r();
    }),
  );
  const instanceId = await until("the engine process to start", async () => {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`engine process exited early: ${err}`);
    return /^ready (\S+)$/m.exec(out)?.[1] ?? null;
  }, 30_000);
  return { child, pid: child.pid!, instanceId, stderr: () => err, exited };
}
