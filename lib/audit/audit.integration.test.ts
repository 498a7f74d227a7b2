import { spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import type { Db } from "../db/client";
import type { Ctx } from "../auth/actor";
import { freePort, startEmbeddedPostgres } from "../db/embedded";
import { checkReachable } from "../setup/database";
import { createIncident } from "../incidents/create-incident";
import { changeStatus } from "../incidents/change-status";
import { updateImpact } from "../incidents/update-impact";
import { addNote } from "../incidents/add-note";
import { updateService } from "../services/catalog-verbs";
import { createUser } from "../users/manage-users";
import { auditHash } from "./hash";
import { verifyAuditChain } from "./verify";

const ROOT = path.resolve(import.meta.dirname, "../..");
const drops: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const drop of drops) await drop();
});

const ACTIONS = ["user.create", "incident.declare", "incident.status", "incident.impact", "incident.note", "service.update"];

/** A fresh database whose audit trail was written by real verbs (at least one row per ACTIONS entry). */
async function auditedDatabase(): Promise<{ db: Db; url: string; ids: bigint[] }> {
  const fresh = await freshDatabase("audit");
  drops.push(fresh.drop);
  const { db } = fresh;
  const admin = await db.user.create({
    data: { email: "ada@example.test", name: "Ada Admin", role: "admin" },
    select: { id: true, email: true, name: true, role: true },
  });
  const ctx: Ctx = { actor: { type: "user", ...admin }, ip: "198.51.100.4" };
  const svc = await db.service.create({
    data: { name: "Core API", tier: "Critical", rtoMinutes: 5, rpoMinutes: 1, ownerTeam: "Platform" },
  });

  await createUser({ ctx, input: { email: "omar@example.test", name: "Omar", role: "oncall", password: "correct horse battery" } });
  const inc = await createIncident({
    ctx,
    input: { title: "Core API 502s", trigger: "Error rate > 5%", severity: "CRITICAL", serviceIds: [svc.id] },
  });
  await changeStatus({ ctx, input: { key: inc.key, status: "investigating", version: 0 } });
  // Bigint cents and null fields go through jsonb: the hash must survive the round trip.
  await updateImpact({ ctx, input: { key: inc.key, version: 1, usersAffected: "1200", revenueImpact: "1234.56", dataLoss: "" } });
  await addNote({ ctx, input: { key: inc.key, note: "Rolled back to v2.13.4 — «ünïcødé» ✓" } });
  await updateService({
    ctx,
    input: { id: svc.id, name: svc.name, tier: "Critical", rtoMinutes: "10", rpoMinutes: "2", ownerTeam: "Platform", currentVersion: "v2.13.4", lastKnownGoodVersion: "v2.13.4" },
  });

  const rows = await db.auditEvent.findMany({ orderBy: { id: "asc" }, select: { id: true, action: true } });
  // In the order the verbs ran; a verb may add rows of its own (declaring also records the decision).
  const actions = rows.map((r) => r.action);
  expect(actions.filter((a) => ACTIONS.includes(a))).toEqual(ACTIONS);
  expect(rows.length).toBeGreaterThanOrEqual(ACTIONS.length);
  return { db, url: fresh.url, ids: rows.map((r) => r.id) };
}

type Run = { code: number | null; out: string };

function runVerify(envOverrides: Record<string, string | undefined>): Promise<Run> {
  const env = { ...process.env, ...envOverrides };
  for (const [k, v] of Object.entries(envOverrides)) if (v === undefined) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, "node_modules", ".bin", "tsx"), [path.join(ROOT, "scripts", "audit-verify.ts")], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, out }));
  });
}

