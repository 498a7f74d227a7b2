import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { appError } from "../../test/app-error";
import type { Db } from "../db/client";
import type { Ctx } from "../auth/actor";
import type { RoleName } from "../auth/permissions";
import { verifyPassword } from "../auth/password";
import { verifyAuditChain } from "../audit/verify";
import { ensureFirstAdmin, seedDemo, SETUP_ADMIN_EMAIL } from "../setup/bootstrap";
import { DEMO_PASSWORD } from "../setup/demo-data";
import { changeRole, createUser, setActive } from "./manage-users";

const drops: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const drop of drops) await drop();
});

async function fresh(): Promise<Db> {
  const f = await freshDatabase("users");
  drops.push(f.drop);
  return f.db;
}

async function userCtx(db: Db, role: RoleName): Promise<Ctx & { actor: { type: "user"; id: string } }> {
  const u = await db.user.create({
    data: { email: `${role}-${randomUUID()}@example.test`, name: `Test ${role}`, role },
    select: { id: true, email: true, name: true, role: true },
  });
  return { actor: { type: "user", ...u }, ip: "192.0.2.10" };
}


function auditText(rows: unknown[]): string {
  return JSON.stringify(rows, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

describe("managing users", () => {
  let db: Db;
  let admin: Awaited<ReturnType<typeof userCtx>>;
  beforeAll(async () => {
    db = await fresh();
    admin = await userCtx(db, "admin");
  });

  it("lets an admin add a user whose password is stored hashed and never audited", async () => {
    const password = "tr0ub4dor&3-horse-staple";
    const created = await createUser({
      ctx: admin,
      input: { email: "Grace@Example.test", name: "Grace Hopper", role: "teamlead", password },
    });
    expect(created).toMatchObject({ email: "grace@example.test", role: "teamlead" });

    const stored = await db.user.findUniqueOrThrow({
      where: { id: created.id },
      select: { passwordHash: true, active: true, name: true },
    });
    expect(stored.active).toBe(true);
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    expect(stored.passwordHash).not.toContain(password);
    expect(await verifyPassword(password, stored.passwordHash)).toBe(true);
    expect(await verifyPassword("tr0ub4dor&3-horse-stapl", stored.passwordHash)).toBe(false);

    const rows = await db.auditEvent.findMany({ where: { action: "user.create", targetId: created.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorId: admin.actor.id, actorRole: "admin" });
    expect(rows[0]!.after).toMatchObject({ email: "grace@example.test", role: "teamlead" });
    const everything = auditText(await db.auditEvent.findMany());
    expect(everything).not.toContain(password);
    expect(everything).not.toContain(stored.passwordHash!);
  });

  it("refuses a second account with the same email, whatever its case", async () => {
    const input = { email: "dup@example.test", name: "First", role: "viewer", password: "long-enough-password" };
    await createUser({ ctx: admin, input });
    const before = await db.user.count();
    const err = await appError(createUser({ ctx: admin, input: { ...input, email: "DUP@example.test", name: "Second" } }));
    expect(err.code).toBe("CONFLICT");
    expect(err.fieldErrors.email).toBeDefined();
    expect(await db.user.count()).toBe(before);
  });

  it("refuses a team lead, and writes neither user nor audit row", async () => {
    const lead = await userCtx(db, "teamlead");
    const [users, audit] = [await db.user.count(), await db.auditEvent.count()];
    const err = await appError(
      createUser({ ctx: lead, input: { email: "sneaky@example.test", name: "Sneaky", role: "admin", password: "long-enough-password" } }),
    );
    expect(err.code).toBe("FORBIDDEN");
    expect(await db.user.count()).toBe(users);
    expect(await db.auditEvent.count()).toBe(audit);

    const target = await userCtx(db, "viewer");
    expect((await appError(changeRole({ ctx: lead, input: { userId: target.actor.id, role: "admin" } }))).code).toBe("FORBIDDEN");
    expect((await appError(setActive({ ctx: lead, input: { userId: target.actor.id, active: "false" } }))).code).toBe("FORBIDDEN");
    expect(await db.user.findUniqueOrThrow({ where: { id: target.actor.id }, select: { role: true, active: true } })).toEqual({
      role: "viewer",
      active: true,
    });
  });

  it("records role changes and deactivation in the audit trail", async () => {
    const target = await userCtx(db, "viewer");
    const id = target.actor.id;
    await changeRole({ ctx: admin, input: { userId: id, role: "oncall" } });
    await setActive({ ctx: admin, input: { userId: id, active: "false" } });
    await setActive({ ctx: admin, input: { userId: id, active: "true" } });

    expect(await db.user.findUniqueOrThrow({ where: { id }, select: { role: true, active: true } })).toEqual({
      role: "oncall",
      active: true,
    });
    const rows = await db.auditEvent.findMany({
      where: { targetType: "user", targetId: id },
      orderBy: { id: "asc" },
      select: { action: true, actorId: true, before: true, after: true },
    });
    expect(rows).toEqual([
      { action: "user.role", actorId: admin.actor.id, before: { role: "viewer" }, after: { role: "oncall" } },
      { action: "user.deactivate", actorId: admin.actor.id, before: { active: true }, after: { active: false } },
      { action: "user.activate", actorId: admin.actor.id, before: { active: false }, after: { active: true } },
    ]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });
});

describe("administrators", () => {
  it("cannot remove the last active administrator, by demotion or deactivation", async () => {
    const db = await fresh();
    const a = await userCtx(db, "admin");
    const b = await userCtx(db, "admin");
    // Two admins: demoting one is fine, and leaves A as the last.
    await changeRole({ ctx: a, input: { userId: b.actor.id, role: "viewer" } });

    const demote = await appError(changeRole({ ctx: a, input: { userId: a.actor.id, role: "teamlead" } }));
    expect(demote.code).toBe("CONFLICT");
    expect(demote.message).toMatch(/last active administrator/);

    // An admin API token is not A, so the self-deactivation rule does not mask the last-admin rule.
    const token: Ctx = { actor: { type: "token", id: "tok_1", label: "ops token", role: "admin" } };
    const deactivate = await appError(setActive({ ctx: token, input: { userId: a.actor.id, active: "false" } }));
    expect(deactivate.code).toBe("CONFLICT");
    expect(deactivate.message).toMatch(/last active administrator/);

    expect(await db.user.findUniqueOrThrow({ where: { id: a.actor.id }, select: { role: true, active: true } })).toEqual({
      role: "admin",
      active: true,
    });
  });

  it("two admins demoting each other at once leave one admin standing", async () => {
    const db = await fresh();
    const a = await userCtx(db, "admin");
    const b = await userCtx(db, "admin");
    const results = await Promise.allSettled([
      changeRole({ ctx: a, input: { userId: b.actor.id, role: "viewer" } }),
      changeRole({ ctx: b, input: { userId: a.actor.id, role: "viewer" } }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.user.count({ where: { role: "admin", active: true } })).toBe(1);
  });

  it("cannot deactivate themself", async () => {
    const db = await fresh();
    const a = await userCtx(db, "admin");
    await userCtx(db, "admin");
    const err = await appError(setActive({ ctx: a, input: { userId: a.actor.id, active: "false" } }));
    expect(err.code).toBe("CONFLICT");
    expect(err.message).toMatch(/your own account/);
    expect((await db.user.findUniqueOrThrow({ where: { id: a.actor.id }, select: { active: true } })).active).toBe(true);
  });
});

describe("first run", () => {
  it("creates one admin with a setup password that signs in, and does nothing the second time", async () => {
    const db = await fresh();
    const first = await ensureFirstAdmin(db);
    if (first.kind !== "setup-password") throw new Error(`expected a setup password, got ${first.kind}`);
    expect(first.email).toBe(SETUP_ADMIN_EMAIL);
    expect(first.password.length).toBeGreaterThanOrEqual(12);

    const admin = await db.user.findUniqueOrThrow({
      where: { email: SETUP_ADMIN_EMAIL },
      select: { id: true, role: true, active: true, passwordHash: true },
    });
    expect(admin).toMatchObject({ role: "admin", active: true });
    expect(await verifyPassword(first.password, admin.passwordHash)).toBe(true);
    const audit = await db.auditEvent.findMany({ select: { action: true, actorType: true, targetId: true } });
    expect(audit).toEqual([{ action: "user.bootstrap", actorType: "system", targetId: admin.id }]);
    expect(auditText(await db.auditEvent.findMany())).not.toContain(first.password);

    expect(await ensureFirstAdmin(db)).toEqual({ kind: "none" });
    expect(await db.user.count()).toBe(1);
    expect(await db.auditEvent.count()).toBe(1);
  });

  it("seeds the demo once: services with their RTO/RPO, one user per role, three incidents", async () => {
    const db = await fresh();
    await seedDemo(db);
    const snapshot = async () => ({
      services: await db.service.findMany({ orderBy: { name: "asc" }, select: { name: true, rtoMinutes: true, rpoMinutes: true } }),
      users: await db.user.findMany({ orderBy: { email: "asc" }, select: { email: true, role: true } }),
      incidents: await db.incident.findMany({ orderBy: { key: "asc" }, select: { key: true, title: true, status: true } }),
      audit: await db.auditEvent.count(),
    });
    const once = await snapshot();

    expect(once.services).toEqual([
      { name: "Core API", rtoMinutes: 5, rpoMinutes: 1 },
      { name: "User Auth", rtoMinutes: 5, rpoMinutes: 1 },
      { name: "Database", rtoMinutes: 15, rpoMinutes: 5 },
      { name: "File Storage", rtoMinutes: 30, rpoMinutes: 15 },
      { name: "Analytics", rtoMinutes: 120, rpoMinutes: 60 },
      // The quick start's own demo service, rolled back for real by the demo-service runbook.
      { name: "Demo Checkout", rtoMinutes: 5, rpoMinutes: 1 },
    ].sort((x, y) => x.name.localeCompare(y.name)));
    expect(once.users.map((u) => u.role).sort()).toEqual(["admin", "oncall", "productowner", "teamlead", "viewer"]);
    expect(once.incidents).toHaveLength(3);
    expect(once.incidents.map((i) => i.status).sort()).toEqual(["detected", "investigating", "monitoring"]);

    const oncall = await db.user.findUniqueOrThrow({ where: { email: "oncall@rollcall.demo" }, select: { passwordHash: true } });
    expect(await verifyPassword(DEMO_PASSWORD, oncall.passwordHash)).toBe(true);

    await seedDemo(db);
    expect(await snapshot()).toEqual(once);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: once.audit });
  });
});
