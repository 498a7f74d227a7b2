import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";
import { env } from "../env.ts";
import { watchPool } from "./availability.ts";

// The pg pool under each client, for the few hot statements that run as named prepared statements
// (the run engine's claim and finish); the client ends it on $disconnect. On globalThis like the
// client itself: the custom server and Next's bundles each load this module.
const gp = globalThis as unknown as { __rollcallPools?: WeakMap<object, pg.Pool> };
const pools = (gp.__rollcallPools ??= new WeakMap<object, pg.Pool>());

function create(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  watchPool(pool);
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const client = new PrismaClient({ adapter, omit: { user: { passwordHash: true } } });
  pools.set(client, pool);
  return client;
}

/** The pool under a client made by db() or createDb() (not under a `$extends` copy of it). */
export function poolOf(client: object): pg.Pool | null {
  return pools.get(client) ?? null;
}

export type Db = ReturnType<typeof create>;
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

// One client per process, shared between the custom server and Next's bundles via globalThis.
const g = globalThis as unknown as { __rollcallDb?: { url: string; client: Db } };

export function db(): Db {
  const url = env().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set (the launcher sets it for the embedded database)");
  if (g.__rollcallDb?.url !== url) {
    g.__rollcallDb = { url, client: create(url) };
  }
  return g.__rollcallDb.client;
}

/** A client for an explicit URL (tests, scripts); the caller disconnects it. */
export function createDb(url: string): Db {
  return create(url);
}
