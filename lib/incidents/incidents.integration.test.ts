import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { withAuditDown } from "../../test/audit-down";
import { appError } from "../../test/app-error";
import type { Db } from "../db/client";
import type { Ctx } from "../auth/actor";
import type { RoleName } from "../auth/permissions";
import { verifyAuditChain } from "../audit/verify";
import { createIncident } from "./create-incident";
import { changeStatus } from "./change-status";
import { requestRollback } from "../approvals/request-rollback";
import { operateRun } from "../runs/operate";
import { runbook, runbookDir } from "../runs/testing/harness";

let db: Db;
let drop: () => Promise<void>;
let serviceId: string;

beforeAll(async () => {
  ({ db, drop } = await freshDatabase("inc"));
  const svc = await db.service.create({
    data: { name: "Checkout", tier: "Critical", rtoMinutes: 5, rpoMinutes: 1, ownerTeam: "Payments" },
  });
  serviceId = svc.id;
  runbookDir().write(runbook("quick", [{ id: "one", title: "Roll back", executor: "shell", params: { argv: ["echo", "rolled back"] } }]));
});

afterAll(async () => {
  await drop?.();
});

async function userCtx(role: RoleName): Promise<Ctx & { actor: { type: "user"; id: string } }> {
  const u = await db.user.create({
    data: { email: `${role}-${randomUUID()}@example.test`, name: `Test ${role}`, role },
    select: { id: true, email: true, name: true, role: true },
  });
  return { actor: { type: "user", ...u }, ip: "203.0.113.7" };
}

function validInput(overrides: Record<string, unknown> = {}) {
  return {
    title: "Checkout returns 502 after deploy",
    summary: "Error rate jumped to 7% right after v2.14.0.",
    trigger: "Error rate > 5% for 5 minutes",
    severity: "HIGH",
    serviceIds: [serviceId],
    ...overrides,
  };
}


async function counts() {
  const [incidents, audit, timeline] = await Promise.all([
    db.incident.count(),
    db.auditEvent.count(),
    db.timelineEvent.count(),
  ]);
  return { incidents, audit, timeline };
}

function keyNumber(key: string): number {
  const m = /^INC-(\d{4})-(\d+)$/.exec(key);
  expect(m, `key ${key}`).not.toBeNull();
  expect(Number(m![1])).toBe(new Date().getUTCFullYear());
  return Number(m![2]);
}

