import { createHmac } from "node:crypto";
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Db } from "../db/client.ts";
import { env } from "../env.ts";
import { canonicalJson } from "./hash.ts";

// The chain's head (its last row's hash and the number of rows), written outside the database:
// whoever can rewrite the table can delete its newest rows and leave a shorter chain that still
// links up; an anchor they cannot reach says how long it was. One JSON line per anchor, appended to
// AUDIT_ANCHOR_DIR/anchors.jsonl and signed with the audit key; audit:verify checks every one.

export const ANCHOR_FILE = "anchors.jsonl";

export type Anchor = {
  v: 1;
  at: string;
  /** The database's name, to tell anchors apart when reading them. */
  db: string;
  rows: number;
  /** The last row's id and hash; null and the genesis hash when the table was empty. */
  headId: string | null;
  headHash: string;
  mac: string;
};

export type Head = Pick<Anchor, "db" | "rows" | "headId" | "headHash">;

export type AnchorProblem = { line: number; message: string };

/** AUDIT_ANCHOR_DIR, or DATA_DIR/audit-anchors. */
export function anchorDir(): string {
  const e = env();
  return path.resolve(e.AUDIT_ANCHOR_DIR ?? path.join(e.DATA_DIR, "audit-anchors"));
}

function anchorMac(key: Buffer, a: Omit<Anchor, "mac">): string {
  return createHmac("sha256", key).update("rollcall audit anchor\n").update(canonicalJson(a)).digest("hex");
}

/** The chain's head now, read in one statement (one snapshot: the count and the last row agree). */
export async function readHead(db: Db): Promise<Head> {
  const [r] = await db.$queryRaw<{ db: string; rows: bigint; id: bigint | null; hash: string | null }[]>`
    select current_database() as db, (select count(*) from "AuditEvent") as rows, h.id, h.hash
    from (select 1) as one left join lateral (select id, hash from "AuditEvent" order by id desc limit 1) as h on true`;
  if (!r) throw new Error("could not read the audit chain's head");
  return { db: r.db, rows: Number(r.rows), headId: r.id === null ? null : r.id.toString(), headHash: r.hash ?? "0".repeat(64) };
}

/** Every anchor in `dir`, oldest first; lines that are not an anchor signed with `key` are problems. */
export function readAnchors(dir: string, key: Buffer): { anchors: Anchor[]; problems: AnchorProblem[] } {
  let text: string;
  try {
    text = readFileSync(path.join(dir, ANCHOR_FILE), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { anchors: [], problems: [] };
    throw err;
  }
  const anchors: Anchor[] = [];
  const problems: AnchorProblem[] = [];
  text.split("\n").forEach((raw, i) => {
    if (!raw.trim()) return;
    let a: Anchor;
    try {
      a = JSON.parse(raw) as Anchor;
    } catch {
      problems.push({ line: i + 1, message: "not an anchor (unreadable JSON)" });
      return;
    }
    const { mac, ...fields } = a;
    if (a.v !== 1 || typeof mac !== "string" || anchorMac(key, fields) !== mac) {
      problems.push({ line: i + 1, message: "not signed with this audit key (edited by hand, or written under another key)" });
      return;
    }
    anchors.push(a);
  });
  return { anchors, problems };
}

/** Appends an anchor for `head` unless `last` already anchors the same head. Returns what was written. */
export function appendAnchor(dir: string, key: Buffer, head: Head, now: Date, last?: Anchor | null): Anchor | null {
  if (last && last.headHash === head.headHash && last.rows === head.rows && last.db === head.db) return null;
  const fields: Omit<Anchor, "mac"> = { v: 1, at: now.toISOString(), ...head };
  const anchor: Anchor = { ...fields, mac: anchorMac(key, fields) };
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  // One short line per append (O_APPEND): writers on several instances do not interleave.
  appendFileSync(path.join(dir, ANCHOR_FILE), `${JSON.stringify(anchor)}\n`, { mode: 0o644 });
  return anchor;
}

type AnchorerOptions = { db: Db; dir: string; key: Buffer; now?: () => Date; log?: (line: string) => void };

/** Anchors the head now and then (server.ts ticks it on an interval) and once more when stopped. */
export class AuditAnchorer {
  private last: Anchor | null | undefined;
  private running: Promise<Anchor | null> | null = null;

  constructor(private readonly o: AnchorerOptions) {}

  /** Writes an anchor if the head moved since the last one. Never throws: the audit trail keeps working. */
  tick(): Promise<Anchor | null> {
    this.running ??= this.write().finally(() => (this.running = null));
    return this.running;
  }

  async stop(): Promise<Anchor | null> {
    await this.running;
    return this.tick();
  }

  private async write(): Promise<Anchor | null> {
    try {
      if (this.last === undefined) this.last = readAnchors(this.o.dir, this.o.key).anchors.at(-1) ?? null;
      const written = appendAnchor(this.o.dir, this.o.key, await readHead(this.o.db), (this.o.now ?? (() => new Date()))(), this.last);
      if (written) this.last = written;
      return written;
    } catch (err) {
      this.o.log?.(`[audit] could not anchor the audit chain in ${this.o.dir}: ${(err as Error).message}`);
      return null;
    }
  }
}
