import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
import { setEnv } from "../env";
import { auditHmac, canonicalJson, GENESIS_HASH, type AuditContent } from "./hash";
import { auditKey } from "./key";
import { ANCHOR_FILE, appendAnchor, AuditAnchorer, readAnchors, readHead } from "./anchor";
import { verifyAuditChain } from "./verify";

const ROOT = path.resolve(import.meta.dirname, "../..");
const drops: (() => Promise<void>)[] = [];
const KEY = randomBytes(32).toString("base64");

beforeAll(() => {
  // The key the verbs chain with, and the one the audit:verify child process reads.
  setEnv("AUDIT_HMAC_KEY", KEY);
});

afterAll(async () => {
  for (const drop of drops) await drop();
});

/** A fresh directory for anchors (AUDIT_ANCHOR_DIR). */
function anchorDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rollcall-anchors-"));
  drops.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs SQL as the table's owner with the append-only trigger off: what someone with the database can do. */
async function tamper(db: Db, ...sql: string[]) {
  await db.$executeRawUnsafe(`alter table "AuditEvent" disable trigger user`);
  try {
    for (const q of sql) await db.$executeRawUnsafe(q);
  } finally {
    await db.$executeRawUnsafe(`alter table "AuditEvent" enable trigger user`);
  }
}

type Row = Awaited<ReturnType<Db["auditEvent"]["findMany"]>>[number];
const contentOf = ({ id: _id, prevHash: _p, hash: _h, ...c }: Row): AuditContent => c;

/** What anyone with the database could compute before the chain was keyed: plain SHA-256. */
function sha256Hash(prevHash: string, row: AuditContent): string {
  return createHash("sha256").update(prevHash).update("\n").update(canonicalJson({ ...row, at: row.at.toISOString() })).digest("hex");
}

/** Rewrites every row from `fromId` on with `hash`, each linked to the one before: a whole new tail. */
async function rehashFrom(db: Db, fromId: bigint, hash: (prev: string, row: AuditContent) => string, edit: (row: Row) => Row = (r) => r) {
  const rows = await db.auditEvent.findMany({ orderBy: { id: "asc" } });
  let prev = GENESIS_HASH;
  const updates: string[] = [];
  for (const original of rows) {
    if (original.id < fromId) {
      prev = original.hash;
      continue;
    }
    const row = original.id === fromId ? edit(original) : original;
    const h = hash(prev, contentOf(row));
    updates.push(`update "AuditEvent" set "actorLabel" = '${row.actorLabel.replace(/'/g, "''")}', "prevHash" = '${prev}', hash = '${h}' where id = ${row.id}`);
    prev = h;
  }
  // Hashes are unique: clear the tail first so the new values never collide with old ones mid-way.
  await tamper(db, `update "AuditEvent" set hash = 'x' || id where id >= ${fromId}`, ...updates);
}

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
  envOverrides = { AUDIT_ANCHOR_DIR: anchorDir(), ...envOverrides };
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
    expect(await verifyAuditChain(db, { batch: 4 })).toEqual({ ok: true, checked: ids.length });
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
    await tamper(db, `update "AuditEvent" set "after" = '{"status":"resolved"}'::jsonb where id = ${target}`);
    expect(await verifyAuditChain(db)).toEqual({
      ok: false,
      checked: 2,
      brokenAt: target.toString(),
      reason: "row content does not match its hash",
    });
  });

  it("still detects an edit whose own hash was recomputed (even with the key), at the next row", async () => {
    const { db, ids } = await auditedDatabase();
    const target = ids[1]!;
    const row = await db.auditEvent.findUniqueOrThrow({ where: { id: target } });
    const hash = auditHmac(auditKey(), row.prevHash, { ...contentOf(row), actorLabel: "Someone Else" });
    await tamper(db, `update "AuditEvent" set "actorLabel" = 'Someone Else', hash = '${hash}' where id = ${target}`);
    const res = await verifyAuditChain(db);
    expect(res).toMatchObject({ ok: false, brokenAt: ids[2]!.toString(), reason: "previous hash does not match the row before it" });
  });

  it("detects a deleted middle row at the row after it", async () => {
    const { db, ids } = await auditedDatabase();
    await tamper(db, `delete from "AuditEvent" where id = ${ids[3]}`);
    expect(await verifyAuditChain(db)).toEqual({
      ok: false,
      checked: 3,
      brokenAt: ids[4]!.toString(),
      reason: "previous hash does not match the row before it",
    });
  });
});

