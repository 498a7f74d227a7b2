import type { Db } from "../db/client.ts";
import { appendAudit } from "../audit/index.ts";
import { SYSTEM } from "../auth/actor.ts";
import { generatePassword, hashPassword } from "../auth/password.ts";
import { policyState } from "../decisions/policy-registry.ts";
import type { Tx } from "../db/client.ts";
import { DEMO_CONTACTS, DEMO_INCIDENTS, DEMO_PASSWORD, DEMO_SERVICES, DEMO_USERS } from "./demo-data.ts";
import { BOOTSTRAP_LOCK } from "../db/locks.ts";

export const SETUP_ADMIN_EMAIL = "admin@rollcall.local";

export type FirstRun =
  | { kind: "none" }
  | { kind: "admin-from-env"; email: string }
  | { kind: "setup-password"; email: string; password: string };

/**
 * On an empty user table: the admin from ADMIN_EMAIL/ADMIN_PASSWORD, or a one-time setup password
 * that must be changed at first sign-in (it is printed in the start log, so it stops working then).
 */
export async function ensureFirstAdmin(db: Db, adminEmail?: string, adminPassword?: string): Promise<FirstRun> {
  if ((await db.user.count()) > 0) return { kind: "none" };
  const email = (adminEmail ?? SETUP_ADMIN_EMAIL).toLowerCase();
  const password = adminPassword ?? generatePassword();
  const passwordHash = await hashPassword(password);
  const created = await db.$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`;
    if ((await tx.user.count()) > 0) return false;
    const user = await tx.user.create({ data: { email, name: "Administrator", role: "admin", passwordHash, mustChangePassword: !adminPassword } });
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
    await tx.$executeRaw`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`;
    for (const s of DEMO_SERVICES) {
      await tx.service.upsert({ where: { name: s.name }, create: { ...s, environments: "environments" in s ? [...s.environments] : undefined }, update: {} });
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
    await seedDemoContacts(tx);
  });
  if ((await db.incident.count()) > 0) return;
  const { createDemoIncidents } = await import("./demo-incidents.ts");
  await createDemoIncidents(db, DEMO_INCIDENTS, now);
}

/**
 * Seed 001's contacts, and a first saved escalation path: the policy's steps with the contact of
 * the same name on each (On-call engineer, DevOps lead, CTO), so demo escalations name a person.
 */
async function seedDemoContacts(tx: Tx) {
  if ((await tx.contact.count()) > 0) return;
  const byName = new Map<string, string>();
  for (const c of DEMO_CONTACTS) {
    const { userEmail, ...fields } = c;
    const user = userEmail ? await tx.user.findUnique({ where: { email: userEmail }, select: { id: true } }) : null;
    const created = await tx.contact.create({ data: { ...fields, userId: user?.id ?? null }, select: { id: true } });
    byName.set(c.name.toLowerCase(), created.id);
    await appendAudit(tx, { actor: SYSTEM }, { action: "contact.create", targetType: "contact", targetId: created.id, after: { ...fields, demo: true } });
  }
  const policySteps = policyState().active?.policy.escalation ?? [];
  if (!policySteps.length || (await tx.escalationPathVersion.count()) > 0) return;
  const steps = policySteps.map((s) => {
    const id = byName.get(s.role.toLowerCase());
    return { afterMinutes: s.afterMinutes, role: s.role, ...(s.approverRole ? { approverRole: s.approverRole } : {}), contactIds: id ? [id] : [] };
  });
  await tx.escalationPathVersion.create({ data: { version: 1, steps, createdByLabel: "Rollcall (demo data)" } });
  await appendAudit(tx, { actor: SYSTEM }, { action: "escalation.save", targetType: "escalation_path", targetId: "1", before: { source: "policy" }, after: { version: 1, steps, demo: true } });
}
