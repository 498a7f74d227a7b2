import type { Db } from "../db/client.ts";
import { appendAudit } from "../audit/index.ts";
import { SYSTEM } from "../auth/actor.ts";
import { generatePassword, hashPassword } from "../auth/password.ts";
import { DEMO_INCIDENTS, DEMO_PASSWORD, DEMO_SERVICES, DEMO_USERS } from "./demo-data.ts";

export const SETUP_ADMIN_EMAIL = "admin@rollcall.local";

export type FirstRun =
  | { kind: "none" }
  | { kind: "admin-from-env"; email: string }
  | { kind: "setup-password"; email: string; password: string };

/** On an empty user table: the admin from ADMIN_EMAIL/ADMIN_PASSWORD, or a one-time setup password. */
export async function ensureFirstAdmin(db: Db, adminEmail?: string, adminPassword?: string): Promise<FirstRun> {
  if ((await db.user.count()) > 0) return { kind: "none" };
  const email = (adminEmail ?? SETUP_ADMIN_EMAIL).toLowerCase();
  const password = adminPassword ?? generatePassword();
  const passwordHash = await hashPassword(password);
  const created = await db.$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(7261003)`;
    if ((await tx.user.count()) > 0) return false;
    const user = await tx.user.create({ data: { email, name: "Administrator", role: "admin", passwordHash } });
    await appendAudit(tx, { actor: SYSTEM }, { action: "user.bootstrap", targetType: "user", targetId: user.id, after: { email, role: "admin" } });
    return true;
  });
  if (!created) return { kind: "none" };
  return adminPassword ? { kind: "admin-from-env", email } : { kind: "setup-password", email, password };
}

/** Demo data for the embedded quick start. Idempotent: existing rows are left as they are. */
export async function seedDemo(db: Db, now = new Date()) {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(7261003)`;
    for (const s of DEMO_SERVICES) {
      await tx.service.upsert({ where: { name: s.name }, create: { ...s }, update: {} });
    }
    for (const u of DEMO_USERS) {
      const existing = await tx.user.findUnique({ where: { email: u.email }, select: { id: true } });
      if (existing) continue;
      const user = await tx.user.create({ data: { ...u, passwordHash } });
      await appendAudit(tx, { actor: SYSTEM }, { action: "user.create", targetType: "user", targetId: user.id, after: { ...u, demo: true } });
    }
    await tx.setting.upsert({
      where: { key: "demo" },
      create: { key: "demo", value: { password: DEMO_PASSWORD, users: DEMO_USERS.map((u) => ({ email: u.email, role: u.role })) } },
      update: {},
    });
  });
  if ((await db.incident.count()) > 0) return;
  const { createDemoIncidents } = await import("./demo-incidents.ts");
  await createDemoIncidents(db, DEMO_INCIDENTS, now);
}
