import { spawn } from "node:child_process";
import { appendFile, chmod, mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startEmbeddedPostgres } from "./embedded";

// When the embedded PostgreSQL cannot start, the message carries PostgreSQL's own reason instead
// of always guessing "is the port in use?".

let tmp: string;
const ROOT = path.resolve(import.meta.dirname, "..", "..");

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "rollcall-pgstart-"));
  await chmod(tmp, 0o755);
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** An initialised data directory whose server is stopped again. */
async function initialisedDir(name: string): Promise<string> {
  const dataDir = path.join(tmp, name);
  const pg = await startEmbeddedPostgres({ dataDir });
  await pg.stop();
  return dataDir;
}

async function startError(opts: Parameters<typeof startEmbeddedPostgres>[0]): Promise<Error> {
  try {
    const pg = await startEmbeddedPostgres(opts);
    await pg.stop();
  } catch (err) {
    return err as Error;
  }
  throw new Error("PostgreSQL started, but the test expected it not to");
}

describe("embedded PostgreSQL start-up errors", () => {
  it("a broken postgresql.conf: the message quotes PostgreSQL's reason and does not blame the port", async () => {
    const dataDir = await initialisedDir("bad-conf");
    await appendFile(path.join(dataDir, "postgresql.conf"), "\nshared_buffers = = 12\n");
    const err = await startError({ dataDir });
    expect(err.message).toContain(`configuration file "${path.join(dataDir, "postgresql.conf")}" contains errors`);
    expect(err.message).toMatch(/syntax error in file .*postgresql\.conf" line \d+/);
    expect(err.message).not.toMatch(/port in use|already in use/i);
  });

  it("a data directory with the wrong permissions: PostgreSQL's reason and its detail", async () => {
    const dataDir = await initialisedDir("bad-mode");
    await chmod(dataDir, 0o777);
    const err = await startError({ dataDir });
    expect(err.message).toContain(`data directory "${dataDir}" has invalid permissions`);
    expect(err.message).toContain("Permissions should be u=rwx (0700)");
    expect(err.message).not.toMatch(/port in use|already in use/i);
  });

  it("a port another program listens on still says the port is in use", async () => {
    const dataDir = await initialisedDir("busy-port");
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const err = await startError({ dataDir, port });
      expect(err.message).toContain(`port ${port} is already in use`);
      expect(err.message).toContain("Address already in use");
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it("the launcher prints PostgreSQL's reason and exits", async () => {
    const dataRoot = path.join(tmp, "launcher");
    const dataDir = await initialisedDir(path.join("launcher", "postgres"));
    await appendFile(path.join(dataDir, "postgresql.conf"), "\nwork_mem = lots\n");
    const { DATABASE_URL: _url, ...inherited } = process.env;
    const env = { ...inherited, NODE_ENV: "production" as const, DATA_DIR: dataRoot, EMBEDDED_PG_PORT: String(await freePort()), PORT: "0" };
    const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    expect(out).toMatch(/rollcall: embedded PostgreSQL did not start/);
    expect(out).toMatch(/invalid value for parameter "work_mem": "lots"/);
    expect(out).not.toMatch(/is the port in use/);
  });
});
