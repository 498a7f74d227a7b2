import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { migrate } from "../lib/db/migrate.ts";
import { createDb, type Db } from "../lib/db/client.ts";
import { setEnv } from "../lib/env.ts";

/** A fresh, migrated database on the run's PostgreSQL. Sets DATABASE_URL so verbs use it. */
export async function freshDatabase(prefix = "t"): Promise<{ url: string; db: Db; drop: () => Promise<void> }> {
  const admin = inject("pgAdminUrl");
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database "${name}"`);
  await client.end();
  const url = admin.replace(/\/postgres$/, `/${name}`);
  await migrate(url);
  setEnv("DATABASE_URL", url);
  const db = createDb(url);
  return {
    url,
    db,
    drop: async () => {
      await db.$disconnect();
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    },
  };
}
