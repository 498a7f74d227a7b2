import path from "node:path";
import { readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import pg from "pg";
import { env, setEnv } from "../env.ts";
import { EmbeddedStartError, startEmbeddedPostgres, type EmbeddedHandle } from "../db/embedded.ts";

export type ResolvedDatabase = { url: string; embedded: EmbeddedHandle | null };

/** DATABASE_URL when set; otherwise an embedded PostgreSQL in DATA_DIR/postgres. Sets DATABASE_URL. */
export async function resolveDatabase(log: (l: string) => void): Promise<ResolvedDatabase> {
  const e = env();
  if (e.DATABASE_URL) return { url: e.DATABASE_URL, embedded: null };
  const dataDir = path.resolve(e.DATA_DIR, "postgres");
  claimDataDir(path.resolve(e.DATA_DIR));
  // A failed start reports PostgreSQL's reason in its error; afterwards, its FATAL lines go to the log.
  let started = false;
  const embedded = await startEmbeddedPostgres({
    dataDir,
    port: e.EMBEDDED_PG_PORT,
    database: "rollcall",
    callerHandlesSignals: true,
    log: (chunk) => {
      if (!started) return;
      for (const l of chunk.split("\n")) {
        if (/FATAL|PANIC/.test(l) && !/administrator command/.test(l)) log(`[postgres] ${l}`);
      }
    },
  }).catch((err: unknown) => {
    if (err instanceof EmbeddedStartError && err.portInUse) {
      err.message += "\n(set EMBEDDED_PG_PORT to a free port, or stop whatever listens on it)";
    }
    throw err;
  });
  started = true;
  const url = embedded.url("rollcall");
  setEnv("DATABASE_URL", url);
  setEnv("ROLLCALL_EMBEDDED", "1");
  return { url, embedded };
}

/**
 * One Rollcall owns an embedded data directory at a time. Without this, a second start would
 * take the running instance's PostgreSQL for a leftover of a crash and stop it.
 */
export function claimDataDir(dir: string) {
  const file = path.join(dir, "rollcall.pid");
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    if (pid && pid !== process.pid && alive(pid)) {
      throw new Error(`another Rollcall (pid ${pid}) is using ${dir}; stop it first or set DATA_DIR to another directory`);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, String(process.pid));
  process.once("exit", () => {
    try {
      if (readFileSync(file, "utf8").trim() === String(process.pid)) rmSync(file);
    } catch {
      /* already gone */
    }
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** One clear line instead of a stack dump when the database cannot be reached. */
export async function checkReachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("select 1");
    return null;
  } catch (err) {
    const u = new URL(url);
    const why = err instanceof Error ? err.message || (err as NodeJS.ErrnoException).code : String(err);
    return `cannot reach PostgreSQL at ${u.hostname}:${u.port || 5432}/${u.pathname.slice(1)}: ${why}`;
  } finally {
    await client.end().catch(() => {});
  }
}