describe("declaring an incident", () => {
  it("gives an on-call engineer sequential INC-<year>-<n> keys, a timeline entry and an audit row", async () => {
    const ctx = await userCtx("oncall");
    const first = await createIncident({ ctx, input: validInput() });
    const second = await createIncident({ ctx, input: validInput({ title: "Second problem" }) });

    expect(first.key).toMatch(/^INC-\d{4}-\d+$/);
    expect(keyNumber(second.key)).toBe(keyNumber(first.key) + 1);
    expect(first.status).toBe("detected");

    const stored = await db.incident.findUniqueOrThrow({
      where: { key: first.key },
      select: {
        commanderId: true,
        declaredById: true,
        services: { select: { serviceId: true } },
        timeline: { select: { kind: true, actorId: true, actorLabel: true } },
      },
    });
    expect(stored.commanderId).toBe(ctx.actor.id);
    expect(stored.declaredById).toBe(ctx.actor.id);
    expect(stored.services).toEqual([{ serviceId }]);
    // Other entries (the decision matrix's) may follow; the declaration itself is there exactly once.
    expect(stored.timeline.filter((e) => e.kind === "declared")).toEqual([
      { kind: "declared", actorId: ctx.actor.id, actorLabel: "Test oncall" },
    ]);

    const audit = await db.auditEvent.findMany({ where: { action: "incident.declare", targetId: first.key } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorType: "user",
      actorId: ctx.actor.id,
      actorRole: "oncall",
      targetType: "incident",
      ip: "203.0.113.7",
    });
    expect(audit[0]!.after).toMatchObject({ title: "Checkout returns 502 after deploy", severity: "HIGH", services: ["Checkout"] });
  });

  it.each(["viewer", "productowner"] as const)("refuses a %s and writes nothing", async (role) => {
    const ctx = await userCtx(role);
    const before = await counts();
    const err = await appError(createIncident({ ctx, input: validInput() }));
    expect(err.code).toBe("FORBIDDEN");
    expect(await counts()).toEqual(before);
  });

  it.each([
    { field: "title", input: { title: "" }, message: /at least 3 characters/ },
    { field: "serviceIds", input: { serviceIds: [randomUUID()] }, message: /no longer exists/ },
    { field: "summary", input: { summary: "x".repeat(10_000) }, message: /limited to 4000 characters/ },
  ])("rejects an invalid $field, names it, and writes nothing", async ({ field, input, message }) => {
    const ctx = await userCtx("oncall");
    const before = await counts();
    const err = await appError(createIncident({ ctx, input: validInput(input) }));
    expect(err.code).toBe("VALIDATION");
    expect(Object.keys(err.fieldErrors)).toEqual([field]);
    expect(err.fieldErrors[field]!.join(" ")).toMatch(message);
    expect(await counts()).toEqual(before);
  });

  it("does not burn a key on a refused declaration", async () => {
    const ctx = await userCtx("oncall");
    const a = await createIncident({ ctx, input: validInput() });
    await appError(createIncident({ ctx, input: validInput({ serviceIds: [randomUUID()] }) }));
    const b = await createIncident({ ctx, input: validInput() });
    expect(keyNumber(b.key)).toBe(keyNumber(a.key) + 1);
  });

  it("stores markup in a title verbatim (escaping is the UI's job)", async () => {
    const ctx = await userCtx("oncall");
    const title = "<img src=x onerror=alert(1)>";
    const inc = await createIncident({ ctx, input: validInput({ title }) });
    const stored = await db.incident.findUniqueOrThrow({ where: { key: inc.key }, select: { title: true } });
    expect(stored.title).toBe(title);
  });
});

