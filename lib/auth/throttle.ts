import { createHash } from "node:crypto";
import type pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";

/**
 * Failed sign-ins are counted per account and client address together, so wrong passwords from
 * one place never lock the account for anyone else, and per client address across all accounts
 * (a looser limit against password spraying). The client address is the one server.ts stamped,
 * behind TRUSTED_PROXIES when set (lib/auth/client-ip.ts).
 */
export const THROTTLE = {
  accountAndIp: { failures: 5, windowSeconds: 15 * 60, lockSeconds: 15 * 60 },
  ip: { failures: 50, windowSeconds: 15 * 60, lockSeconds: 15 * 60 },
} as const;

/** Created by a migration (prisma/schema.prisma, SignInRateLimit), never by the limiter. */
export const THROTTLE_TABLE = "sign_in_rate_limit";

export type FailureResult = { lockedUntil: Date | null; lockStarted: boolean };

export type SignInThrottle = {
  /** The time until which this client may not sign in to this account, or null. */
  lockedUntil(email: string, ip: string | null): Promise<Date | null>;
  recordFailure(email: string, ip: string | null): Promise<FailureResult>;
  /** Forgets this client's failures for the account (not the per-address count). */
  recordSuccess(email: string, ip: string | null): Promise<void>;
};

type Limit = (typeof THROTTLE)[keyof typeof THROTTLE];

function limiter(pool: pg.Pool, keyPrefix: string, limit: Limit) {
  return new RateLimiterPostgres({
    storeClient: pool,
    storeType: "pool",
    tableName: THROTTLE_TABLE,
    tableCreated: true,
    keyPrefix,
    // The failure that reaches `failures` is the one that exceeds `points` and starts the lock.
    points: limit.failures - 1,
    duration: limit.windowSeconds,
    blockDuration: limit.lockSeconds,
  });
}

// The table's key is varchar(255): an email (up to 254) and an address would not fit as text.
const accountKey = (email: string, ip: string | null) =>
  createHash("sha256").update(`${email.trim().toLowerCase()}\n${ip ?? "unknown"}`).digest("base64url");
const ipKey = (ip: string | null) => ip ?? "unknown";

function lockEnd(res: RateLimiterRes | null, points: number): Date | null {
  if (!res || res.consumedPoints <= points) return null;
  return new Date(Date.now() + Math.max(res.msBeforeNext, 0));
}

function later(a: Date | null, b: Date | null) {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

export function createSignInThrottle(pool: pg.Pool): SignInThrottle {
  const byAccount = limiter(pool, "acct-ip", THROTTLE.accountAndIp);
  const byIp = limiter(pool, "ip", THROTTLE.ip);
  return {
    async lockedUntil(email, ip) {
      const [a, i] = await Promise.all([byAccount.get(accountKey(email, ip)), byIp.get(ipKey(ip))]);
      return later(lockEnd(a, byAccount.points), lockEnd(i, byIp.points));
    },
    async recordFailure(email, ip) {
      // consume() rejects with a RateLimiterRes once over the limit, with an Error if the store fails.
      const outcomes = await Promise.all(
        [
          [byAccount, accountKey(email, ip)],
          [byIp, ipKey(ip)],
        ].map(async ([l, key]) => {
          const rl = l as RateLimiterPostgres;
          try {
            await rl.consume(key as string);
            return { until: null, started: false };
          } catch (res) {
            if (!(res instanceof RateLimiterRes)) throw res;
            return { until: lockEnd(res, rl.points), started: res.consumedPoints === rl.points + 1 };
          }
        }),
      );
      return {
        lockedUntil: outcomes.reduce<Date | null>((acc, o) => later(acc, o.until), null),
        lockStarted: outcomes.some((o) => o.started),
      };
    },
    async recordSuccess(email, ip) {
      await byAccount.delete(accountKey(email, ip));
    },
  };
}

// One throttle per pool; the custom server and Next's bundles each load this module.
const g = globalThis as unknown as { __rollcallThrottles?: WeakMap<pg.Pool, SignInThrottle> };

export function signInThrottle(pool: pg.Pool): SignInThrottle {
  const cache = (g.__rollcallThrottles ??= new WeakMap());
  let t = cache.get(pool);
  if (!t) cache.set(pool, (t = createSignInThrottle(pool)));
  return t;
}
