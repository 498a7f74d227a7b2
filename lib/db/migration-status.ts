import { readdir } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

// Kept apart from the schema engine so /api/health does not load Prisma's WASM engine.

/** `failed`: started but never finished; `prisma migrate resolve` territory, also counted as pending. */
export type MigrationStatus = {
  applied: number;
  pending: string[];
  latest: string | null;
  failed: string[];
};

async function migrationFolders(dir: string): Promise<string[]> {
  const entries = await readdir(/* turbopackIgnore: true */ dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
}

export async function migrationStatus(
  databaseUrl: string,
  opts: { migrationsDir?: string; connectionTimeoutMs?: number } = {},
): Promise<MigrationStatus> {
  const folders = await migrationFolders(opts.migrationsDir ?? path.join(process.cwd(), "prisma", "migrations"));
  const client = new pg.Client({
    connectionString: databaseUrl,
    application_name: "rollcall-migration-status",
    connectionTimeoutMillis: opts.connectionTimeoutMs ?? 5_000,
  });
  client.on("error", () => {});
  await client.connect();
  try {
    const table = await client.query<{ exists: boolean }>(
      "select to_regclass('_prisma_migrations') is not null as exists",
    );
    const applied = new Set<string>();
    const failed = new Set<string>();
    if (table.rows[0]?.exists) {
      const rows = await client.query<{ migration_name: string; finished: boolean }>(
        `select migration_name, finished_at is not null as finished
           from _prisma_migrations where rolled_back_at is null`,
      );
      for (const r of rows.rows) (r.finished ? applied : failed).add(r.migration_name);
    }
    const names = [...applied].sort((a, b) => a.localeCompare(b));
    return {
      applied: names.length,
      pending: folders.filter((f) => !applied.has(f)),
      latest: names.at(-1) ?? null,
      failed: [...failed].filter((f) => !applied.has(f)).sort((a, b) => a.localeCompare(b)),
    };
  } finally {
    await client.end().catch(() => {});
  }
}