describe("the keyed chain", () => {
  it("a row edited and every later hash recomputed, as anyone with the database can (SHA-256), fails verification", async () => {
    const { db, ids } = await auditedDatabase();
    await rehashFrom(db, ids[2]!, sha256Hash, (r) => ({ ...r, actorLabel: "Someone Else" }));
    expect(await verifyAuditChain(db)).toEqual({
      ok: false,
      checked: 2,
      brokenAt: ids[2]!.toString(),
      reason: "hashed without the audit key after the keyed chain began: rewritten",
    });
  });

  it("a tail recomputed under another key fails too", async () => {
    const { db, ids } = await auditedDatabase();
    const other = randomBytes(32);
    await rehashFrom(db, ids[3]!, (prev, row) => auditHmac(other, prev, row), (r) => ({ ...r, actorLabel: "Someone Else" }));
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, checked: 3, brokenAt: ids[3]!.toString(), reason: "row content does not match its hash" });
  });

  it("legacy rows (written before the key) verify as a prefix; once anchored, a chain rewritten without the key fails", async () => {
    const { db } = await auditedDatabase();
    // Upgrade story: the rows so far become what an older Rollcall wrote (plain SHA-256)...
    const first = (await db.auditEvent.findFirstOrThrow({ orderBy: { id: "asc" } })).id;
    await rehashFrom(db, first, sha256Hash);
    const legacy = await db.auditEvent.count();
    expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: legacy, legacy });
    // ...the new version anchors them at start-up and appends keyed rows after them.
    const dir = anchorDir();
    appendAnchor(dir, auditKey(), await readHead(db), new Date());
    const admin = await db.user.findFirstOrThrow({ where: { role: "admin" }, select: { id: true, email: true, name: true, role: true } });
    const key = (await db.incident.findFirstOrThrow({ select: { key: true } })).key;
    await addNote({ ctx: { actor: { type: "user", ...admin } }, input: { key, note: "after the upgrade" } });
    const total = await db.auditEvent.count();
    const { anchors } = readAnchors(dir, auditKey());
    expect(await verifyAuditChain(db, { anchors })).toEqual({ ok: true, checked: total, legacy, anchored: 1 });

    // The whole chain rewritten without the key (legacy from the first row) no longer passes as legacy.
    await rehashFrom(db, first, sha256Hash, (r) => ({ ...r, actorLabel: "Someone Else" }));
    expect(await verifyAuditChain(db, { anchors })).toMatchObject({ ok: false, brokenAt: anchors[0]!.headId, reason: expect.stringMatching(/^the row differs from the anchor written .*: the chain was rewritten$/) as string });
  });
});

