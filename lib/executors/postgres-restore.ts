import { execFile } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import { findProgram } from "./program.ts";
import { processEnv, runProcess } from "./process.ts";
import {
  binPath,
  clientVersion,
  dumpPath,
  manifestPath,
  serverVersion,
  sha256File,
  splitPassword,
  withClient,
  ZBackupId,
  ZPostgresUrl,
  ZSha256,
  type BackupManifest,
  type Version,
} from "./postgres.ts";
import { redact, redactUrl, secretValues } from "./redact.ts";
import type { Check, Executor } from "./types.ts";

const run = promisify(execFile);

export const ZPostgresRestoreParams = z
  .strictObject({
    url: ZPostgresUrl.describe("connection URL of the database to restore into"),
    backupDir: z.string().min(1).optional(),
    backupId: ZBackupId.optional().describe("a backup recorded by postgres-backup in backupDir"),
    file: z.string().min(1).optional().describe("or a backup file by path, with its sha256"),
    sha256: ZSha256.optional().describe("the recorded checksum; required with file, checked against the manifest with backupId"),
    verifyQuery: z.string().min(1).describe("one SQL statement, run read-only after the restore; it must succeed"),
    verifyExpect: z.union([z.string(), z.number(), z.boolean()]).optional().describe("the first column of the first row must equal this"),
    noOwner: z.boolean().default(false).describe("skip ownership (pg_restore --no-owner)"),
    pgBinDir: z.string().min(1).optional(),
    timeoutSeconds: z.number().positive().max(86_400).default(1800),
  })
  .superRefine((p, ctx) => {
    if (p.backupId && !p.backupDir) ctx.addIssue({ code: "custom", path: ["backupDir"], message: "backupId needs the backupDir it was recorded in" });
    if (!p.backupId && !p.file) ctx.addIssue({ code: "custom", path: ["backupId"], message: "give backupId (with backupDir) or file (with sha256)" });
    if (p.file && !p.backupId && !p.sha256) ctx.addIssue({ code: "custom", path: ["sha256"], message: "a backup file is restored only against its recorded sha256" });
  });
export type PostgresRestoreParams = z.infer<typeof ZPostgresRestoreParams>;

type Source = { file: string; sha256: string; manifest: BackupManifest | null };

async function resolveSource(p: PostgresRestoreParams): Promise<Source> {
  if (p.backupId && p.backupDir) {
    const dir = path.resolve(p.backupDir);
    let manifest: BackupManifest;
    try {
      manifest = JSON.parse(await readFile(manifestPath(dir, p.backupId), "utf8")) as BackupManifest;
    } catch {
      throw new Error(`no recorded backup ${p.backupId} in ${dir} (missing or unreadable ${path.basename(manifestPath(dir, p.backupId))})`);
    }
    if (p.sha256 && p.sha256 !== manifest.sha256) throw new Error(`backup ${p.backupId}: the manifest records sha256 ${manifest.sha256}, the run recorded ${p.sha256}`);
    return { file: dumpPath(dir, p.backupId), sha256: manifest.sha256, manifest };
  }
  return { file: path.resolve(p.file ?? ""), sha256: p.sha256 ?? "", manifest: null };
}

async function checksumCheck(src: Source): Promise<Check> {
  try {
    const size = (await stat(src.file)).size;
    const actual = await sha256File(src.file);
    return actual === src.sha256
      ? { name: "backup checksum", ok: true, detail: `${src.file} (${size} bytes) matches sha256 ${actual}` }
      : { name: "backup checksum", ok: false, detail: `${src.file} has sha256 ${actual}, recorded ${src.sha256}: the file changed since it was backed up` };
  } catch {
    return { name: "backup checksum", ok: false, detail: `${src.file} does not exist or cannot be read` };
  }
}

type ArchiveInfo = { dumpedBy: Version | null; dumpedFrom: Version | null };

