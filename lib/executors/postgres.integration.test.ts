import { existsSync } from "node:fs";
import { appendFile, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { postgresBackupExecutor, ZPostgresBackupParams } from "./postgres-backup";
import { postgresRestoreExecutor, ZPostgresRestoreParams } from "./postgres-restore";
import { stepContext } from "./testing/context";
import { startPg15, type Pg15 } from "./testing/pg15";

let server: Pg15;
let dir: string;
let url: string;
const env = { PATH: process.env.PATH };

async function sql<T extends pg.QueryResultRow = Record<string, unknown>>(text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

async function itemNames(): Promise<string[]> {
  return (await sql<{ name: string }>("select name from items order by id")).map((r) => r.name);
}

beforeAll(async () => {
  server = await startPg15();
  dir = await mkdtemp(path.join(tmpdir(), "rollcall-backups-"));
  const admin = new pg.Client({ connectionString: server.url() });
  await admin.connect();
  await admin.query("create database shop");
  await admin.end();
  url = server.url("shop");
  await sql("create table items (id serial primary key, name text not null)");
  await sql("insert into items (name) values ('apple'), ('pear'), ('plum')");
});

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("postgres-backup and postgres-restore against a real PostgreSQL 15", () => {
  it("plan checks that pg_dump can serve the server and changes nothing", async () => {
    const plan = await postgresBackupExecutor.plan(ZPostgresBackupParams.parse({ url, backupDir: path.join(dir, "planned"), backupId: "planned" }), { env });
    expect(plan.checks.find((c) => c.name === "client version can serve the server")).toMatchObject({ ok: true, detail: expect.stringMatching(/^pg_dump 15\.\d+ can dump PostgreSQL 15\.\d+$/) });
    expect(plan.checks.every((c) => c.ok)).toBe(true);
    expect(JSON.stringify(plan)).not.toContain(server.password);
    expect(existsSync(path.join(dir, "planned"))).toBe(false);
  });

  it("backs up with pg_dump -Fc, records size and sha256, then restores and verifies after the data was damaged", async () => {
    const backupDir = path.join(dir, "main");
    const { ctx, text } = stepContext(env);
    const b = await postgresBackupExecutor.execute(ZPostgresBackupParams.parse({ url, backupDir, backupId: "good-1" }), ctx);
    expect(b.ok, b.error).toBe(true);
    const file = path.join(backupDir, "good-1.dump");
    const bytes = await readFile(file);
    expect(bytes.subarray(0, 5).toString()).toBe("PGDMP");
    expect(b.output).toMatchObject({ backupId: "good-1", file, sizeBytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex"), database: "shop" });
    expect(JSON.parse(await readFile(path.join(backupDir, "good-1.json"), "utf8"))).toMatchObject({ sha256: b.output?.sha256, clientMajor: 15 });
    expect((await stat(file)).mode & 0o077).toBe(0);
    expect(text()).not.toContain(server.password);

    await sql("delete from items where name = 'pear'");
    await sql("update items set name = 'rotten' where name = 'apple'");
    expect(await itemNames()).toEqual(["rotten", "plum"]);

    const restore = ZPostgresRestoreParams.parse({ url, backupDir, backupId: "good-1", verifyQuery: "select count(*) from items", verifyExpect: 3 });
    const plan = await postgresRestoreExecutor.plan(restore, { env });
    expect(plan.checks.map((c) => [c.name, c.ok])).toEqual([
      ["backup checksum", true],
      ["client pg_restore", true],
      ["server reachable", true],
      ["backup is a readable archive", true],
      ["client version can read the backup", true],
      ["client version can serve the server", true],
    ]);
    expect(await itemNames()).toEqual(["rotten", "plum"]);

    const restored = stepContext(env);
    const r = await postgresRestoreExecutor.execute(restore, restored.ctx);
    expect(r.ok, r.error).toBe(true);
    expect(r.output).toMatchObject({ sha256: b.output?.sha256, verify: { query: "select count(*) from items", value: "3" } });
    expect(await itemNames()).toEqual(["apple", "pear", "plum"]);
    expect(restored.text()).not.toContain(server.password);
  });

  it("never overwrites a backup and generates ids from the prefix", async () => {
    const backupDir = path.join(dir, "ids");
    const p = ZPostgresBackupParams.parse({ url, backupDir, backupId: "once" });
    expect((await postgresBackupExecutor.execute(p, stepContext(env).ctx)).ok).toBe(true);
    expect(await postgresBackupExecutor.execute(p, stepContext(env).ctx)).toMatchObject({ ok: false, error: `backup once already exists in ${backupDir}; a backup is never overwritten` });
    const gen = await postgresBackupExecutor.execute(ZPostgresBackupParams.parse({ url, backupDir, prefix: "emergency" }), stepContext(env).ctx);
    expect(String(gen.output?.backupId)).toMatch(/^emergency-\d{8}-\d{6}$/);
    expect((await readdir(backupDir)).filter((f) => f.endsWith(".partial"))).toEqual([]);
  });

  it("refuses to restore a backup whose checksum no longer matches, and leaves the database alone", async () => {
    const backupDir = path.join(dir, "tampered");
    const b = await postgresBackupExecutor.execute(ZPostgresBackupParams.parse({ url, backupDir, backupId: "t1" }), stepContext(env).ctx);
    expect(b.ok).toBe(true);
    await appendFile(path.join(backupDir, "t1.dump"), "garbage");
    await sql("insert into items (name) values ('fig')");
    const before = await itemNames();

    const p = ZPostgresRestoreParams.parse({ url, backupDir, backupId: "t1", verifyQuery: "select 1" });
    const plan = await postgresRestoreExecutor.plan(p, { env });
    expect(plan.checks[0]).toMatchObject({ name: "backup checksum", ok: false });
    const r = await postgresRestoreExecutor.execute(p, stepContext(env).ctx);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/has sha256 [0-9a-f]{64}, recorded [0-9a-f]{64}: the file changed since it was backed up; nothing was restored$/);
    expect(await itemNames()).toEqual(before);

    const byFile = ZPostgresRestoreParams.parse({ url, file: path.join(backupDir, "t1.dump"), sha256: b.output?.sha256, verifyQuery: "select 1" });
    expect((await postgresRestoreExecutor.execute(byFile, stepContext(env).ctx)).error).toMatch(/nothing was restored$/);
  });

  it("a failed verification query fails the step", async () => {
    const backupDir = path.join(dir, "verify");
    await postgresBackupExecutor.execute(ZPostgresBackupParams.parse({ url, backupDir, backupId: "v1" }), stepContext(env).ctx);
    const wrongCount = await postgresRestoreExecutor.execute(ZPostgresRestoreParams.parse({ url, backupDir, backupId: "v1", verifyQuery: "select count(*) from items", verifyExpect: 99 }), stepContext(env).ctx);
    expect(wrongCount.ok).toBe(false);
    expect(wrongCount.error).toMatch(/^restored, but verification returned \d+, expected 99$/);
    const broken = await postgresRestoreExecutor.execute(ZPostgresRestoreParams.parse({ url, backupDir, backupId: "v1", verifyQuery: "select * from no_such_table" }), stepContext(env).ctx);
    expect(broken.error).toMatch(/^restored, but the verification query failed: relation "no_such_table" does not exist$/);
  });
});

describe("the restore's verification query is exactly one read-only statement", () => {
  const tables = async () => (await sql<{ t: string }>("select tablename as t from pg_tables where schemaname = 'public' order by 1")).map((r) => r.t);

  it.each([
    ["select 1; commit; create table pwned_a ()", "pwned_a"],
    ["select 1;\ncommit;\ncreate table pwned_b ()", "pwned_b"],
    ["commit; create table pwned_c ()", "pwned_c"],
    ["rollback; create table pwned_d ()", "pwned_d"],
    ["end; insert into items (name) values ('pwned_e')", "pwned_e"],
    ["select 1; commit; set transaction read write; create table pwned_f ()", "pwned_f"],
  ])("%j is refused and writes nothing", async (verifyQuery, mark) => {
    const backupDir = path.join(dir, `escape-${mark}`);
    expect((await postgresBackupExecutor.execute(ZPostgresBackupParams.parse({ url, backupDir, backupId: "e1" }), stepContext(env).ctx)).ok).toBe(true);
    const r = await postgresRestoreExecutor.execute(ZPostgresRestoreParams.parse({ url, backupDir, backupId: "e1", verifyQuery }), stepContext(env).ctx);
    expect(r.ok).toBe(false);
    expect(await tables()).toEqual(["items"]);
    expect(await itemNames()).not.toContain(mark);
    expect(r.error).toBe("restored, but the verification query failed: cannot insert multiple commands into a prepared statement");
  });

  it("a single statement that writes is refused by the read-only transaction; one statement with a trailing semicolon runs", async () => {
    const backupDir = path.join(dir, "escape-single");
    expect((await postgresBackupExecutor.execute(ZPostgresBackupParams.parse({ url, backupDir, backupId: "s1" }), stepContext(env).ctx)).ok).toBe(true);
    const before = await itemNames();
    const write = await postgresRestoreExecutor.execute(ZPostgresRestoreParams.parse({ url, backupDir, backupId: "s1", verifyQuery: "insert into items (name) values ('pwned_g') returning 1" }), stepContext(env).ctx);
    expect(write.error).toBe("restored, but the verification query failed: cannot execute INSERT in a read-only transaction");
    expect(await itemNames()).toEqual(before);
    const ok = await postgresRestoreExecutor.execute(ZPostgresRestoreParams.parse({ url, backupDir, backupId: "s1", verifyQuery: "select count(*) from items;", verifyExpect: before.length }), stepContext(env).ctx);
    expect(ok.ok, ok.error).toBe(true);
  });
});

describe("version mismatch against the embedded PostgreSQL 18", () => {
  it("plan says pg_dump 15 cannot dump PostgreSQL 18, and the backup fails before writing anything", async () => {
    const pg18 = inject("pgAdminUrl");
    const backupDir = path.join(dir, "pg18");
    const p = ZPostgresBackupParams.parse({ url: pg18, backupDir, backupId: "never" });
    const plan = await postgresBackupExecutor.plan(p, { env });
    const check = plan.checks.find((c) => c.name === "client version can serve the server");
    expect(check?.ok).toBe(false);
    expect(check?.detail).toMatch(/^pg_dump 15\.\d+ cannot dump PostgreSQL 18\.\d+: pg_dump refuses servers newer than its own major version; install the PostgreSQL 18 client tools and set pgBinDir to them$/);

    const r = await postgresBackupExecutor.execute(p, stepContext(env).ctx);
    expect(r.ok).toBe(false);
    expect(r.error).toContain("cannot dump PostgreSQL 18");
    expect(existsSync(backupDir)).toBe(false);
  });
});
