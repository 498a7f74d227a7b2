import type { Db } from "../db/client.ts";

// Per-account and per-IP: 5 failures per account or 20 per IP within 15 minutes lock for 15 minutes.
export const THROTTLE = {
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
  maxPerAccount: 5,
  maxPerIp: 20,
};

function keys(email: string, ip: string | null) {
  const k = [{ key: `acct:${email.toLowerCase()}`, max: THROTTLE.maxPerAccount }];
  if (ip) k.push({ key: `ip:${ip}`, max: THROTTLE.maxPerIp });
  return k;
}

/** Returns the time until which sign-in is locked, or null when attempts are allowed. */
export async function lockedUntil(db: Db, email: string, ip: string | null, now = new Date()) {
  const rows = await db.loginThrottle.findMany({
    where: { key: { in: keys(email, ip).map((k) => k.key) }, lockedUntil: { gt: now } },
    select: { lockedUntil: true },
  });
  const times = rows.map((r) => r.lockedUntil!.getTime());
  return times.length ? new Date(Math.max(...times)) : null;
}

export async function recordFailure(db: Db, email: string, ip: string | null, now = new Date()) {
  for (const { key, max } of keys(email, ip)) {
    // One statement so concurrent failures count correctly across instances.
    await db.$executeRaw`
      insert into "LoginThrottle" ("key", "failures", "windowStart", "lockedUntil")
      values (${key}, 1, ${now}, null)
      on conflict ("key") do update set
        "failures" = case when "LoginThrottle"."windowStart" < ${new Date(now.getTime() - THROTTLE.windowMs)}
                          then 1 else "LoginThrottle"."failures" + 1 end,
        "windowStart" = case when "LoginThrottle"."windowStart" < ${new Date(now.getTime() - THROTTLE.windowMs)}
                          then ${now} else "LoginThrottle"."windowStart" end,
        "lockedUntil" = case when "LoginThrottle"."windowStart" >= ${new Date(now.getTime() - THROTTLE.windowMs)}
                               and "LoginThrottle"."failures" + 1 >= ${max}
                          then ${new Date(now.getTime() + THROTTLE.lockMs)} else "LoginThrottle"."lockedUntil" end`;
  }
}

export async function recordSuccess(db: Db, email: string) {
  await db.loginThrottle.deleteMany({ where: { key: `acct:${email.toLowerCase()}` } });
}