/** Reads the archive's table of contents (no database involved) to learn which versions made it. */
async function archiveInfo(program: string, file: string, env: Record<string, string | undefined>): Promise<ArchiveInfo> {
  const found = await findProgram(program, env.PATH);
  if (!found) throw new Error(`${program} is not installed`);
  const { stdout } = await run(found, ["--list", file], { env: processEnv({ PATH: env.PATH ?? "" }), timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  const version = (label: string): Version | null => {
    const m = new RegExp(`${label}:\\s*(\\d+)(?:\\.(\\d+))?`).exec(stdout);
    return m ? { major: Number(m[1]), text: `${m[1]}${m[2] ? `.${m[2]}` : ""}` } : null;
  };
  return { dumpedBy: version("Dumped by pg_dump version"), dumpedFrom: version("Dumped from database version") };
}

async function compatibilityChecks(p: PostgresRestoreParams, src: Source, env: Record<string, string | undefined>): Promise<Check[]> {
  const program = binPath("pg_restore", p.pgBinDir);
  const checks: Check[] = [];
  let client: Version | undefined;
  let server: Version | undefined;
  let archive: ArchiveInfo | undefined;
  try {
    client = await clientVersion(program, env);
    checks.push({ name: "client pg_restore", ok: true, detail: `${program} is PostgreSQL ${client.text}` });
  } catch (err) {
    checks.push({ name: "client pg_restore", ok: false, detail: (err as Error).message });
  }
  try {
    server = await serverVersion(p.url);
    checks.push({ name: "server reachable", ok: true, detail: `PostgreSQL ${server.text}` });
  } catch (err) {
    checks.push({ name: "server reachable", ok: false, detail: `cannot connect: ${(err as Error).message}` });
  }
  if (client) {
    try {
      archive = await archiveInfo(program, src.file, env);
      checks.push({ name: "backup is a readable archive", ok: true, detail: `made by pg_dump ${archive.dumpedBy?.text ?? "?"} from PostgreSQL ${archive.dumpedFrom?.text ?? "?"}` });
    } catch (err) {
      const msg = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
      checks.push({ name: "backup is a readable archive", ok: false, detail: msg.split("\n")[0] ?? msg });
    }
  }
  if (client && archive?.dumpedBy) {
    const ok = client.major >= archive.dumpedBy.major;
    checks.push({
      name: "client version can read the backup",
      ok,
      detail: ok ? `pg_restore ${client.text} reads archives of pg_dump ${archive.dumpedBy.text}` : `pg_restore ${client.text} cannot read an archive made by pg_dump ${archive.dumpedBy.text}; install PostgreSQL ${archive.dumpedBy.major} client tools and set pgBinDir`,
    });
  }
  if (server && archive?.dumpedFrom) {
    const ok = server.major >= archive.dumpedFrom.major;
    checks.push({
      name: "client version can serve the server",
      ok,
      detail: ok ? `a dump of PostgreSQL ${archive.dumpedFrom.text} restores into PostgreSQL ${server.text}` : `the backup comes from PostgreSQL ${archive.dumpedFrom.text}, newer than the target ${server.text}: restoring into an older server is not supported`,
    });
  }
  return checks;
}

async function verify(url: string, query: string): Promise<{ rows: number; value: unknown }> {
  return withClient(url, async (c) => {
    // Read-only, rolled back: the verification cannot itself change the restored data. A named
    // (prepared) statement goes through the extended protocol, which runs exactly one statement,
    // so a "commit;" in the text cannot end the read-only transaction and go on to write.
    await c.query("begin read only");
    try {
      const r = await c.query({ name: "rollcall_restore_verify", text: query, rowMode: "array" });
      const first = (r.rows[0] as unknown[] | undefined)?.[0];
      return { rows: r.rowCount ?? r.rows.length, value: first ?? null };
    } finally {
      await c.query("rollback");
    }
  });
}

export const postgresRestoreExecutor: Executor<PostgresRestoreParams> = {
  kind: "postgres-restore",
  schema: ZPostgresRestoreParams,
  budgetSeconds: (p) => p.timeoutSeconds + 60,

  async plan(params, ctx) {
    let src: Source;
    try {
      src = await resolveSource(params);
    } catch (err) {
      return { summary: `restore ${redactUrl(params.url)}`, actions: [], checks: [{ name: "recorded backup", ok: false, detail: (err as Error).message }] };
    }
    const checks = [await checksumCheck(src), ...(await compatibilityChecks(params, src, ctx.env))];
    return {
      summary: `restore ${redactUrl(params.url)} from ${path.basename(src.file)}`,
      actions: [
        `verify the sha256 of ${src.file} is ${src.sha256}`,
        `pg_restore --clean --if-exists --single-transaction${params.noOwner ? " --no-owner" : ""} into ${redactUrl(params.url)}`,
        `verify (read-only): ${params.verifyQuery}${params.verifyExpect !== undefined ? ` = ${String(params.verifyExpect)}` : ""}`,
      ],
      checks,
    };
  },

  async execute(params, ctx) {
    const { url, password } = splitPassword(params.url);
    const secrets = secretValues(ctx.env, [...ctx.secrets, ...(password ? [password] : [])]);
    const say = (t: string) => ctx.log("info", redact(t, secrets));
    let src: Source;
    try {
      src = await resolveSource(params);
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
    const sum = await checksumCheck(src);
    say(sum.detail);
    if (!sum.ok) return { ok: false, error: `${sum.detail}; nothing was restored` };
    const compat = await compatibilityChecks(params, src, ctx.env);
    const failed = compat.filter((c) => !c.ok);
    if (failed.length) return { ok: false, error: redact(`${failed.map((c) => c.detail).join("; ")}; nothing was restored`, secrets) };
    for (const c of compat) say(`${c.name}: ${c.detail}`);

    const env: Record<string, string> = { PATH: ctx.env.PATH ?? "" };
    if (password) env.PGPASSWORD = password;
    const argv = [binPath("pg_restore", params.pgBinDir), "--clean", "--if-exists", "--single-transaction", "--exit-on-error", ...(params.noOwner ? ["--no-owner"] : []), `--dbname=${url}`, src.file];
    say(`pg_restore from ${src.file} into ${redactUrl(params.url)} (one transaction: all or nothing)`);
    const r = await runProcess({
      argv,
      env,
      timeoutMs: params.timeoutSeconds * 1000,
      killGraceMs: 5000,
      signal: ctx.signal,
      onLine: (stream, line) => ctx.log(stream, redact(line, secrets)),
    });
    if (r.spawnError || r.exitCode !== 0) {
      const why = r.spawnError ?? (r.aborted ? "aborted" : r.timedOut ? `timed out after ${params.timeoutSeconds}s` : `pg_restore exited with code ${r.exitCode}`);
      return { ok: false, exitCode: r.exitCode, error: redact(`${why}; the restore transaction was rolled back`, secrets) };
    }
    try {
      const v = await verify(params.url, params.verifyQuery);
      say(`verify: ${params.verifyQuery} -> ${String(v.value)} (${v.rows} rows)`);
      const output = { file: src.file, sha256: src.sha256, backupId: params.backupId ?? null, verify: { query: params.verifyQuery, rows: v.rows, value: v.value === null ? null : String(v.value) } };
      if (params.verifyExpect !== undefined && String(v.value) !== String(params.verifyExpect)) {
        return { ok: false, exitCode: 0, output, error: `restored, but verification returned ${String(v.value)}, expected ${String(params.verifyExpect)}` };
      }
      return { ok: true, exitCode: 0, output };
    } catch (err) {
      return { ok: false, exitCode: 0, error: redact(`restored, but the verification query failed: ${(err as Error).message}`, secrets) };
    }
  },
};