describe("anchors outside the database", () => {
  it("deleting the newest rows fails against an anchor (and passes without one: that is what anchors are for)", async () => {
    const { db, ids } = await auditedDatabase();
    const dir = anchorDir();
    const anchor = appendAnchor(dir, auditKey(), await readHead(db), new Date("2026-11-29T10:00:00.000Z"));
    expect(anchor).toMatchObject({ rows: ids.length, headId: ids.at(-1)!.toString() });
    const { anchors, problems } = readAnchors(dir, auditKey());
    expect(problems).toEqual([]);
    expect(await verifyAuditChain(db, { anchors })).toEqual({ ok: true, checked: ids.length, anchored: 1 });

    await tamper(db, `delete from "AuditEvent" where id >= ${ids.at(-2)}`);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: ids.length - 2 });
    expect(await verifyAuditChain(db, { anchors })).toEqual({
      ok: false,
      checked: ids.length - 2,
      brokenAt: ids.at(-1)!.toString(),
      reason: `the anchor written 2026-11-29 10:00:00 UTC recorded ${ids.length} rows up to row ${ids.at(-1)}, but the chain has ${ids.length - 2} and ends at row ${ids.at(-3)}: rows were deleted`,
    });
  });

  it("rows deleted and new ones appended after them: the anchored head is gone, verification fails", async () => {
    const { db, ids } = await auditedDatabase();
    const dir = anchorDir();
    appendAnchor(dir, auditKey(), await readHead(db), new Date());
    await tamper(db, `delete from "AuditEvent" where id = ${ids.at(-1)}`);
    const admin = await db.user.findFirstOrThrow({ where: { role: "admin" }, select: { id: true, email: true, name: true, role: true } });
    const key = (await db.incident.findFirstOrThrow({ select: { key: true } })).key;
    await addNote({ ctx: { actor: { type: "user", ...admin } }, input: { key, note: "a chain that links up again" } });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    expect(await verifyAuditChain(db, { anchors: readAnchors(dir, auditKey()).anchors })).toMatchObject({ ok: false, brokenAt: ids.at(-1)!.toString(), reason: expect.stringMatching(/rows were deleted$/) as string });
  });

  it("normal appends after anchors still verify, and an anchor edited by hand fails", async () => {
    const { db } = await auditedDatabase();
    const dir = anchorDir();
    const anchorer = new AuditAnchorer({ db, dir, key: auditKey() });
    expect(await anchorer.tick()).not.toBeNull();
    expect(await anchorer.tick()).toBeNull(); // the head did not move: nothing to add
    const admin = await db.user.findFirstOrThrow({ where: { role: "admin" }, select: { id: true, email: true, name: true, role: true } });
    const key = (await db.incident.findFirstOrThrow({ select: { key: true } })).key;
    await addNote({ ctx: { actor: { type: "user", ...admin } }, input: { key, note: "one more" } });
    // Shutting down anchors the head once more.
    expect(await anchorer.stop()).toMatchObject({ rows: await db.auditEvent.count() });
    const read = readAnchors(dir, auditKey());
    expect(read.anchors).toHaveLength(2);
    expect(await verifyAuditChain(db, read)).toEqual({ ok: true, checked: await db.auditEvent.count(), anchored: 2 });

    const file = path.join(dir, ANCHOR_FILE);
    const lines = (await readFile(file, "utf8")).trim().split("\n");
    await writeFile(file, `${lines[0]!.replace(/"rows":\d+/, '"rows":2')}\n${lines[1]}\n`);
    const edited = readAnchors(dir, auditKey());
    expect(edited.problems).toEqual([{ line: 1, message: "not signed with this audit key (edited by hand, or written under another key)" }]);
    expect(await verifyAuditChain(db, { anchors: edited.anchors, anchorProblems: edited.problems })).toMatchObject({ ok: false, brokenAt: `${ANCHOR_FILE} line 1` });
  });

  it("concurrent appends stay one chain, and anchors taken meanwhile all hold", async () => {
    const { db } = await auditedDatabase();
    const dir = anchorDir();
    const admin = await db.user.findFirstOrThrow({ where: { role: "admin" }, select: { id: true, email: true, name: true, role: true } });
    const key = (await db.incident.findFirstOrThrow({ select: { key: true } })).key;
    const ctx: Ctx = { actor: { type: "user", ...admin } };
    const anchorOnce = async () => appendAnchor(dir, auditKey(), await readHead(db), new Date());
    await Promise.all([
      ...Array.from({ length: 16 }, (_, i) => addNote({ ctx, input: { key, note: `parallel ${i}` } })),
      ...Array.from({ length: 6 }, anchorOnce),
    ]);
    await anchorOnce();
    const { anchors } = readAnchors(dir, auditKey());
    expect(anchors.length).toBeGreaterThanOrEqual(7);
    expect(await verifyAuditChain(db, { anchors })).toEqual({ ok: true, checked: await db.auditEvent.count(), anchored: anchors.length });
  });

  it("an anchor directory that cannot be written is reported, never thrown into the server", async () => {
    const { db } = await auditedDatabase();
    const file = path.join(anchorDir(), "not-a-directory");
    await writeFile(file, "");
    const lines: string[] = [];
    const anchorer = new AuditAnchorer({ db, dir: file, key: auditKey(), log: (l) => lines.push(l) });
    expect(await anchorer.tick()).toBeNull();
    expect(lines.join("\n")).toContain(`[audit] could not anchor the audit chain in ${file}`);
  });
});

