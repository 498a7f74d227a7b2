import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";
import { env } from "../env.ts";

function create(url: string) {
  const adapter = new PrismaPg({ connectionString: url, max: 10 });
  return new PrismaClient({ adapter, omit: { user: { passwordHash: true } } });
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
