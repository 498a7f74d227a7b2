import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { appError } from "../../test/app-error";
import type { Db } from "../db/client";
import type { Ctx } from "../auth/actor";
import type { RoleName } from "../auth/permissions";
import { setEnv } from "../env";
import { createIncident } from "../incidents/create-incident";
import { requestRollback } from "./request-rollback";
import { breakGlass } from "./decide-request";
import { breakGlassOffer } from "./queries";
import { runbook, runbookDir } from "../runs/testing/harness";

// Break-glass overrides a pending approval gate. A requester who may not approve their own request
// must not be able to override it either, unless the policy says so (approval.breakGlass).

type UserCtx = Ctx & { actor: { type: "user"; id: string; role: RoleName; email: string; name: string } };

const DEFAULT_POLICY = "policy/default.yaml";
const JUSTIFICATION = "Checkout is down for every customer and no team lead answers.";

let db: Db;
let drop: () => Promise<void>;
let serviceId: string;
let dir: string;

/** The default policy with MEDIUM's approval replaced, written to a file of its own. */
function policyWithMediumApproval(approval: string): string {
  const text = readFileSync(path.resolve(DEFAULT_POLICY), "utf8");
  const old = "approval: { mode: role, roles: [teamlead], selfApproval: false, expiresMinutes: 60 }";
  expect(text).toContain(old);
  const file = path.join(dir, `policy-${randomUUID()}.yaml`);
  writeFileSync(file, text.replace(old, `approval: ${approval}`));
  return file;
}

beforeAll(async () => {
  setEnv("POLICY_FILE", DEFAULT_POLICY);
  dir = mkdtempSync(path.join(tmpdir(), "rollcall-bg-"));
  runbookDir().write(runbook("checkout-rollback", [{ id: "one", title: "Roll back", executor: "shell", params: { argv: ["echo", "rolled back"] } }], {
    parameters: [{ name: "version", type: "version", required: true }],
  }));
  ({ db, drop } = await freshDatabase("bglass"));
  serviceId = (await db.service.create({ data: { name: "Checkout", tier: "Critical", rtoMinutes: 5, rpoMinutes: 1, ownerTeam: "Payments", lastKnownGoodVersion: "v2.13.4" } })).id;
});

afterAll(async () => {
  setEnv("POLICY_FILE", DEFAULT_POLICY);
  rmSync(dir, { recursive: true, force: true });
  await drop?.();
});

async function userCtx(role: RoleName): Promise<UserCtx> {
  const u = await db.user.create({
    data: { email: `${role}-${randomUUID()}@example.test`, name: `Test ${role}`, role },
    select: { id: true, email: true, name: true, role: true },
  });
  return { actor: { type: "user", ...u }, ip: "203.0.113.9" };
}

/** A MEDIUM incident with a rollback waiting for a team lead, requested by `by`. */
async function pendingMedium(by: UserCtx) {
  const inc = await createIncident({ ctx: by, input: { title: `Slow checkout ${randomUUID().slice(0, 8)}`, severity: "MEDIUM", triggerId: "performance_degradation", serviceIds: [serviceId] } });
  const r = await requestRollback({
    ctx: by,
    input: { key: inc.key, idempotencyKey: randomUUID(), scope: "application", target: "v2.13.4", runbook: "checkout-rollback", reason: "Latency tripled after the deploy" },
  });
  expect(r.status).toBe("pending");
  return { id: r.id, key: inc.key };
}

const row = (id: string) => db.rollbackRequest.findUniqueOrThrow({ where: { id }, select: { status: true, breakGlassReason: true, breakGlassRoles: true, breakGlassOwnRequest: true, incident: { select: { flaggedForReview: true } } } });

