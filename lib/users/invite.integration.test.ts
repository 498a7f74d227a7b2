import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { setEnv } from "../env";
import { appError } from "../../test/app-error";
import { withAuditDown } from "../../test/audit-down";
import type { Db } from "../db/client";
import type { Ctx } from "../auth/actor";
import type { RoleName } from "../auth/permissions";
import { verifyPassword } from "../auth/password";
import { verifyAuditChain } from "../audit/verify";
import { acceptInvite, findInvitation, hashInviteToken, INVITE_NOT_VALID, inviteStatus, inviteUser, reissueInvite, revokeInvite } from "./invite";
import { teamSummary } from "./queries";
import { changeRole } from "./manage-users";

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date("2026-12-01T09:00:00.000Z");
const PASSWORD = "correct-horse-battery-staple";

let db: Db;
let url: string;
let drop: () => Promise<void>;
let admin: Ctx & { actor: { type: "user"; id: string } };
let n = 0;

beforeAll(async () => {
  ({ db, url, drop } = await freshDatabase("invite"));
  admin = await userCtx("admin");
});
afterAll(async () => {
  await drop();
});

async function userCtx(role: RoleName): Promise<Ctx & { actor: { type: "user"; id: string } }> {
  const u = await db.user.create({
    data: {
      email: `${role}-${randomUUID()}@example.test`,
      name: `Test ${role}`,
      role,
    },
    select: { id: true, email: true, name: true, role: true },
  });
  return { actor: { type: "user", ...u }, ip: "192.0.2.10" };
}

/** Runs `fn` on a database of its own (the verbs follow DATABASE_URL), then returns to the shared one. */
async function onFreshDatabase(prefix: string, fn: () => Promise<void>) {
  const f = await freshDatabase(prefix);
  const saved = db;
  db = f.db;
  try {
    await fn();
  } finally {
    db = saved;
    setEnv("DATABASE_URL", url);
    await f.drop();
  }
}

function person(role: RoleName = "oncall") {
  n += 1;
  return {
    email: `Invitee-${n}-${randomUUID().slice(0, 8)}@Example.test`,
    name: `Invitee ${n}`,
    role,
  };
}

function tokenOf(link: string): string {
  const m = /\/invite\/([A-Za-z0-9_-]+)$/.exec(link);
  if (!m) throw new Error(`not an invitation link: ${link}`);
  return m[1]!;
}

const stored = (id: string) =>
  db.user.findUniqueOrThrow({
    where: { id },
    select: {
      email: true,
      role: true,
      active: true,
      passwordHash: true,
      inviteTokenHash: true,
      inviteExpiresAt: true,
    },
  });

