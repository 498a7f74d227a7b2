import pg from "pg";
import { applyMigrations, MIGRATIONS_DIR } from "./schema-engine";
export { migrationStatus, type MigrationStatus } from "./migration-status";

/** "rollcall" in ASCII: one cluster-wide key, so any two migrators of any database serialise. */
export const MIGRATION_LOCK_KEY = 0x726f6c6c63616c6cn;

export type MigrateOptions = {
  migrationsDir?: string;
  /** Longest wait for another process's migration run; 0 waits forever. */
  lockTimeoutMs?: number;
  log?: (line: string) => void;
};


/**
 * Applies pending migrations under a session-level advisory lock held on its own connection,
 * so processes starting together take turns: the second waits, then finds nothing to apply.
 */
export async function migrate(
  databaseUrl: string,
  opts: MigrateOptions = {},
): Promise<{ applied: string[] }> {
  const log = opts.log ?? (() => {});
  const key = MIGRATION_LOCK_KEY.toString();
  const lockTimeoutMs = Math.max(0, Math.floor(opts.lockTimeoutMs ?? 300_000));
  const client = new pg.Client({
    connectionString: databaseUrl,
    application_name: "rollcall-migrate-lock",
  });
  client.on("error", (err) => log(`migration lock connection error: ${err.message}`));
  await client.connect();
  let locked = false;
  try {
    await client.query(`set lock_timeout = ${lockTimeoutMs}`);
    const first = await client.query<{ ok: boolean }>(
      "select pg_try_advisory_lock($1::bigint) as ok",
      [key],
    );
    if (!first.rows[0]?.ok) {
      log("another process is migrating this database; waiting for it to finish");
      await client
        .query("select pg_advisory_lock($1::bigint)", [key])
        .catch((err: { code?: string }) => {
          if (err.code !== "55P03") throw err;
          throw new Error(`gave up after ${lockTimeoutMs} ms waiting for another migration run`);
        });
    }
    locked = true;
    return await applyMigrations(databaseUrl, opts.migrationsDir ?? MIGRATIONS_DIR);
  } finally {
    if (locked) await client.query("select pg_advisory_unlock($1::bigint)", [key]).catch(() => {});
    await client.end().catch(() => {});
  }
}

/** What `_prisma_migrations` says next to the migrations folder; a missing table means nothing applied. */