describe("verifyAuditChain", () => {
  it("accepts the chain the verbs wrote and counts every row", async () => {
    const { db, ids } = await auditedDatabase();
    expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: ids.length });
    // Small batches exercise the keyset paging across batch boundaries.
    expect(await verifyAuditChain(db, 4)).toEqual({ ok: true, checked: ids.length });
  });

  it("stays one unbroken chain when verbs run at once", async () => {
    const { db } = await auditedDatabase();
    const admin = await db.user.findFirstOrThrow({ where: { role: "admin" }, select: { id: true, email: true, name: true, role: true } });
    const ctx: Ctx = { actor: { type: "user", ...admin } };
    const keys = (await db.incident.findMany({ select: { key: true } })).map((i) => i.key);
    // Notes share no row lock, so only the chain's own serialisation keeps two appends off one parent.
    await Promise.all(Array.from({ length: 12 }, (_, i) => addNote({ ctx, input: { key: keys[0]!, note: `parallel ${i}` } })));
    const res = await verifyAuditChain(db);
    expect(res).toEqual({ ok: true, checked: await db.auditEvent.count() });
  });

  it("points at a row edited by hand", async () => {
    const { db, ids } = await auditedDatabase();
    const target = ids[2]!;
    await db.$executeRawUnsafe(`update "AuditEvent" set "after" = '{"status":"resolved"}'::jsonb where id = ${target}`);
    expect(await verifyAuditChain(db)).toEqual({
      ok: false,
      checked: 2,
      brokenAt: target.toString(),
      reason: "row content does not match its hash",
    });
  });

  it("still detects an edit whose own hash was recomputed, at the next row", async () => {
    const { db, ids } = await auditedDatabase();
    const target = ids[1]!;
    const row = await db.auditEvent.findUniqueOrThrow({ where: { id: target } });
    const { id: _id, prevHash, hash: _old, ...content } = row;
    const hash = auditHash(prevHash, { ...content, actorLabel: "Someone Else" });
    await db.$executeRawUnsafe(`update "AuditEvent" set "actorLabel" = 'Someone Else', hash = '${hash}' where id = ${target}`);
    const res = await verifyAuditChain(db);
    expect(res).toMatchObject({ ok: false, brokenAt: ids[2]!.toString(), reason: "previous hash does not match the row before it" });
  });

  it("detects a deleted middle row at the row after it", async () => {
    const { db, ids } = await auditedDatabase();
    await db.$executeRawUnsafe(`delete from "AuditEvent" where id = ${ids[3]}`);
    expect(await verifyAuditChain(db)).toEqual({
      ok: false,
      checked: 3,
      brokenAt: ids[4]!.toString(),
      reason: "previous hash does not match the row before it",
    });
  });
});

describe("npm run audit:verify", () => {
  it("exits 0 on an intact chain and 2, naming the row, on a tampered one", async () => {
    const { db, url, ids } = await auditedDatabase();
    const good = await runVerify({ DATABASE_URL: url });
    expect(good.code, good.out).toBe(0);
    expect(good.out).toContain(`audit chain OK: ${ids.length} rows`);

    await db.$executeRawUnsafe(`update "AuditEvent" set "ip" = '192.0.2.1' where id = ${ids[4]}`);
    const bad = await runVerify({ DATABASE_URL: url });
    expect(bad.code, bad.out).toBe(2);
    expect(bad.out).toContain(`audit chain BROKEN at row ${ids[4]}: row content does not match its hash`);
  });

  it("exits 1 with one clear line when the database cannot be reached", async () => {
    const port = await freePort();
    const res = await runVerify({ DATABASE_URL: `postgresql://postgres:x@127.0.0.1:${port}/rollcall` });
    expect(res.code, res.out).toBe(1);
    expect(res.out).toMatch(new RegExp(`cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port}/rollcall`));
  });

  it("without DATABASE_URL starts the embedded database, reports an unmigrated one, and stops it again", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "rollcall-audit-cli-"));
    await chmod(dir, 0o755);
    try {
      const res = await runVerify({ DATABASE_URL: undefined, DATA_DIR: dir, EMBEDDED_PG_PORT: String(await freePort()) });
      expect(res.code, res.out).toBe(1);
      expect(res.out).toContain("the database has no audit table; apply migrations first");
      // A postmaster left running would hold the data directory and the port.
      expect(existsSync(path.join(dir, "postgres", "PG_VERSION"))).toBe(true);
      expect(existsSync(path.join(dir, "postgres", "postmaster.pid"))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("without DATABASE_URL leaves a running Rollcall's embedded database alone", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "rollcall-audit-live-"));
    await chmod(dir, 0o755);
    const live = await startEmbeddedPostgres({ dataDir: path.join(dir, "postgres") });
    try {
      const res = await runVerify({ DATABASE_URL: undefined, DATA_DIR: dir, EMBEDDED_PG_PORT: String(await freePort()) });
      expect(res.code, res.out).toBe(1);
      expect(res.out).toMatch(/embedded PostgreSQL is running \(pid \d+\); stop Rollcall first, or set DATABASE_URL/);
      expect(await checkReachable(live.url())).toBeNull();
    } finally {
      await live.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