function auditText(rows: unknown[]): string {
  return JSON.stringify(rows, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

describe("inviting a user", () => {
  it("creates the user without a password, stores only the token's SHA-256, and audits without the token", async () => {
    const who = person("oncall");
    const invite = await inviteUser({ ctx: admin, input: who, now: T0 });
    const token = tokenOf(invite.link);
    expect(invite.token).toBe(token);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(invite.expiresAt).toEqual(new Date(T0.getTime() + 7 * DAY));
    expect(invite.user).toMatchObject({
      email: who.email.toLowerCase(),
      role: "oncall",
    });

    const row = await stored(invite.user.id);
    expect(row).toMatchObject({
      active: true,
      passwordHash: null,
      inviteExpiresAt: new Date(T0.getTime() + 7 * DAY),
    });
    expect(row.inviteTokenHash).toBe(hashInviteToken(token));
    expect(row.inviteTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.inviteTokenHash).not.toContain(token);

    const audit = await db.auditEvent.findMany({
      where: { action: "user.invite", targetId: invite.user.id },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: admin.actor.id,
      actorRole: "admin",
    });
    expect(audit[0]!.after).toMatchObject({
      email: who.email.toLowerCase(),
      name: who.name,
      role: "oncall",
    });
    const everything = auditText(await db.auditEvent.findMany());
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(row.inviteTokenHash);
  });

  it("refuses an email already in use, whatever its case, with a field error and no change", async () => {
    const who = person();
    await inviteUser({ ctx: admin, input: who, now: T0 });
    const [users, audit] = [await db.user.count(), await db.auditEvent.count()];
    const err = await appError(
      inviteUser({
        ctx: admin,
        input: { ...who, email: who.email.toUpperCase() },
        now: T0,
      }),
    );
    expect(err.code).toBe("CONFLICT");
    expect(err.fieldErrors.email).toEqual(["Already in use."]);
    expect([await db.user.count(), await db.auditEvent.count()]).toEqual([users, audit]);
  });

  it("rejects a bad email, a missing name and an unknown role", async () => {
    const err = await appError(
      inviteUser({
        ctx: admin,
        input: { email: "nope", name: " ", role: "overlord" },
        now: T0,
      }),
    );
    expect(err.code).toBe("VALIDATION");
    expect(Object.keys(err.fieldErrors).sort()).toEqual(["email", "name", "role"]);
  });
});

describe("accepting an invitation", () => {
  it("sets the password, clears the token, audits as the invitee, and works only once", async () => {
    const who = person("teamlead");
    const invite = await inviteUser({ ctx: admin, input: who, now: T0 });
    const token = tokenOf(invite.link);
    const later = new Date(T0.getTime() + 2 * DAY);

    expect(await findInvitation(token, later)).toMatchObject({
      name: who.name,
      role: "teamlead",
      email: who.email.toLowerCase(),
    });
    const accepted = await acceptInvite({
      input: { token, password: PASSWORD, confirm: PASSWORD },
      ip: "198.51.100.7",
      now: later,
    });
    expect(accepted).toEqual({
      email: who.email.toLowerCase(),
      name: who.name,
      role: "teamlead",
    });

    const row = await stored(invite.user.id);
    expect(row.inviteTokenHash).toBeNull();
    expect(row.inviteExpiresAt).toBeNull();
    expect(await verifyPassword(PASSWORD, row.passwordHash)).toBe(true);
    expect(await verifyPassword(`${PASSWORD}!`, row.passwordHash)).toBe(false);

    const audit = await db.auditEvent.findMany({
      where: { action: "user.invite_accept", targetId: invite.user.id },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorType: "user",
      actorId: invite.user.id,
      actorRole: "teamlead",
      ip: "198.51.100.7",
    });
    const everything = auditText(await db.auditEvent.findMany());
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(token);

    // A replay of the same link, even with another password, changes nothing.
    const auditCount = await db.auditEvent.count();
    expect(await findInvitation(token, later)).toBeNull();
    const replay = await appError(
      acceptInvite({
        input: {
          token,
          password: "attacker-password-123",
          confirm: "attacker-password-123",
        },
        now: later,
      }),
    );
    expect(replay.code).toBe("NOT_FOUND");
    expect(replay.message).toBe(INVITE_NOT_VALID);
    expect(await verifyPassword(PASSWORD, (await stored(invite.user.id)).passwordHash)).toBe(true);
    expect(await db.auditEvent.count()).toBe(auditCount);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it("lets exactly one of two simultaneous accepts win", async () => {
    const invite = await inviteUser({ ctx: admin, input: person(), now: T0 });
    const token = tokenOf(invite.link);
    const results = await Promise.allSettled(
      ["first-password-123", "second-password-456"].map((p) => acceptInvite({ input: { token, password: p, confirm: p }, now: T0 })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(
      await db.auditEvent.count({
        where: { action: "user.invite_accept", targetId: invite.user.id },
      }),
    ).toBe(1);
  });

  it("refuses an expired link, with the same message as an unknown one", async () => {
    const invite = await inviteUser({ ctx: admin, input: person(), now: T0 });
    const token = tokenOf(invite.link);
    const justBefore = new Date(invite.expiresAt.getTime() - 1);
    expect(await findInvitation(token, justBefore)).not.toBeNull();
    expect(await findInvitation(token, invite.expiresAt)).toBeNull();

    const expired = await appError(
      acceptInvite({
        input: { token, password: PASSWORD, confirm: PASSWORD },
        now: invite.expiresAt,
      }),
    );
    const unknown = await appError(
      acceptInvite({
        input: { token: "A".repeat(43), password: PASSWORD, confirm: PASSWORD },
        now: T0,
      }),
    );
    const malformed = await appError(
      acceptInvite({
        input: { token: "short", password: PASSWORD, confirm: PASSWORD },
        now: T0,
      }),
    );
    for (const err of [expired, unknown, malformed]) {
      expect(err.code).toBe("NOT_FOUND");
      expect(err.message).toBe(INVITE_NOT_VALID);
    }
    expect((await stored(invite.user.id)).passwordHash).toBeNull();
  });

  it("keeps the password rules: at least 12 characters, both fields the same", async () => {
    const invite = await inviteUser({ ctx: admin, input: person(), now: T0 });
    const token = tokenOf(invite.link);
    const short = await appError(
      acceptInvite({
        input: { token, password: "too-short", confirm: "too-short" },
        now: T0,
      }),
    );
    expect(short.fieldErrors.password).toEqual(["Passwords need at least 12 characters."]);
    const differ = await appError(
      acceptInvite({
        input: { token, password: PASSWORD, confirm: `${PASSWORD}x` },
        now: T0,
      }),
    );
    expect(differ.fieldErrors.confirm).toEqual(["The two passwords differ."]);
    // Mistakes in the form do not use the link up.
    expect(await findInvitation(token, T0)).not.toBeNull();
  });

  it("refuses a deactivated invitee's link", async () => {
    const invite = await inviteUser({ ctx: admin, input: person(), now: T0 });
    await db.user.update({
      where: { id: invite.user.id },
      data: { active: false },
    });
    const err = await appError(
      acceptInvite({
        input: { token: invite.token, password: PASSWORD, confirm: PASSWORD },
        now: T0,
      }),
    );
    expect(err.message).toBe(INVITE_NOT_VALID);
  });
});

describe("re-issuing and revoking", () => {
  it("re-issuing gives a new link and the old one stops working, even after expiry", async () => {
    const invite = await inviteUser({ ctx: admin, input: person(), now: T0 });
    const old = tokenOf(invite.link);
    const later = new Date(T0.getTime() + 10 * DAY);
    expect(await findInvitation(old, later)).toBeNull();

    const again = await reissueInvite({
      ctx: admin,
      input: { userId: invite.user.id },
      now: later,
    });
    const fresh = tokenOf(again.link);
    expect(fresh).not.toBe(old);
    expect(again.expiresAt).toEqual(new Date(later.getTime() + 7 * DAY));
    expect(await findInvitation(old, later)).toBeNull();
    expect(await findInvitation(fresh, later)).toMatchObject({
      email: invite.user.email,
    });

    const err = await appError(
      acceptInvite({
        input: { token: old, password: PASSWORD, confirm: PASSWORD },
        now: later,
      }),
    );
    expect(err.message).toBe(INVITE_NOT_VALID);
    await acceptInvite({
      input: { token: fresh, password: PASSWORD, confirm: PASSWORD },
      now: later,
    });

    const audit = await db.auditEvent.findMany({
      where: { targetId: invite.user.id },
      orderBy: { id: "asc" },
      select: { action: true, before: true, after: true },
    });
    expect(audit.map((a) => a.action)).toEqual(["user.invite", "user.invite_reissue", "user.invite_accept"]);
    expect(audit[1]).toMatchObject({
      before: { expiresAt: invite.expiresAt.toISOString() },
      after: { expiresAt: again.expiresAt.toISOString() },
    });
    expect(auditText(audit)).not.toContain(fresh);

    // Accepted: nothing left to re-issue or revoke.
    expect(
      (
        await appError(
          reissueInvite({
            ctx: admin,
            input: { userId: invite.user.id },
            now: later,
          }),
        )
      ).code,
    ).toBe("CONFLICT");
    expect((await appError(revokeInvite({ ctx: admin, input: { userId: invite.user.id } }))).code).toBe("CONFLICT");
  });

  it("revoking deactivates the account and kills the link", async () => {
    const invite = await inviteUser({ ctx: admin, input: person(), now: T0 });
    await revokeInvite({ ctx: admin, input: { userId: invite.user.id } });
    expect(await stored(invite.user.id)).toMatchObject({
      active: false,
      passwordHash: null,
      inviteTokenHash: null,
      inviteExpiresAt: null,
    });
    expect(await findInvitation(invite.token, T0)).toBeNull();
    const err = await appError(
      acceptInvite({
        input: { token: invite.token, password: PASSWORD, confirm: PASSWORD },
        now: T0,
      }),
    );
    expect(err.message).toBe(INVITE_NOT_VALID);
    const audit = await db.auditEvent.findMany({
      where: { action: "user.invite_revoke", targetId: invite.user.id },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: admin.actor.id,
      after: { active: false },
    });
    // Revoked is not pending: no new link for it.
    expect(
      (
        await appError(
          reissueInvite({
            ctx: admin,
            input: { userId: invite.user.id },
            now: T0,
          }),
        )
      ).code,
    ).toBe("CONFLICT");
    // Inviting the same person again gives them a fresh, working link and an active account.
    const again = await inviteUser({ ctx: admin, input: { ...person(), email: invite.user.email }, now: T0 });
    expect(again.user.id).toBe(invite.user.id);
    expect(await stored(invite.user.id)).toMatchObject({ active: true, passwordHash: null });
    expect(await findInvitation(again.token, T0)).not.toBeNull();
    expect(await findInvitation(invite.token, T0)).toBeNull();
  });

  it("refuses to re-issue or revoke for a user who signs in with a password", async () => {
    const other = await userCtx("viewer");
    expect(
      (
        await appError(
          reissueInvite({
            ctx: admin,
            input: { userId: other.actor.id },
            now: T0,
          }),
        )
      ).code,
    ).toBe("CONFLICT");
    expect((await appError(revokeInvite({ ctx: admin, input: { userId: other.actor.id } }))).code).toBe("CONFLICT");
    expect((await appError(revokeInvite({ ctx: admin, input: { userId: randomUUID() } }))).code).toBe("NOT_FOUND");
  });
});

describe("who may invite", () => {
  for (const role of ["viewer", "oncall", "teamlead", "productowner"] as const) {
    it(`refuses a ${role} every verb and writes nothing`, async () => {
      const pending = await inviteUser({
        ctx: admin,
        input: person(),
        now: T0,
      });
      const ctx = await userCtx(role);
      const snapshot = async () => ({
        users: await db.user.findMany({
          orderBy: { id: "asc" },
          select: {
            id: true,
            active: true,
            inviteTokenHash: true,
            inviteExpiresAt: true,
          },
        }),
        audit: await db.auditEvent.count(),
      });
      const before = await snapshot();
      for (const call of [
        inviteUser({ ctx, input: person(), now: T0 }),
        reissueInvite({ ctx, input: { userId: pending.user.id }, now: T0 }),
        revokeInvite({ ctx, input: { userId: pending.user.id } }),
      ]) {
        expect((await appError(call)).code).toBe("FORBIDDEN");
      }
      expect(await snapshot()).toEqual(before);
    });
  }
});

describe("without an audit row, nothing happens", () => {
  it("invite, re-issue, revoke and accept all roll back when the audit write fails", async () => {
    const pending = await inviteUser({ ctx: admin, input: person(), now: T0 });
    const snapshot = async () => ({
      users: await db.user.findMany({
        orderBy: { id: "asc" },
        select: {
          id: true,
          active: true,
          passwordHash: true,
          inviteTokenHash: true,
          inviteExpiresAt: true,
        },
      }),
      audit: await db.auditEvent.count(),
    });
    const before = await snapshot();
    await withAuditDown(db, async () => {
      await expect(inviteUser({ ctx: admin, input: person(), now: T0 })).rejects.toThrow(/audit store unavailable/);
      await expect(
        reissueInvite({
          ctx: admin,
          input: { userId: pending.user.id },
          now: T0,
        }),
      ).rejects.toThrow(/audit store unavailable/);
      await expect(revokeInvite({ ctx: admin, input: { userId: pending.user.id } })).rejects.toThrow(/audit store unavailable/);
      await expect(
        acceptInvite({
          input: {
            token: pending.token,
            password: PASSWORD,
            confirm: PASSWORD,
          },
          now: T0,
        }),
      ).rejects.toThrow(/audit store unavailable/);
    });
    expect(await snapshot()).toEqual(before);
    // The link still works afterwards.
    await acceptInvite({
      input: { token: pending.token, password: PASSWORD, confirm: PASSWORD },
      now: T0,
    });
  });
});

describe("the team so far", () => {
  it("teamSummary counts active users by role and pending and expired invitations", async () => {
    await onFreshDatabase("team", async () => {
      const boss = await userCtx("admin");
      await userCtx("viewer");
      const a = await inviteUser({
        ctx: boss,
        input: person("oncall"),
        now: T0,
      });
      await inviteUser({ ctx: boss, input: person("oncall"), now: T0 });
      await inviteUser({
        ctx: boss,
        input: person("teamlead"),
        now: new Date(T0.getTime() - 8 * DAY),
      });
      const revoked = await inviteUser({
        ctx: boss,
        input: person("viewer"),
        now: T0,
      });
      await revokeInvite({ ctx: boss, input: { userId: revoked.user.id } });
      await acceptInvite({
        input: { token: a.token, password: PASSWORD, confirm: PASSWORD },
        now: T0,
      });

      expect(await teamSummary(T0)).toEqual({
        activeByRole: {
          viewer: 1,
          oncall: 1,
          teamlead: 0,
          productowner: 0,
          admin: 1,
        },
        active: 3,
        pendingInvitations: 1,
        expiredInvitations: 1,
      });
    });
  });

  it("a pending administrator does not count as the last admin standing", async () => {
    await onFreshDatabase("lastadmin", async () => {
      const boss = await userCtx("admin");
      await inviteUser({ ctx: boss, input: person("admin"), now: new Date() });
      const err = await appError(
        changeRole({
          ctx: boss,
          input: { userId: boss.actor.id, role: "viewer" },
        }),
      );
      expect(err.message).toMatch(/last active administrator/);
    });
  });
});

describe("inviteStatus", () => {
  it("says how long an invitation has left, or that it expired", () => {
    const at = (ms: number) => inviteStatus(new Date(T0.getTime() + ms), T0).label;
    expect(at(7 * DAY)).toBe("Invitation pending, expires in 7 days");
    expect(at(6 * DAY)).toBe("Invitation pending, expires in 6 days");
    expect(at(30 * 60 * 60 * 1000)).toBe("Invitation pending, expires in 30 hours");
    expect(at(60 * 60 * 1000)).toBe("Invitation pending, expires in 1 hour");
    expect(at(5 * 60 * 1000)).toBe("Invitation pending, expires in 5 minutes");
    expect(inviteStatus(T0, T0)).toEqual({
      state: "expired",
      label: "Invitation expired",
    });
  });
});