describe("the append-only trigger", () => {
  it("refuses UPDATE, DELETE and TRUNCATE on the audit table, from SQL and from Prisma; inserts still work", async () => {
    const { db, ids } = await auditedDatabase();
    const before = await db.auditEvent.findMany({ orderBy: { id: "asc" } });
    for (const sql of [
      `update "AuditEvent" set "actorLabel" = 'Mallory' where id = ${ids[1]}`,
      `delete from "AuditEvent" where id = ${ids.at(-1)}`,
      `truncate "AuditEvent"`,
    ]) {
      await expect(db.$executeRawUnsafe(sql), sql).rejects.toThrow(/the audit trail is append-only: (UPDATE|DELETE|TRUNCATE) on "AuditEvent" is refused/);
    }
    await expect(db.auditEvent.deleteMany({})).rejects.toThrow(/append-only: DELETE/);
    await expect(db.auditEvent.update({ where: { id: ids[0]! }, data: { ip: "192.0.2.1" } })).rejects.toThrow(/append-only: UPDATE/);
    expect(await db.auditEvent.findMany({ orderBy: { id: "asc" } })).toEqual(before);

    const admin = await db.user.findFirstOrThrow({ where: { role: "admin" }, select: { id: true, email: true, name: true, role: true } });
    const key = (await db.incident.findFirstOrThrow({ select: { key: true } })).key;
    await addNote({ ctx: { actor: { type: "user", ...admin } }, input: { key, note: "appends are fine" } });
    expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: before.length + 1 });
  });
});

describe("npm run audit:verify", () => {
  it("exits 0 on an intact chain (and anchors it), and 2, naming the row, on a tampered one", async () => {
    const { db, url, ids } = await auditedDatabase();
    const dir = anchorDir();
    const good = await runVerify({ DATABASE_URL: url, AUDIT_ANCHOR_DIR: dir });
    expect(good.code, good.out).toBe(0);
    expect(good.out).toContain(`audit chain OK: ${ids.length} rows`);
    expect(good.out).toContain(`no anchors in ${dir} yet`);
    expect(readAnchors(dir, auditKey()).anchors).toMatchObject([{ rows: ids.length, headId: ids.at(-1)!.toString() }]);

    await tamper(db, `update "AuditEvent" set "ip" = '192.0.2.1' where id = ${ids[4]}`);
    const bad = await runVerify({ DATABASE_URL: url });
    expect(bad.code, bad.out).toBe(2);
    expect(bad.out).toContain(`audit chain BROKEN at row ${ids[4]}: row content does not match its hash`);
  });

  it("exits 2 when the newest rows were deleted after an anchor", async () => {
    const { db, url, ids } = await auditedDatabase();
    const dir = anchorDir();
    expect((await runVerify({ DATABASE_URL: url, AUDIT_ANCHOR_DIR: dir })).code).toBe(0);
    await tamper(db, `delete from "AuditEvent" where id = ${ids.at(-1)}`);
    const res = await runVerify({ DATABASE_URL: url, AUDIT_ANCHOR_DIR: dir });
    expect(res.code, res.out).toBe(2);
    expect(res.out).toMatch(new RegExp(`audit chain BROKEN at row ${ids.at(-1)}: the anchor written .* recorded ${ids.length} rows up to row ${ids.at(-1)}, but the chain has ${ids.length - 1} .*: rows were deleted`));
    // A broken chain is never anchored.
    expect(readAnchors(dir, auditKey()).anchors).toHaveLength(1);
  });

  it("exits 1 without the audit key instead of making one up (which would fail every row)", async () => {
    const { url } = await auditedDatabase();
    const dataDir = anchorDir();
    const res = await runVerify({ DATABASE_URL: url, AUDIT_HMAC_KEY: undefined, DATA_DIR: dataDir });
    expect(res.code, res.out).toBe(1);
    expect(res.out).toContain("audit:verify: no audit key: set AUDIT_HMAC_KEY");
    expect(existsSync(path.join(dataDir, "audit-key"))).toBe(false);
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
