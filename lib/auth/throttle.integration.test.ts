import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { freshDatabase } from "../../test/db";
import { createSignInThrottle, THROTTLE, type SignInThrottle } from "./throttle";

// rate-limiter-flexible's PostgreSQL store on the migrated table, as two server instances would
// use it: two pools, one database.
let url: string;
let drop: () => Promise<void>;
const pools: pg.Pool[] = [];
let one: SignInThrottle;
let two: SignInThrottle;
let n = 0;

beforeAll(async () => {
  ({ url, drop } = await freshDatabase("throttle"));
  for (let i = 0; i < 2; i++) pools.push(new pg.Pool({ connectionString: url, max: 3 }));
  one = createSignInThrottle(pools[0]!);
  two = createSignInThrottle(pools[1]!);
});
afterAll(async () => {
  for (const p of pools) await p.end();
  await drop?.();
});
afterEach(() => {
  vi.useRealTimers();
});

function fresh() {
  n++;
  return { email: `user${n}@example.test`, ip: `198.51.100.${n}` };
}

describe("sign-in throttling (rate-limiter-flexible, PostgreSQL store)", () => {
  it("locks an account for one client address after 5 failures, counted across instances, and not for another address", async () => {
    const { email, ip } = fresh();
    for (let i = 0; i < THROTTLE.accountAndIp.failures - 1; i++) {
      const r = await (i % 2 ? two : one).recordFailure(email, ip);
      expect(r.lockedUntil).toBeNull();
    }
    expect(await one.lockedUntil(email, ip)).toBeNull();
    const fifth = await two.recordFailure(email, ip);
    expect(fifth).toMatchObject({ lockStarted: true });
    expect(fifth.lockedUntil).toBeInstanceOf(Date);
    expect(await one.lockedUntil(email, ip)).not.toBeNull();
    expect(await one.lockedUntil(email.toUpperCase(), ip)).not.toBeNull();
    expect(await two.lockedUntil(email, "203.0.113.99")).toBeNull();
    expect(await two.lockedUntil("someone-else@example.test", ip)).toBeNull();
  });

  it("lifts the lock when it expires", async () => {
    const { email, ip } = fresh();
    vi.useFakeTimers({ toFake: ["Date"], now: new Date() });
    for (let i = 0; i < THROTTLE.accountAndIp.failures; i++) await one.recordFailure(email, ip);
    expect(await one.lockedUntil(email, ip)).not.toBeNull();
    vi.setSystemTime(Date.now() + THROTTLE.accountAndIp.lockSeconds * 1000 - 1000);
    expect(await one.lockedUntil(email, ip)).not.toBeNull();
    vi.setSystemTime(Date.now() + 2000);
    expect(await one.lockedUntil(email, ip)).toBeNull();
  });

  it("forgets an address's failures for an account after it signs in", async () => {
    const { email, ip } = fresh();
    for (let i = 0; i < 4; i++) await one.recordFailure(email, ip);
    await two.recordSuccess(email, ip);
    for (let i = 0; i < 4; i++) await one.recordFailure(email, ip);
    expect(await one.lockedUntil(email, ip)).toBeNull();
    await one.recordFailure(email, ip);
    expect(await one.lockedUntil(email, ip)).not.toBeNull();
  });

  it("locks an address after 50 failures across accounts, without locking another address", async () => {
    const { ip } = fresh();
    for (let i = 0; i < THROTTLE.ip.failures - 1; i++) await (i % 2 ? one : two).recordFailure(`spray${i}@example.test`, ip);
    expect(await one.lockedUntil("victim@example.test", ip)).toBeNull();
    const last = await one.recordFailure("spray-last@example.test", ip);
    expect(last.lockStarted).toBe(true);
    expect(await one.lockedUntil("victim@example.test", ip)).not.toBeNull();
    expect(await one.lockedUntil("victim@example.test", "192.0.2.250")).toBeNull();
  });

  it("counts concurrent failures from two instances exactly", async () => {
    const { email, ip } = fresh();
    const results = await Promise.all(Array.from({ length: THROTTLE.accountAndIp.failures }, (_, i) => (i % 2 ? one : two).recordFailure(email, ip)));
    expect(results.filter((r) => r.lockStarted)).toHaveLength(1);
    expect(await one.lockedUntil(email, ip)).not.toBeNull();
  });

  it("keeps its counters in the migrated table (the limiter never creates one)", async () => {
    const { rows } = await pools[0]!.query<{ n: string }>("select count(*) as n from sign_in_rate_limit");
    expect(Number(rows[0]!.n)).toBeGreaterThan(0);
  });
});
