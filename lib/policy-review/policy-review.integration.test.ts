import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { appError } from "../../test/app-error";
import { withAuditDown } from "../../test/audit-down";
import type { Db } from "../db/client";
import type { Ctx } from "../auth/actor";
import type { RoleName } from "../auth/permissions";
import { setEnv } from "../env";
import { policyState } from "../decisions/policy-registry";
import { setupChecklist } from "../setup/checklist";
import { setupCounts } from "../setup/checklist-queries";
import { POLICY_REVIEWED_KEY } from "./schemas";
import { policyReview } from "./queries";
import { reviewPolicy } from "./review-policy";

// Marking the decision matrix as reviewed, and the first-run checklist's counts, against a real
// PostgreSQL and a policy file the test edits (its version is a hash of the content).

const DEFAULT_POLICY = "policy/default.yaml";
let db: Db;
let drop: () => Promise<void>;
let dir: string;
let file: string;
let mtime = 1_000_000;
const ctxs = {} as Record<RoleName, Ctx & { actor: { type: "user"; id: string; name: string } }>;

/** Writes the policy file with a different name line, so it loads as a new version. */
function writePolicy(name: string): string {
  const text = readFileSync(DEFAULT_POLICY, "utf8").replace(/^name: .*$/m, `name: ${name}`);
  writeFileSync(file, text);
  mtime += 1_000_000;
  utimesSync(file, new Date(mtime), new Date(mtime));
  const active = policyState().active;
  expect(active?.policy.name).toBe(name);
  return active!.version;
}

async function stored() {
  const [setting, audit] = await Promise.all([
    db.setting.findUnique({ where: { key: POLICY_REVIEWED_KEY }, select: { value: true } }),
    db.auditEvent.findMany({ where: { action: "policy.review" }, orderBy: { id: "asc" }, select: { actorId: true, actorRole: true, targetId: true, before: true, after: true, ip: true } }),
  ]);
  return { setting: setting?.value ?? null, audit };
}

beforeAll(async () => {
  ({ db, drop } = await freshDatabase("polrev"));
  dir = mkdtempSync(path.join(tmpdir(), "rollcall-polrev-"));
  file = path.join(dir, "policy.yaml");
  writeFileSync(file, readFileSync(DEFAULT_POLICY, "utf8"));
  setEnv("POLICY_FILE", file);
  for (const role of ["viewer", "oncall", "teamlead", "productowner", "admin"] as const) {
    const u = await db.user.create({ data: { email: `${role}@polrev.test`, name: `Person ${role}`, role, passwordHash: "x" } });
    ctxs[role] = { actor: { type: "user", id: u.id, email: u.email, name: u.name, role }, ip: "203.0.113.9" };
  }
});

afterAll(async () => {
  setEnv("POLICY_FILE", DEFAULT_POLICY);
  if (dir) rmSync(dir, { recursive: true, force: true });
  await drop?.();
});

describe("policy review", () => {
  it("refuses every role but admin, and writes nothing", async () => {
    const version = writePolicy("Matrix one");
    for (const role of ["viewer", "oncall", "teamlead", "productowner"] as const) {
      const err = await appError(reviewPolicy({ ctx: ctxs[role], input: { version } }));
      expect(err.code).toBe("FORBIDDEN");
      expect(err.message).toContain("settings.manage");
    }
    expect(await stored()).toEqual({ setting: null, audit: [] });
    expect(await policyReview()).toBeNull();
  });

  it("an admin reviews the active version: the setting says who and when, and one audit row says so too", async () => {
    const version = writePolicy("Matrix one");
    const before = Date.now();
    const review = await reviewPolicy({ ctx: ctxs.admin, input: { version } });
    expect(review).toEqual({ version, byId: ctxs.admin.actor.id, byLabel: "Person admin", at: expect.any(String) as string });
    expect(Date.parse(review.at)).toBeGreaterThanOrEqual(before);
    expect(await policyReview()).toEqual(review);
    const { setting, audit } = await stored();
    expect(setting).toEqual(review);
    expect(audit).toEqual([{ actorId: ctxs.admin.actor.id, actorRole: "admin", targetId: version, before: null, after: review, ip: "203.0.113.9" }]);
  });

  it("refuses a version that is no longer active, with a message that says so, and keeps the old review", async () => {
    const reviewed = (await policyReview())!;
    const now = writePolicy("Matrix two");
    expect(now).not.toBe(reviewed.version);
    const err = await appError(reviewPolicy({ ctx: ctxs.admin, input: { version: reviewed.version } }));
    expect(err.code).toBe("CONFLICT");
    expect(err.message).toBe(`The policy changed while you were reading it: version ${reviewed.version} is no longer active (${now} is). Reload the page and review the new version.`);
    expect(await policyReview()).toEqual(reviewed);
    expect((await stored()).audit).toHaveLength(1);

    const missing = await appError(reviewPolicy({ ctx: ctxs.admin, input: { version: "  " } }));
    expect(missing.fieldErrors.version).toEqual(["Say which policy version you reviewed."]);
    expect((await stored()).audit).toHaveLength(1);
  });

  it("writes no review when the audit row cannot be written", async () => {
    const reviewed = (await policyReview())!;
    const now = policyState().active!.version;
    await withAuditDown(db, async () => {
      await expect(reviewPolicy({ ctx: ctxs.admin, input: { version: now } })).rejects.toThrow(/audit store unavailable/);
    });
    expect(await policyReview()).toEqual(reviewed);
    expect((await stored()).audit).toHaveLength(1);

    // With the audit store back, the same review goes through and its audit row names the one it replaces.
    const second = await reviewPolicy({ ctx: ctxs.admin, input: { version: now } });
    const { audit } = await stored();
    expect(audit.map((a) => [a.targetId, a.before, a.after])).toEqual([
      [reviewed.version, null, reviewed],
      [now, reviewed, second],
    ]);
  });
});