describe("changing status", () => {
  async function declared() {
    const ctx = await userCtx("oncall");
    const inc = await createIncident({ ctx, input: validInput() });
    return { ctx, key: inc.key };
  }

  function read(key: string) {
    return db.incident.findUniqueOrThrow({
      where: { key },
      select: {
        status: true, version: true, acknowledgedAt: true, decidedAt: true, rollbackStartedAt: true,
        rollbackCompletedAt: true, resolvedAt: true, closedAt: true,
        _count: { select: { timeline: true } },
      },
    });
  }

  it("a person cannot make an incident rolling back: only a running rollback does, and it stays so until the run ends", async () => {
    const { ctx, key } = await declared();
    const auditBefore = await db.auditEvent.count();
    const refused = await appError(changeStatus({ ctx, input: { key, status: "rolling_back", version: 0 } }));
    expect(refused.code).toBe("CONFLICT");
    expect(refused.fieldErrors.status?.[0]).toMatch(/request one/);
    expect((await read(key)).status).toBe("detected");
    expect(await db.auditEvent.count()).toBe(auditBefore);

    const t0 = Date.now();
    const first = await requestRollback({ ctx, input: { key, idempotencyKey: randomUUID(), target: "v2.13.4", runbook: "quick", reason: "Errors after the deploy" } });
    const rolling = await read(key);
    expect(rolling.status).toBe("rolling_back");
    for (const at of [rolling.acknowledgedAt, rolling.decidedAt, rolling.rollbackStartedAt]) expect(at?.getTime()).toBeGreaterThanOrEqual(t0 - 1000);
    expect(rolling.rollbackCompletedAt).toBeNull();

    // While the run has not finished, nobody moves the incident off rolling back.
    const early = await appError(changeStatus({ ctx, input: { key, status: "monitoring", version: rolling.version } }));
    expect(early.message).toMatch(/still running: finish or abort it first/);

    // Aborted: the rollback did not complete, so the incident goes back to investigating.
    const run = await db.run.findUniqueOrThrow({ where: { requestId: first.id } });
    await operateRun({ ctx, input: { runId: run.id, action: "abort", reason: "wrong runbook" } });
    const back = await read(key);
    expect(back.status).toBe("investigating");
    expect(back.rollbackCompletedAt).toBeNull();

    // A second rollback keeps the first decision and start times (time-to-decide is measured once).
    await requestRollback({ ctx, input: { key, idempotencyKey: randomUUID(), target: "v2.13.4", runbook: "quick", reason: "Second try" } });
    const again = await read(key);
    expect(again.status).toBe("rolling_back");
    expect(again.decidedAt).toEqual(rolling.decidedAt);
    expect(again.rollbackStartedAt).toEqual(rolling.rollbackStartedAt);
    expect(again.acknowledgedAt).toEqual(rolling.acknowledgedAt);

    const events = await db.timelineEvent.findMany({ where: { incident: { key }, kind: "status_changed" }, orderBy: { id: "asc" }, select: { payload: true } });
    expect(events.map((e) => [(e.payload as { from: string }).from, (e.payload as { to: string }).to])).toEqual([
      ["detected", "rolling_back"],
      ["rolling_back", "investigating"],
      ["investigating", "rolling_back"],
    ]);
  });

  it("refuses an edit made against a stale version and changes nothing", async () => {
    const { ctx, key } = await declared();
    await changeStatus({ ctx, input: { key, status: "investigating", version: 0 } });
    const before = await read(key);
    const auditBefore = await db.auditEvent.count();

    const err = await appError(changeStatus({ ctx, input: { key, status: "resolved", version: 0 } }));
    expect(err.code).toBe("CONFLICT");
    expect(err.message).toMatch(/Someone else changed this incident/);
    expect(await read(key)).toEqual(before);
    expect(await db.auditEvent.count()).toBe(auditBefore);
  });

  it("treats closed as final", async () => {
    const { ctx, key } = await declared();
    await changeStatus({ ctx, input: { key, status: "resolved", version: 0 } });
    await changeStatus({ ctx, input: { key, status: "closed", version: 1 } });
    const closed = await read(key);
    expect(closed.status).toBe("closed");
    expect(closed.closedAt).not.toBeNull();

    for (const status of ["detected", "investigating", "rolling_back", "monitoring", "resolved", "closed"]) {
      const err = await appError(changeStatus({ ctx, input: { key, status, version: closed.version } }));
      expect(err.code).toBe("CONFLICT");
    }
    expect(await read(key)).toEqual(closed);
  });

  it("refuses a viewer", async () => {
    const { key } = await declared();
    const viewer = await userCtx("viewer");
    const err = await appError(changeStatus({ ctx: viewer, input: { key, status: "resolved", version: 0 } }));
    expect(err.code).toBe("FORBIDDEN");
    expect((await read(key)).status).toBe("detected");
  });

  it("does not happen when its audit row cannot be written", async () => {
    const { ctx, key } = await declared();
    const before = await read(key);
    // The audit insert fails inside the verb's own transaction.
    await withAuditDown(db, () => expect(changeStatus({ ctx, input: { key, status: "investigating", version: 0 } })).rejects.toThrow(/audit store unavailable/));
    expect(await read(key)).toEqual(before);

    // With the audit store back, the same edit (same version) goes through.
    await changeStatus({ ctx, input: { key, status: "investigating", version: 0 } });
    expect((await read(key)).status).toBe("investigating");
  });
});

describe("concurrent declarations", () => {
  it("give ten distinct consecutive keys and keep the audit chain intact", async () => {
    const ctx = await userCtx("teamlead");
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => createIncident({ ctx, input: validInput({ title: `Parallel ${i}` }) })),
    );
    const numbers = results.map((r) => keyNumber(r.key)).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(10);
    expect(numbers.at(-1)! - numbers[0]!).toBe(9);

    const chain = await verifyAuditChain(db);
    expect(chain).toEqual({ ok: true, checked: await db.auditEvent.count() });
  });
});
