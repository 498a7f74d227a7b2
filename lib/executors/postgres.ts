import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { z } from "zod";
import { findProgram } from "./program.ts";
import { processEnv } from "./process.ts";
import type { Check } from "./types.ts";

const run = promisify(execFile);

export const ZPostgresUrl = z.string().regex(/^postgres(ql)?:\/\/.+/, "a postgresql:// connection URL");
export const ZBackupId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "letters, digits, . _ - (no slashes)");
export const ZSha256 = z.string().regex(/^[0-9a-f]{64}$/, "a sha256 hex digest");

export type Version = { major: number; text: string };

export function binPath(name: string, pgBinDir: string | undefined): string {
  return pgBinDir ? path.join(pgBinDir, name) : name;
}

/** The URL without its password, and the password (handed to the client tools as PGPASSWORD, never in argv). */
export function splitPassword(url: string): { url: string; password: string | null } {
  const u = new URL(url);
  const password = u.password ? decodeURIComponent(u.password) : null;
  u.password = "";
  return { url: u.toString(), password };
}

export async function clientVersion(program: string, env: Record<string, string | undefined>): Promise<Version> {
  const found = await findProgram(program, env.PATH);
  if (!found) throw new Error(`${program} is not installed (not an executable on PATH)`);
  const { stdout } = await run(found, ["--version"], { env: processEnv({ PATH: env.PATH ?? "" }), timeout: 10_000 });
  const m = /(\d+)(?:\.(\d+))?/.exec(stdout);
  if (!m) throw new Error(`cannot read the version of ${found}: ${stdout.trim()}`);
  return { major: Number(m[1]), text: `${m[1]}${m[2] ? `.${m[2]}` : ""}` };
}

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function serverVersion(url: string): Promise<Version> {
  return withClient(url, async (c) => {
    const r = await c.query<{ server_version_num: string; server_version: string }>("select current_setting('server_version_num') as server_version_num, current_setting('server_version') as server_version");
    const num = Number(r.rows[0]?.server_version_num);
    return { major: Math.floor(num / 10000), text: (r.rows[0]?.server_version ?? "").split(" ")[0] ?? "" };
  });
}

/**
 * pg_dump refuses servers of a newer major version than its own; older servers are fine.
 * The check says which client and server it found so the operator knows what to install.
 */
export async function dumpCompatibility(program: string, url: string, env: Record<string, string | undefined>): Promise<{ checks: Check[]; ok: boolean; client?: Version; server?: Version }> {
  const checks: Check[] = [];
  let client: Version | undefined;
  let server: Version | undefined;
  try {
    client = await clientVersion(program, env);
    checks.push({ name: `client ${path.basename(program)}`, ok: true, detail: `${program} is PostgreSQL ${client.text}` });
  } catch (err) {
    checks.push({ name: `client ${path.basename(program)}`, ok: false, detail: (err as Error).message });
  }
  try {
    server = await serverVersion(url);
    checks.push({ name: "server reachable", ok: true, detail: `PostgreSQL ${server.text}` });
  } catch (err) {
    checks.push({ name: "server reachable", ok: false, detail: `cannot connect: ${(err as Error).message}` });
  }
  if (client && server) {
    const ok = client.major >= server.major;
    checks.push({
      name: "client version can serve the server",
      ok,
      detail: ok
        ? `${path.basename(program)} ${client.text} can dump PostgreSQL ${server.text}`
        : `${path.basename(program)} ${client.text} cannot dump PostgreSQL ${server.text}: pg_dump refuses servers newer than its own major version; install the PostgreSQL ${server.major} client tools and set pgBinDir to them`,
    });
  }
  return { checks, ok: checks.every((c) => c.ok), client, server };
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export type BackupManifest = {
  backupId: string;
  file: string;
  format: "custom";
  sizeBytes: number;
  sha256: string;
  createdAt: string;
  database: string;
  serverVersion: string;
  clientVersion: string;
  clientMajor: number;
};

export function manifestPath(backupDir: string, backupId: string): string {
  return path.join(backupDir, `${backupId}.json`);
}

export function dumpPath(backupDir: string, backupId: string): string {
  return path.join(backupDir, `${backupId}.dump`);
}
