import { execFileSync, spawnSync, type SpawnSyncOptions } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createServer } from "node:net";
import { processEnv } from "../process.ts";

// pg_dump refuses newer servers, and the machine's client tools are Debian's PostgreSQL 15, so the
// backup and restore tests need a PostgreSQL 15 server: Debian's postgresql-15 package.
export const PG15_BIN = "/usr/lib/postgresql/15/bin";
const PASSWORD = "pg15-test-password";

export type Pg15 = { url: (db?: string) => string; port: number; password: string; stop: () => Promise<void> };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
    });
  });
}

function asPostgres(): SpawnSyncOptions {
  if (process.getuid?.() !== 0) return {};
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  return { uid, gid };
}

function check(res: ReturnType<typeof spawnSync>, what: string) {
  if (res.status !== 0) throw new Error(`${what} failed: ${String(res.stderr ?? "")}${String(res.stdout ?? "")}${res.error ? String(res.error) : ""}`);
}

/** Starts a throwaway PostgreSQL 15 on a free port in a temporary directory. Fails loudly if 15 is not installed. */
export async function startPg15(): Promise<Pg15> {
  if (!existsSync(path.join(PG15_BIN, "postgres")) || !existsSync(path.join(PG15_BIN, "initdb"))) {
    throw new Error(`PostgreSQL 15 server binaries are missing from ${PG15_BIN}: install them with "apt-get install -y postgresql-15" (.ci/run does this)`);
  }
  const ids = asPostgres();
  const dir = await mkdtemp(path.join(tmpdir(), "rollcall-pg15-"));
  await chmod(dir, 0o755);
  const data = path.join(dir, "data");
  await mkdir(data, { mode: 0o700 });
  const pwfile = path.join(dir, "pwfile");
  await writeFile(pwfile, PASSWORD, { mode: 0o600 });
  if (ids.uid !== undefined && ids.gid !== undefined) {
    for (const p of [dir, data, pwfile]) await chown(p, ids.uid, ids.gid);
  }
  const opts: SpawnSyncOptions = { ...ids, encoding: "utf8", env: processEnv({ PATH: process.env.PATH ?? "", LANG: "C", LC_ALL: "C" }) };
  check(spawnSync(path.join(PG15_BIN, "initdb"), ["-D", data, "-U", "postgres", "--auth=scram-sha-256", `--pwfile=${pwfile}`, "-E", "UTF8"], opts), "initdb (PostgreSQL 15)");
  const port = await freePort();
  check(
    spawnSync(path.join(PG15_BIN, "pg_ctl"), ["-D", data, "-l", path.join(dir, "log"), "-w", "-t", "30", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, "start"], opts),
    "pg_ctl start (PostgreSQL 15)",
  );
  let stopped = false;
  return {
    port,
    password: PASSWORD,
    url: (db = "postgres") => `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/${db}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      spawnSync(path.join(PG15_BIN, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "-t", "30", "stop"], opts);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
