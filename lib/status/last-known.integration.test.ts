import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { startEmbeddedPostgres, type EmbeddedHandle } from "../db/embedded";
import { databaseLastAnsweredAt, isDatabaseUnavailable, resetDatabaseAvailability } from "../db/availability";
import { migrate } from "../db/migrate";
import { errorState } from "../action-state";
import { setEnv } from "../env";
import { forgetLastKnownStatus, LAST_KNOWN_FILE, readPublicStatus } from "./last-known";

// A PostgreSQL of this file's own, stopped and started again: the status page's reads fall back to
// the last known state (memory, then DATA_DIR) only when the database is unreachable.

let pg: EmbeddedHandle;
let dir: string;
let dataDir: string;
let port: number;
const DB = "lastknown";

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "rollcall-lastknown-"));
  await chmod(dir, 0o755);
  dataDir = path.join(dir, "data");
  pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), database: DB });
  port = pg.port;
  await migrate(pg.url(DB));
  setEnv("DATABASE_URL", pg.url(DB));
  await db().service.create({ data: { name: "Payments API", publicName: "Payments", tier: "Critical", rtoMinutes: 5, rpoMinutes: 1, ownerTeam: "Pay", state: "degraded", onStatusPage: true } });
});

afterAll(async () => {
  await db().$disconnect();
  await pg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function stopDatabase() {
  await pg.stop();
}
async function startDatabase() {
  pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), port, database: DB });
}

describe("the status page's last known state", () => {
  it("tells an unreachable database from a failing query", async () => {
    resetDatabaseAvailability();
    const sqlError = await db().$queryRawUnsafe("select * from no_such_table").then(() => null, (e: unknown) => e);
    expect(sqlError).toBeTruthy();
    expect(isDatabaseUnavailable(sqlError)).toBe(false);
    const duplicate = await db().service.create({ data: { name: "Payments API", tier: "Critical", rtoMinutes: 5, rpoMinutes: 1, ownerTeam: "Pay" } }).then(() => null, (e: unknown) => e);
    expect(isDatabaseUnavailable(duplicate)).toBe(false);
    // Both answered: the database was reachable.
    expect(databaseLastAnsweredAt()).not.toBeNull();

    await stopDatabase();
    try {
      const down = await db().service.findMany().then(() => null, (e: unknown) => e);
      expect(isDatabaseUnavailable(down)).toBe(true);
      const raw = await db().$queryRawUnsafe("select 1").then(() => null, (e: unknown) => e);
      expect(isDatabaseUnavailable(raw)).toBe(true);
      // A form submitted meanwhile says what happened, and keeps what was typed.
      expect(errorState(down, { note: "typed" })).toMatchObject({ ok: false, message: expect.stringMatching(/database is unreachable/) as unknown, values: { note: "typed" } });
    } finally {
      await startDatabase();
    }
  });

  it("serves the last live read while the database is down, from memory and, after a restart, from DATA_DIR", async () => {
    forgetLastKnownStatus();
    const live = await readPublicStatus({ dataDir });
    expect(live.live).toBe(true);
    if (!live.live) return;
    expect(live.status.services.map((s) => [s.name, s.state])).toEqual([["Payments", "degraded"]]);
    const onDisk = JSON.parse(await readFile(path.join(dataDir, LAST_KNOWN_FILE), "utf8")) as { asOf: string };
    expect(onDisk.asOf).toBe(live.status.updatedAt);

    await stopDatabase();
    try {
      const fromMemory = await readPublicStatus({ dataDir });
      expect(fromMemory.live).toBe(false);
      if (fromMemory.live) return;
      expect(fromMemory.lastKnown?.asOf).toBe(live.status.updatedAt);
      expect(fromMemory.lastKnown?.isPublic).toBe(true);
      expect(fromMemory.lastKnown?.status.services.map((s) => [s.name, s.state])).toEqual([["Payments", "degraded"]]);
      expect(fromMemory.lastAnsweredAt).not.toBeNull();

      // As a restarted instance: nothing in memory, the file is what it has.
      forgetLastKnownStatus();
      const fromDisk = await readPublicStatus({ dataDir });
      expect(fromDisk.live).toBe(false);
      if (fromDisk.live) return;
      expect(fromDisk.lastKnown?.asOf).toBe(live.status.updatedAt);
      expect(fromDisk.lastKnown?.status.overall).toBe("degraded");

      // Nothing kept anywhere: no state to show, but still no exception.
      const empty = await readPublicStatus({ dataDir: path.join(dir, "elsewhere") });
      expect(empty).toMatchObject({ live: false, lastKnown: null });
    } finally {
      await startDatabase();
    }

    const again = await readPublicStatus({ dataDir });
    expect(again.live).toBe(true);
  });

  it("remembers that the page is sign-in only, so a down database does not make it public", async () => {
    await db().setting.upsert({ where: { key: "status.public" }, create: { key: "status.public", value: false }, update: { value: false } });
    try {
      const live = await readPublicStatus({ dataDir });
      expect(live).toMatchObject({ live: true, isPublic: false });
      await stopDatabase();
      try {
        forgetLastKnownStatus();
        const down = await readPublicStatus({ dataDir });
        expect(down.live).toBe(false);
        if (down.live) return;
        expect(down.lastKnown?.isPublic).toBe(false);
      } finally {
        await startDatabase();
      }
    } finally {
      await db().setting.delete({ where: { key: "status.public" } });
    }
  });
});
