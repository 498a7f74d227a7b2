import type pg from "pg";

// Tells "the database cannot be reached" apart from "a query failed", so pages can say the first
// plainly and keep retrying, and remembers when the database last answered. The state lives on
// globalThis: the custom server and Next's bundles each load this module but share one pool.

/** Seconds a client should wait before asking again while the database is unreachable. */
export const DATABASE_RETRY_SECONDS = 5;

// Prisma's codes for "can't reach", "timed out", "closed"; node's socket errors; PostgreSQL's
// connection-exception class (08) and the shutdown codes (57P01-57P03) of a server going away.
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017"]);
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout"]);
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "EHOSTUNREACH", "ENETUNREACH"]);
const SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123])$/;
const MESSAGES = /Can't reach database server|Connection terminated|connection timeout|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)|Client has encountered a connection error/i;

type Shape = { code?: unknown; kind?: unknown; originalCode?: unknown; message?: unknown; cause?: unknown; meta?: unknown; driverAdapterError?: unknown; errors?: unknown };

/** True when `err` (or what it wraps) says the database could not be reached or went away. */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== "object" || depth > 6) return false;
  const e = err as Shape;
  if (typeof e.code === "string" && (PRISMA_CODES.has(e.code) || SOCKET_CODES.has(e.code) || SQLSTATE.test(e.code))) return true;
  if (typeof e.kind === "string" && ADAPTER_KINDS.has(e.kind)) return true;
  if (typeof e.originalCode === "string" && (SOCKET_CODES.has(e.originalCode) || SQLSTATE.test(e.originalCode))) return true;
  if (typeof e.message === "string" && MESSAGES.test(e.message)) return true;
  const meta = e.meta && typeof e.meta === "object" ? (e.meta as Shape).driverAdapterError : undefined;
  const nested = [e.cause, meta, e.driverAdapterError, ...(Array.isArray(e.errors) ? e.errors : [])];
  return nested.some((n) => isDatabaseUnavailable(n, depth + 1));
}

export const DATABASE_DOWN = Symbol("database unreachable");

/**
 * For pages: `fn`'s result, or DATABASE_DOWN when the database cannot be reached, so the page can
 * render its "unreachable, retrying" state; every other error (and redirect()) is thrown as it is.
 */
export async function unlessDatabaseDown<T>(fn: () => Promise<T>): Promise<T | typeof DATABASE_DOWN> {
  try {
    return await fn();
  } catch (err) {
    if (isDatabaseUnavailable(err)) return DATABASE_DOWN;
    throw err;
  }
}

type State = { lastAnsweredAt: number | null; watched: WeakSet<object> };
const g = globalThis as unknown as { __rollcallDbAvailability?: State };
const state = (g.__rollcallDbAvailability ??= { lastAnsweredAt: null, watched: new WeakSet() });

/** Records that the database answered (a query came back, with rows or with an SQL error). */
export function noteDatabaseAnswered(at: Date = new Date()) {
  if (state.lastAnsweredAt === null || at.getTime() > state.lastAnsweredAt) state.lastAnsweredAt = at.getTime();
}

/** When the database last answered this process, or null when it has not since start. */
export function databaseLastAnsweredAt(): Date | null {
  return state.lastAnsweredAt === null ? null : new Date(state.lastAnsweredAt);
}

/**
 * Notes an answer whenever a pooled connection goes back to the pool healthy: every query checks
 * one out, so this follows real traffic at no cost. A release with a connection error is no answer.
 */
export function watchPool(pool: pg.Pool) {
  if (state.watched.has(pool)) return;
  state.watched.add(pool);
  pool.on("release", (err: Error | undefined) => {
    if (!err || !isDatabaseUnavailable(err)) noteDatabaseAnswered();
  });
}

/** For tests. */
export function resetDatabaseAvailability() {
  state.lastAnsweredAt = null;
}
