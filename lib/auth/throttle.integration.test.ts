import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import type { Db } from "../db/client";
import { lockedUntil, recordFailure, recordSuccess, THROTTLE } from "./throttle";

let db: Db;
let drop: () => Promise<void>;
let n = 0;

beforeAll(async () => {
  ({ db, drop } = await freshDatabase("throttle"));
});

afterAll(async () => {
  await drop?.();
});

// Each test uses its own account and IP so counters do not leak between tests.
function fresh() {
  n++;
  return { email: `user${n}@example.test`, ip: `198.51.100.${n}` };
}

const at = (base: Date, ms: number) => new Date(base.getTime() + ms);
const MIN = 60_000;

async function fail(email: string, ip: string | null, times: number, now: Date) {
  for (let i = 0; i < times; i++) await recordFailure(db, email, ip, at(now, i * 1000));
}

describe("sign-in throttling", () => {
  it("locks an account after 5 failures, for 15 minutes", async () => {
    const { email, ip } = fresh();
    const t0 = new Date("2026-03-01T10:00:00Z");
    await fail(email, ip, THROTTLE.maxPerAccount - 1, t0);
    expect(await lockedUntil(db, email, ip, at(t0, 10_000))).toBeNull();

    await recordFailure(db, email, ip, at(t0, 10_000));
    const until = await lockedUntil(db, email, ip, at(t0, 11_000));
    expect(until?.getTime()).toBe(at(t0, 10_000 + THROTTLE.lockMs).getTime());
    // The lock is per account: the same person from another network is still locked,
    expect(await lockedUntil(db, email, "203.0.113.99", at(t0, 11_000))).not.toBeNull();
    // the email is matched case-insensitively,
    expect(await lockedUntil(db, email.toUpperCase(), null, at(t0, 11_000))).not.toBeNull();
    // and it lifts when the lock expires.
    expect(await lockedUntil(db, email, ip, at(t0, 10_000 + THROTTLE.lockMs + 1))).toBeNull();
  });

  it("forgets an account's failures after a successful sign-in", async () => {
    const { email, ip } = fresh();
    const t0 = new Date("2026-03-01T11:00:00Z");
    await fail(email, null, 4, t0);
    await recordSuccess(db, email);
    await fail(email, null, 4, at(t0, 10_000));
    expect(await lockedUntil(db, email, ip, at(t0, 20_000))).toBeNull();
    // Without the reset this fifth failure in the window would have locked at the fifth, not the ninth.
    await recordFailure(db, email, null, at(t0, 20_000));
    expect(await lockedUntil(db, email, ip, at(t0, 21_000))).not.toBeNull();
  });

  it("locks an IP after 20 failures across different accounts, without locking another IP", async () => {
    const { ip } = fresh();
    const t0 = new Date("2026-03-01T12:00:00Z");
    for (let i = 0; i < THROTTLE.maxPerIp - 1; i++) {
      await recordFailure(db, `spray${i}@example.test`, ip, at(t0, i * 1000));
    }
    expect(await lockedUntil(db, "victim@example.test", ip, at(t0, 30_000))).toBeNull();

    await recordFailure(db, "spray-last@example.test", ip, at(t0, 30_000));
    expect(await lockedUntil(db, "victim@example.test", ip, at(t0, 31_000))).not.toBeNull();
    expect(await lockedUntil(db, "victim@example.test", "192.0.2.250", at(t0, 31_000))).toBeNull();
  });

  it("does not count failures older than the window", async () => {
    const { email, ip } = fresh();
    const t0 = new Date("2026-03-01T13:00:00Z");
    await fail(email, ip, 4, t0);
    // Sixteen minutes later the old window has closed: this starts a new one.
    const t1 = at(t0, 16 * MIN);
    await recordFailure(db, email, ip, t1);
    expect(await lockedUntil(db, email, ip, at(t1, 1000))).toBeNull();
    await fail(email, ip, 3, at(t1, 1000));
    expect(await lockedUntil(db, email, ip, at(t1, 5000))).toBeNull();
    await recordFailure(db, email, ip, at(t1, 5000));
    expect(await lockedUntil(db, email, ip, at(t1, 6000))).not.toBeNull();
  });

  it("counts concurrent failures exactly", async () => {
    const { email } = fresh();
    const t0 = new Date("2026-03-01T14:00:00Z");
    await Promise.all(Array.from({ length: THROTTLE.maxPerAccount }, () => recordFailure(db, email, null, t0)));
    expect(await lockedUntil(db, email, null, at(t0, 1000))).not.toBeNull();
  });
});
