import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { env } from "../env.ts";
import { databaseLastAnsweredAt, isDatabaseUnavailable } from "../db/availability.ts";
import { SERVICE_STATES } from "./schemas.ts";
import { publicStatus, statusPageIsPublic, type PublicStatus } from "./queries.ts";

// The status page must keep answering when the database does not: every live read is remembered
// (in memory, and in DATA_DIR so a restarted instance has it too) and served, marked as such, while
// the database is unreachable. It holds the public page's words only.

export const LAST_KNOWN_FILE = "status-last-known.json";
// The file is rewritten when the state changes, and otherwise at most this often (its time moves on).
const REWRITE_AFTER_MS = 60_000;

const ZState = z.enum(SERVICE_STATES);
const ZPublicStatus = z.object({
  updatedAt: z.string(),
  overall: ZState,
  services: z.array(z.object({ name: z.string(), state: ZState, history: z.array(z.object({ day: z.string(), worst: ZState })) })),
  incidents: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      startedAt: z.string(),
      resolved: z.boolean(),
      resolvedAt: z.string().nullable(),
      services: z.array(z.string()),
      progress: z.union([z.number(), z.literal("waiting"), z.null()]),
      updates: z.array(z.object({ status: z.string(), body: z.string(), at: z.string() })),
    }),
  ),
}) satisfies z.ZodType<PublicStatus>;

const ZLastKnown = z.object({ asOf: z.iso.datetime(), isPublic: z.boolean(), status: ZPublicStatus });
export type LastKnownStatus = z.infer<typeof ZLastKnown>;

export type StatusRead =
  | { live: true; isPublic: boolean; status: PublicStatus }
  | { live: false; lastKnown: LastKnownStatus | null; lastAnsweredAt: Date | null };

type Memory = { latest: LastKnownStatus | null; written: { key: string; at: number } | null };
const g = globalThis as unknown as { __rollcallStatusLastKnown?: Memory };
const memory = (g.__rollcallStatusLastKnown ??= { latest: null, written: null });

function fileIn(dataDir?: string) {
  return path.resolve(/* turbopackIgnore: true */ dataDir ?? env().DATA_DIR, LAST_KNOWN_FILE);
}

/**
 * The public status, live when the database answers; otherwise the last known state (this
 * process's, or the one on disk), or null. Errors other than "unreachable" are thrown as they are.
 */
export async function readPublicStatus(opts: { now?: Date; dataDir?: string } = {}): Promise<StatusRead> {
  try {
    const [isPublic, status] = await Promise.all([statusPageIsPublic(), publicStatus(opts.now)]);
    await remember({ asOf: status.updatedAt, isPublic, status }, opts.dataDir);
    return { live: true, isPublic, status };
  } catch (err) {
    if (!isDatabaseUnavailable(err)) throw err;
    return { live: false, lastKnown: await lastKnownStatus(opts.dataDir), lastAnsweredAt: databaseLastAnsweredAt() };
  }
}

/** The newest of what this process saw and what is on disk. */
export async function lastKnownStatus(dataDir?: string): Promise<LastKnownStatus | null> {
  const onDisk = await readFile(fileIn(dataDir), "utf8")
    .then((text) => ZLastKnown.safeParse(JSON.parse(text)))
    .then((r) => (r.success ? r.data : null))
    .catch(() => null);
  const mem = memory.latest;
  if (!mem || !onDisk) return mem ?? onDisk;
  return Date.parse(onDisk.asOf) > Date.parse(mem.asOf) ? onDisk : mem;
}

async function remember(snap: LastKnownStatus, dataDir?: string) {
  memory.latest = snap;
  const key = JSON.stringify({ isPublic: snap.isPublic, status: { ...snap.status, updatedAt: null } });
  const at = Date.parse(snap.asOf);
  if (memory.written && memory.written.key === key && at - memory.written.at < REWRITE_AFTER_MS) return;
  const file = fileIn(dataDir);
  // Write then rename: a reader (or a crash) never sees half a file.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(tmp, JSON.stringify(snap), { mode: 0o644 });
    await rename(tmp, file);
    memory.written = { key, at };
  } catch (err) {
    // A read-only DATA_DIR costs the restart copy, not the page.
    console.error(`[status] could not keep the last known status in ${file}: ${(err as Error).message}`);
  }
}

/** For tests: forget what this process saw (as a restarted instance would). */
export function forgetLastKnownStatus() {
  memory.latest = null;
  memory.written = null;
}
