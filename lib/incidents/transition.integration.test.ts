import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import type { Db } from "../db/client";
import { decideRequest, breakGlass } from "../approvals/decide-request";
import { RunEngine } from "../runs/engine";
import { operateRun } from "../runs/operate";
import { ENGINE_TIMINGS, REPO_ROOT, declare, requestFor, runbook, runbookDir, service, userCtx, waitForRun, type UserCtx } from "../runs/testing/harness";
import { changeStatus } from "./change-status";

// Incident status has one writer, transitionIncident(). Statically: no other module writes the
// column. At run time: every path that moves an incident (a person, a rollback starting, a run
// succeeding, failing or being aborted, break-glass) leaves "rolling back" true exactly while a
// live run is unfinished, with a timeline row and an audit row per change.

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === "generated" || name === "testing" ? [] : sourceFiles(p);
    return /\.tsx?$/.test(name) && !/\.test\.ts$/.test(name) ? [p] : [];
  });
}

describe("one writer of incident status", () => {
  it("no module but lib/incidents/transition.ts writes Incident.status", () => {
    const writers: string[] = [];
    for (const file of [...sourceFiles(path.join(REPO_ROOT, "lib")), ...sourceFiles(path.join(REPO_ROOT, "app"))]) {
      const text = readFileSync(file, "utf8");
      // Prisma updates of an incident whose data names status, and raw SQL setting it.
      for (const m of text.matchAll(/\.incident\.(update|updateMany|upsert)\(\{[\s\S]{0,400}?\}\);/g)) {
        if (/\bstatus\b/.test(m[0].replace(/where:\s*\{[^}]*\}/, ""))) writers.push(path.relative(REPO_ROOT, file));
      }
      if (/update\s+"Incident"\s+set[^;]*"status"/i.test(text)) writers.push(path.relative(REPO_ROOT, file));
    }
    expect(writers).toEqual(["lib/incidents/transition.ts"]);
  });
});

describe("every path through transitionIncident()", () => {
  let db: Db;
  let drop: () => Promise<void>;
  let engine: RunEngine;
  let oncall: UserCtx;
  let lead: UserCtx;
  let serviceId: string;

  beforeAll(async () => {
    ({ db, drop } = await freshDatabase("transition"));
    oncall = await userCtx(db, "oncall");
    lead = await userCtx(db, "teamlead");
    serviceId = (await service(db)).id;
    const rb = runbookDir();
    rb.write(runbook("ok", [{ id: "one", title: "Roll back", executor: "shell", params: { argv: ["echo", "ok"] } }]));
    rb.write(runbook("fails", [{ id: "one", title: "Roll back", executor: "shell", params: { argv: ["false"] } }]));
    rb.write(runbook("held", [{ id: "one", title: "Confirm", executor: "manual", params: { instructions: "Check it" } }]));
    engine = new RunEngine({ db, ...ENGINE_TIMINGS });
    await engine.start();
  });

  afterAll(async () => {
    await engine?.stop();
    await drop?.();
  });

  /** The invariant, over every incident: rolling back exactly while a live run is unfinished. */
  async function expectHonestStatus() {
    const incidents = await db.incident.findMany({ select: { key: true, status: true, runs: { where: { mode: "live", status: { in: ["running", "paused"] } }, select: { id: true } } } });
    for (const i of incidents) expect(`${i.key}: ${i.status}`).toBe(`${i.key}: ${i.runs.length ? "rolling_back" : i.status === "rolling_back" ? "not rolling_back" : i.status}`);
  }

  async function moves(key: string) {
    const rows = await db.timelineEvent.findMany({ where: { incident: { key }, kind: "status_changed" }, orderBy: { id: "asc" }, select: { payload: true } });
    const audits = await db.auditEvent.count({ where: { targetId: key, action: "incident.status" } });
    expect(audits).toBe(rows.length);
    return rows.map((r) => `${(r.payload as { from: string }).from}→${(r.payload as { to: string }).to}`);
  }

  it("a person; a rollback that succeeds; one that fails; one aborted; break-glass; a drill that moves nothing", async () => {
    const inc = await declare(oncall, serviceId);
    await changeStatus({ ctx: oncall, input: { key: inc.key, status: "investigating", version: 0 } });
    await expectHonestStatus();

    const ok = await requestFor(oncall, inc.key, "ok");
    await expectHonestStatus();
    await waitForRun(db, ok.runId!, ["succeeded"]);
    await expectHonestStatus();
    expect((await db.incident.findUniqueOrThrow({ where: { key: inc.key } })).status).toBe("monitoring");

    // A failed step pauses the run for a person: still rolling back, and the pause is on the timeline.
    const failed = await requestFor(oncall, inc.key, "fails");
    await waitForRun(db, failed.runId!, ["paused"]);
    await expectHonestStatus();
    const pause = await db.timelineEvent.findFirstOrThrow({ where: { incident: { key: inc.key }, kind: "run_paused" }, select: { payload: true } });
    expect(pause.payload).toMatchObject({ runId: failed.runId, why: "failed" });
    expect(await db.auditEvent.count({ where: { targetId: inc.key, action: "run.pause" } })).toBe(1);
    await operateRun({ ctx: oncall, input: { runId: failed.runId!, action: "abort", reason: "gave up" } });
    await expectHonestStatus();

    const held = await requestFor(oncall, inc.key, "held");
    await waitForRun(db, held.runId!, ["paused"]);
    await expectHonestStatus();
    await operateRun({ ctx: oncall, input: { runId: held.runId!, action: "abort", reason: "not needed" } });
    await expectHonestStatus();

    const drill = await requestFor(oncall, inc.key, "ok", { mode: "drill" });
    await waitForRun(db, drill.runId!, ["succeeded"]);
    await expectHonestStatus();

    expect(await moves(inc.key)).toEqual([
      "detected→investigating",
      "investigating→rolling_back", "rolling_back→monitoring",
      "monitoring→rolling_back", "rolling_back→investigating",
      "investigating→rolling_back", "rolling_back→investigating",
    ]);

    // MEDIUM: approval starts the run; break-glass too.
    const medium = await declare(oncall, serviceId, "MEDIUM");
    const pending = await requestFor(oncall, medium.key, "held");
    expect((await db.incident.findUniqueOrThrow({ where: { key: medium.key } })).status).toBe("detected");
    await decideRequest({ ctx: lead, input: { requestId: pending.requestId, decision: "approve" } });
    await expectHonestStatus();
    const run = await db.run.findUniqueOrThrow({ where: { requestId: pending.requestId } });
    await waitForRun(db, run.id, ["paused"]);
    await operateRun({ ctx: oncall, input: { runId: run.id, action: "abort" } });
    const glass = await requestFor(oncall, medium.key, "ok");
    // Not the requester: by default the policy leaves break-glass to a second person.
    await breakGlass({ ctx: lead, input: { requestId: glass.requestId, justification: "Checkout is down for everyone, the team lead is unreachable" } });
    const glassRun = await db.run.findUniqueOrThrow({ where: { requestId: glass.requestId } });
    await waitForRun(db, glassRun.id, ["succeeded"]);
    await expectHonestStatus();
    expect(await moves(medium.key)).toEqual(["detected→rolling_back", "rolling_back→investigating", "investigating→rolling_back", "rolling_back→monitoring"]);

    await changeStatus({ ctx: oncall, input: { key: medium.key, status: "resolved", version: (await db.incident.findUniqueOrThrow({ where: { key: medium.key } })).version } });
    await expectHonestStatus();
  });
});