describe("first-run checklist counts", () => {
  const undone = async () => setupChecklist(await setupCounts()).items.filter((i) => !i.done).map((i) => i.id);

  it("ticks each item as the real rows arrive, and is hidden once all are there", async () => {
    // A database of its own: the policy tests above already reviewed and created users.
    const fresh = await freshDatabase("checklist");
    try {
      const t = fresh.db;
      const version = writePolicy("Matrix three");
      const admin = await t.user.create({ data: { email: "ada@check.test", name: "Ada", role: "admin", passwordHash: "x" } });
      const adminCtx: Ctx = { actor: { type: "user", id: admin.id, email: admin.email, name: admin.name, role: "admin" } };
      expect(await undone()).toEqual(["services", "matrix", "channel", "contacts", "team", "drill"]);
      expect(setupChecklist(await setupCounts()).visible).toBe(true);

      // Archived services do not count.
      await t.service.create({ data: { name: "Old", tier: "Low", rtoMinutes: 60, rpoMinutes: 60, ownerTeam: "X", archivedAt: new Date() } });
      expect(await undone()).toContain("services");
      await t.service.create({ data: { name: "Core API", tier: "Critical", rtoMinutes: 5, rpoMinutes: 1, ownerTeam: "Platform" } });
      expect(await undone()).toEqual(["matrix", "channel", "contacts", "team", "drill"]);

      await reviewPolicy({ ctx: adminCtx, input: { version } });
      expect(await undone()).toEqual(["channel", "contacts", "team", "drill"]);
      writePolicy("Matrix four");
      const changed = setupChecklist(await setupCounts()).items.find((i) => i.id === "matrix")!;
      expect([changed.done, changed.why]).toEqual([false, "The policy changed since it was reviewed."]);
      await reviewPolicy({ ctx: adminCtx, input: { version: policyState().active!.version } });
      expect(await undone()).toEqual(["channel", "contacts", "team", "drill"]);

      // A message that is not a channel test, and a channel test that failed, do not count.
      const channel = await t.channel.create({ data: { name: "ops", kind: "webhook", configEncrypted: "x" } });
      const other = await t.message.create({ data: { audience: "internal", subject: "s", body: "b", trigger: null } });
      await t.delivery.create({ data: { messageId: other.id, channelId: channel.id, channelName: "ops", status: "delivered", deliveredAt: new Date() } });
      const test = await t.message.create({ data: { audience: "internal", subject: "Test", body: "Test", trigger: "channel_test" } });
      await t.delivery.create({ data: { messageId: test.id, channelId: channel.id, channelName: "ops", status: "failed" } });
      expect(await undone()).toContain("channel");
      await t.delivery.create({ data: { messageId: test.id, channelId: channel.id, channelName: "ops", status: "delivered", deliveredAt: new Date() } });
      expect(await undone()).toEqual(["contacts", "team", "drill"]);

      await t.contact.create({ data: { name: "CTO", title: "Escalation contact" } });
      expect(await undone()).toEqual(["contacts", "team", "drill"]);
      await t.escalationPathVersion.create({ data: { version: 1, steps: [], createdByLabel: "Ada" } });
      expect(await undone()).toEqual(["team", "drill"]);

      // Other admins, deactivated users and pending invitations are not the team yet.
      await t.user.create({ data: { email: "second@check.test", name: "Second admin", role: "admin", passwordHash: "x" } });
      await t.user.create({ data: { email: "gone@check.test", name: "Gone", role: "oncall", passwordHash: "x", active: false } });
      await t.user.create({ data: { email: "invited@check.test", name: "Invited", role: "oncall", inviteTokenHash: "a".repeat(64), inviteExpiresAt: new Date(Date.now() + 86_400_000) } });
      expect(await undone()).toEqual(["team", "drill"]);
      await t.user.create({ data: { email: "omar@check.test", name: "Omar", role: "oncall", passwordHash: "x" } });
      expect(await undone()).toEqual(["drill"]);

      const run = { runbookName: "feature-flag", runbookTitle: "Flag", runbookVersion: "1", runbookSnapshot: {}, params: {}, startedByLabel: "Omar" };
      await t.run.create({ data: { ...run, mode: "drill", status: "failed" } });
      await t.run.create({ data: { ...run, mode: "dry_run", status: "succeeded" } });
      expect(await undone()).toEqual(["drill"]);
      await t.run.create({ data: { ...run, mode: "drill", status: "succeeded" } });
      expect(await undone()).toEqual([]);
      expect(setupChecklist(await setupCounts()).visible).toBe(false);
    } finally {
      await fresh.drop();
    }
  });
});
