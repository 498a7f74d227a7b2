import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDatabase, freePort, startEmbeddedPostgres, type EmbeddedHandle } from "./embedded";
import { migrate, migrationStatus } from "./migrate";
import { diffSql, listMigrations, MIGRATIONS_DIR, ROOT, schemaDriftSql } from "./schema-engine";

let server: EmbeddedHandle;
let tmp: string;
let folders: string[];

async function freshDatabase(prefix: string): Promise<string> {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  await ensureDatabase(server.url("postgres"), name);
  return server.url(name);
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

type Run = { code: number | null; out: string };

function runDbMigrate(databaseUrl: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      path.join(ROOT, "node_modules", ".bin", "tsx"),
      [path.join(ROOT, "scripts", "db-migrate.ts")],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: databaseUrl },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "rollcall-migrate-it-"));
  await chmod(tmp, 0o755);
  server = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg"), port: await freePort() });
  folders = (await listMigrations(MIGRATIONS_DIR)).migrationDirectories.map((d) => d.path);
});

afterAll(async () => {
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("migrations made and applied by Prisma's schema engine", () => {
  it("has at least one migration and a postgresql lockfile", async () => {
    const list = await listMigrations(MIGRATIONS_DIR);
    expect(folders.length).toBeGreaterThan(0);
    expect(list.lockfile.content).toMatch(/provider = "postgresql"/);
    for (const d of list.migrationDirectories) {
      expect(d.path).toMatch(/^\d{14}_[a-z0-9_]+$/);
      expect(d.migrationFile.content.tag).toBe("ok");
    }
  });

  it("applies every migration to a fresh database, then applies nothing", async () => {
    const url = await freshDatabase("apply");
    expect(await migrate(url)).toEqual({ applied: folders });
    expect(await migrate(url)).toEqual({ applied: [] });

    const rows = await query<{ migration_name: string; checksum: string }>(
      url,
      "select migration_name, checksum from _prisma_migrations where finished_at is not null order by 1",
    );
    expect(rows.map((r) => r.migration_name)).toEqual(folders);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
  });

  it("lets two processes migrate the same fresh database at once; one applies, once", async () => {
    const url = await freshDatabase("race");
    const [a, b] = await Promise.all([runDbMigrate(url), runDbMigrate(url)]);
    expect(a.code, a.out).toBe(0);
    expect(b.code, b.out).toBe(0);

    const rows = await query<{ migration_name: string; n: number }>(
      url,
      "select migration_name, count(*)::int as n from _prisma_migrations group by 1 order by 1",
    );
    expect(rows).toEqual(folders.map((migration_name) => ({ migration_name, n: 1 })));
    const appliedLines = (a.out + b.out).split("\n").filter((l) => l.startsWith("applied "));
    expect(appliedLines).toEqual(folders.map((f) => `applied ${f}`));
  });

  it("produces exactly what schema.prisma describes", async () => {
    const url = await freshDatabase("drift");
    expect(await schemaDriftSql(url)).not.toBe("");
    await migrate(url);
    expect(await schemaDriftSql(url)).toBe("");
    expect(await diffSql({ connectionString: url, from: "migrations", to: "schema" })).toBe("");

    const leftovers = await query<{ datname: string }>(
      server.url("postgres"),
      "select datname from pg_database where datname like 'prisma_migrate_shadow_db_%'",
    );
    expect(leftovers).toEqual([]);
  });

  it("reports pending migrations before and none after", async () => {
    const url = await freshDatabase("status");
    expect(await migrationStatus(url)).toEqual({
      applied: 0,
      pending: folders,
      latest: null,
      failed: [],
    });
    await migrate(url);
    expect(await migrationStatus(url)).toEqual({
      applied: folders.length,
      pending: [],
      latest: folders.at(-1),
      failed: [],
    });
  });
});
