import { chmod, link, mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { writableCheck } from "./program.ts";
import { runProcess } from "./process.ts";
import { binPath, dumpCompatibility, dumpPath, manifestPath, sha256File, splitPassword, ZBackupId, ZPostgresUrl, type BackupManifest } from "./postgres.ts";
import { redact, redactUrl, secretValues } from "./redact.ts";
import type { Executor } from "./types.ts";

export const ZPostgresBackupParams = z.strictObject({
  url: ZPostgresUrl.describe("connection URL of the database to back up"),
  backupDir: z.string().min(1),
  backupId: ZBackupId.optional().describe("defaults to <prefix>-<UTC timestamp>"),
  prefix: ZBackupId.default("backup"),
  pgBinDir: z.string().min(1).optional().describe("directory holding pg_dump; default: PATH"),
  timeoutSeconds: z.number().positive().max(86_400).default(1800),
});
export type PostgresBackupParams = z.infer<typeof ZPostgresBackupParams>;

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

export const postgresBackupExecutor: Executor<PostgresBackupParams> = {
  kind: "postgres-backup",
  schema: ZPostgresBackupParams,
  budgetSeconds: (p) => p.timeoutSeconds + 30,

  async plan(params, ctx) {
    const program = binPath("pg_dump", params.pgBinDir);
    const dir = path.resolve(params.backupDir);
    const id = params.backupId ?? `${params.prefix}-<timestamp>`;
    const checks = (await dumpCompatibility(program, params.url, ctx.env)).checks;
    checks.push(await writableCheck(dir, "backup directory"));
    if (params.backupId && existsSync(dumpPath(dir, params.backupId))) checks.push({ name: "backup id is new", ok: false, detail: `${dumpPath(dir, params.backupId)} already exists` });
    return {
      summary: `back up ${redactUrl(params.url)} with pg_dump (custom format)`,
      actions: [
        `pg_dump -Fc ${redactUrl(params.url)} to ${dumpPath(dir, id)}`,
        `record its size and sha256 in ${manifestPath(dir, id)}`,
      ],
      checks,
    };
  },

  async execute(params, ctx) {
    const { url, password } = splitPassword(params.url);
    const secrets = secretValues(ctx.env, [...ctx.secrets, ...(password ? [password] : [])]);
    const say = (t: string) => ctx.log("info", redact(t, secrets));
    const program = binPath("pg_dump", params.pgBinDir);
    const compat = await dumpCompatibility(program, params.url, ctx.env);
    if (!compat.ok) {
      const failed = compat.checks.filter((c) => !c.ok).map((c) => c.detail);
      return { ok: false, error: redact(failed.join("; "), secrets) };
    }
    const dir = path.resolve(params.backupDir);
    const backupId = params.backupId ?? `${params.prefix}-${stamp(new Date())}`;
    const file = dumpPath(dir, backupId);
    const partial = `${file}.partial`;
    if (existsSync(file)) return { ok: false, error: `backup ${backupId} already exists in ${dir}; a backup is never overwritten` };
    // Backups hold the whole database: only the owner may read them.
    await mkdir(dir, { recursive: true, mode: 0o700 });
    say(`pg_dump ${compat.client?.text} of PostgreSQL ${compat.server?.text} at ${redactUrl(params.url)} to ${file}`);
    const env: Record<string, string> = { PATH: ctx.env.PATH ?? "" };
    if (password) env.PGPASSWORD = password;
    const r = await runProcess({
      argv: [program, "--format=custom", `--file=${partial}`, `--dbname=${url}`],
      env,
      timeoutMs: params.timeoutSeconds * 1000,
      killGraceMs: 5000,
      signal: ctx.signal,
      onLine: (stream, line) => ctx.log(stream, redact(line, secrets)),
    });
    if (r.spawnError || r.exitCode !== 0) {
      await rm(partial, { force: true });
      const why = r.spawnError ?? (r.aborted ? "aborted" : r.timedOut ? `timed out after ${params.timeoutSeconds}s` : `pg_dump exited with code ${r.exitCode}`);
      return { ok: false, exitCode: r.exitCode, error: redact(why, secrets) };
    }
    await chmod(partial, 0o600);
    // link() refuses an existing name, so a backup that appeared meanwhile is not replaced.
    await link(partial, file);
    await rm(partial, { force: true });
    const sizeBytes = (await stat(file)).size;
    const sha256 = await sha256File(file);
    const manifest: BackupManifest = {
      backupId,
      file,
      format: "custom",
      sizeBytes,
      sha256,
      createdAt: new Date().toISOString(),
      database: new URL(url).pathname.slice(1),
      serverVersion: compat.server?.text ?? "",
      clientVersion: compat.client?.text ?? "",
      clientMajor: compat.client?.major ?? 0,
    };
    const tmp = `${manifestPath(dir, backupId)}.tmp`;
    await writeFile(tmp, JSON.stringify(manifest, null, 2) + "\n", { mode: 0o600 });
    await rename(tmp, manifestPath(dir, backupId));
    say(`backup ${backupId}: ${sizeBytes} bytes, sha256 ${sha256}`);
    return { ok: true, exitCode: 0, output: { ...manifest, manifest: manifestPath(dir, backupId) } };
  },
};