describe("break-glass by the requester", () => {
  it("default policy: the requester is refused (nothing changes); another on-call engineer may override", async () => {
    setEnv("POLICY_FILE", DEFAULT_POLICY);
    const requester = await userCtx("oncall");
    const r = await pendingMedium(requester);

    const err = await appError(breakGlass({ ctx: requester, input: { requestId: r.id, justification: JUSTIFICATION } }));
    expect(err.code).toBe("FORBIDDEN");
    expect(err.message).toMatch(/^You asked for this rollback, so you cannot break glass on it/);
    expect(await row(r.id)).toMatchObject({ status: "pending", breakGlassReason: null, incident: { flaggedForReview: false } });
    expect(await db.timelineEvent.count({ where: { kind: "break_glass", incident: { key: r.key } } })).toBe(0);

    const other = await userCtx("oncall");
    expect(await breakGlass({ ctx: other, input: { requestId: r.id, justification: JUSTIFICATION } })).toEqual({ status: "overridden" });
    expect(await row(r.id)).toMatchObject({ status: "overridden", breakGlassReason: JUSTIFICATION, incident: { flaggedForReview: true } });
  });

  it("a policy that allows it (ownRequest: true) lets the requester override their own request", async () => {
    setEnv("POLICY_FILE", policyWithMediumApproval("{ mode: role, roles: [teamlead], breakGlass: { ownRequest: true } }"));
    const requester = await userCtx("oncall");
    const r = await pendingMedium(requester);
    expect(await row(r.id)).toMatchObject({ breakGlassRoles: [], breakGlassOwnRequest: true });
    expect(await breakGlass({ ctx: requester, input: { requestId: r.id, justification: JUSTIFICATION } })).toEqual({ status: "overridden" });
  });

  it("a policy that names roles refuses others, whoever they are", async () => {
    setEnv("POLICY_FILE", policyWithMediumApproval("{ mode: role, roles: [teamlead], breakGlass: { roles: [teamlead, admin] } }"));
    const r = await pendingMedium(await userCtx("oncall"));
    const err = await appError(breakGlass({ ctx: await userCtx("oncall"), input: { requestId: r.id, justification: JUSTIFICATION } }));
    expect(err.code).toBe("FORBIDDEN");
    expect(err.message).toBe("Under the policy only teamlead or admin may break glass on a MEDIUM request.");
    expect((await row(r.id)).status).toBe("pending");
    expect(await breakGlass({ ctx: await userCtx("teamlead"), input: { requestId: r.id, justification: JUSTIFICATION } })).toEqual({ status: "overridden" });
  });

  it("the rule is the one in force when the rollback was requested", async () => {
    setEnv("POLICY_FILE", policyWithMediumApproval("{ mode: role, roles: [teamlead], breakGlass: { ownRequest: true } }"));
    const requester = await userCtx("oncall");
    const allowed = await pendingMedium(requester);
    setEnv("POLICY_FILE", DEFAULT_POLICY);
    const refused = await pendingMedium(requester);
    expect(await breakGlass({ ctx: requester, input: { requestId: allowed.id, justification: JUSTIFICATION } })).toEqual({ status: "overridden" });
    expect((await appError(breakGlass({ ctx: requester, input: { requestId: refused.id, justification: JUSTIFICATION } }))).code).toBe("FORBIDDEN");
  });

  it("the page offers break-glass only where the verb allows it, and says why not", async () => {
    setEnv("POLICY_FILE", DEFAULT_POLICY);
    const requester = await userCtx("oncall");
    const r = await pendingMedium(requester);
    const req = await db.rollbackRequest.findUniqueOrThrow({ where: { id: r.id } });
    expect(breakGlassOffer(requester.actor, req)).toEqual({ offered: false, why: expect.stringMatching(/^You asked for this rollback/) as string });
    expect(breakGlassOffer((await userCtx("oncall")).actor, req)).toEqual({ offered: true, why: null });
    // No permission to break glass at all: nothing offered, nothing explained.
    expect(breakGlassOffer((await userCtx("viewer")).actor, req)).toEqual({ offered: false, why: null });
  });
});
