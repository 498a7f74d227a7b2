import { randomBytes } from "node:crypto";
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { encode, type JWT } from "next-auth/jwt";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { appError } from "../../test/app-error";
import type { Db } from "../db/client";
import type { Ctx } from "./actor";
import type { RoleName } from "./permissions";
import { hashPassword } from "./password";
import { authOptions } from "./options";
import { createSocketServer } from "../realtime/socket-server";
import type { ClientToServerEvents, ServerToClientEvents } from "../realtime/events";
import { ensureFirstAdmin } from "../setup/bootstrap";
import { setEnv } from "../env";

// Sessions end when people say so: a sign-in goes through the credentials provider and next-auth's
// jwt callback exactly as a browser's would; the cookie is then replayed against the socket server,
// which checks a session the same way every page and server action does (lib/auth/sessions.ts).
const SECRET = "sessions-test-secret-0123456789abcdef";
const ORIGIN = "http://rollcall.test";
const PASSWORD = "first-password-of-mine";

let db: Db;
let mainUrl: string;
let drop: () => Promise<void>;
let http: HttpServer;
let closeIo: () => Promise<void>;
let url: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  const fresh = await freshDatabase("sessions");
  ({ db, drop, url: mainUrl } = fresh);
  http = createServer();
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  ({ close: closeIo } = await createSocketServer({ httpServer: http, db, databaseUrl: fresh.url, secret: SECRET, allowedOrigins: [ORIGIN], log: () => {} }));
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(async () => {
  await closeIo?.();
  if (http?.listening) await new Promise<void>((resolve) => http.close(() => resolve()));
  await drop?.();
});

let n = 0;
async function makeUser(role: RoleName = "oncall", password = PASSWORD) {
  n++;
  return db.user.create({
    data: { email: `person${n}-${randomBytes(3).toString("hex")}@example.test`, name: `Person ${n}`, role, passwordHash: await hashPassword(password) },
    select: { id: true, email: true, name: true, role: true },
  });
}

type SignedIn = { token: JWT; cookie: string };

/** authorize() then the jwt callback, as next-auth does on a credentials sign-in. */
async function signIn(email: string, password: string, ip = "198.51.100.1"): Promise<SignedIn | null> {
  const opts = authOptions();
  const provider = opts.providers.find((p) => p.id === "credentials") as unknown as {
    options: { authorize: (c: Record<string, string>, req: { headers: Record<string, string> }) => Promise<Record<string, unknown> | null> };
  };
  const user = await provider.options.authorize({ email, password }, { headers: { "x-rollcall-client-ip": ip } });
  if (!user) return null;
  const jwt = opts.callbacks!.jwt! as (p: Record<string, unknown>) => Promise<JWT>;
  const token = await jwt({ token: { name: user.name, email: user.email, sub: user.id }, user, account: { provider: "credentials", type: "credentials", providerAccountId: user.id }, trigger: "signIn" });
  return { token, cookie: `next-auth.session-token=${await encode({ token, secret: SECRET })}` };
}

/** What next-auth runs on POST /api/auth/signout with this cookie's token. */
async function signOut(s: SignedIn) {
  const signOutEvent = authOptions().events?.signOut as ((m: { token: JWT }) => Promise<void>) | undefined;
  await signOutEvent?.({ token: s.token });
}

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
function socket(cookie: string): Client {
  const s: Client = connect(url, { transports: ["websocket"], extraHeaders: { Origin: ORIGIN, Cookie: cookie }, reconnection: false, forceNew: true });
  sockets.push(s);
  return s;
}
function outcome(s: Client): Promise<string> {
  return new Promise((resolve) => {
    s.once("connect", () => resolve("connected"));
    s.once("connect_error", (e) => resolve(`error: ${e.message}`));
  });
}
const connects = async (cookie: string) => outcome(socket(cookie));
function dropped(s: Client): Promise<string> {
  return new Promise((resolve) => s.once("disconnect", (reason) => resolve(reason)));
}

const ctxOf = (u: { id: string; email: string; name: string; role: RoleName }, ip = "198.51.100.9"): Ctx => ({ actor: { type: "user", ...u }, ip });

async function sessionIdOf(s: SignedIn): Promise<string> {
  expect(typeof s.token.sid).toBe("string");
  return s.token.sid as string;
}

describe("signing out", () => {
  it("ends the session on the server: a copy of the cookie no longer works, other browsers stay signed in", async () => {
    const user = await makeUser();
    const laptop = (await signIn(user.email, PASSWORD))!;
    const phone = (await signIn(user.email, PASSWORD))!;
    expect(await connects(laptop.cookie)).toBe("connected");
    const open = socket(laptop.cookie);
    expect(await outcome(open)).toBe("connected");
    const ended = dropped(open);

    await signOut(laptop);

    // The captured cookie is refused, and the socket it had open is dropped.
    expect(await connects(laptop.cookie)).toBe("error: unauthenticated");
    expect(await ended).toBe("io server disconnect");
    // Signing out on the laptop does not sign the phone out.
    expect(await connects(phone.cookie)).toBe("connected");
    const audit = await db.auditEvent.findFirst({ where: { action: "auth.signout", targetId: user.id }, select: { after: true } });
    expect(audit?.after).toEqual({ session: await sessionIdOf(laptop) });
  });

  it("refuses a cookie that names no recorded session (one issued before sessions were recorded)", async () => {
    const user = await makeUser();
    const old = `next-auth.session-token=${await encode({ token: { uid: user.id, email: user.email }, secret: SECRET })}`;
    expect(await connects(old)).toBe("error: unauthenticated");
  });
});

describe("changing one's own password at /account", () => {
  it("needs the current password, follows the password rule, ends every other session and is audited without passwords", async () => {
    const { changeOwnPassword } = await import("../users/change-password");
    const user = await makeUser();
    const here = (await signIn(user.email, PASSWORD))!;
    const elsewhere = (await signIn(user.email, PASSWORD))!;
    const elsewhereSocket = socket(elsewhere.cookie);
    expect(await outcome(elsewhereSocket)).toBe("connected");
    const elsewhereDropped = dropped(elsewhereSocket);
    const sessionId = await sessionIdOf(here);
    const change = (input: Record<string, string>) => changeOwnPassword({ ctx: ctxOf(user), sessionId, input });

    const wrong = await appError(change({ current: "not-my-password", password: "a-brand-new-passphrase", confirm: "a-brand-new-passphrase" }));
    expect(wrong.fieldErrors.current).toEqual(["That is not your current password."]);
    const short = await appError(change({ current: PASSWORD, password: "short", confirm: "short" }));
    expect(short.fieldErrors.password?.[0]).toMatch(/at least 12 characters/);
    const differ = await appError(change({ current: PASSWORD, password: "a-brand-new-passphrase", confirm: "a-brand-new-passphrase!" }));
    expect(differ.fieldErrors.confirm).toEqual(["The two passwords differ."]);
    const same = await appError(change({ current: PASSWORD, password: PASSWORD, confirm: PASSWORD }));
    expect(same.fieldErrors.password).toEqual(["Choose a password different from the current one."]);

    const NEW = "a-brand-new-passphrase";
    expect(await change({ current: PASSWORD, password: NEW, confirm: NEW })).toEqual({ forced: false, otherSessionsEnded: 1 });

    expect(await connects(here.cookie)).toBe("connected");
    expect(await connects(elsewhere.cookie)).toBe("error: unauthenticated");
    expect(await elsewhereDropped).toBe("io server disconnect");
    expect(await signIn(user.email, PASSWORD)).toBeNull();
    expect(await signIn(user.email, NEW)).not.toBeNull();

    const rows = await db.auditEvent.findMany({ where: { targetId: user.id, action: { startsWith: "user.password_change" } }, select: { action: true, after: true } });
    expect(rows.map((r) => r.action).sort()).toEqual(["user.password_change", "user.password_change_failed"]);
    expect(rows.find((r) => r.action === "user.password_change")?.after).toEqual({ forced: false, otherSessionsEnded: 1 });
    const everything = JSON.stringify(await db.auditEvent.findMany(), (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));
    for (const secret of [PASSWORD, NEW, "not-my-password"]) expect(everything).not.toContain(secret);
  });

  it("counts wrong current passwords against the sign-in throttle", async () => {
    const { changeOwnPassword } = await import("../users/change-password");
    const user = await makeUser();
    const here = (await signIn(user.email, PASSWORD))!;
    const sessionId = await sessionIdOf(here);
    const messages: string[] = [];
    for (let i = 0; i < 6; i++) {
      const e = await appError(changeOwnPassword({ ctx: ctxOf(user, "198.51.100.77"), sessionId, input: { current: `guess-${i}`, password: "another-new-passphrase", confirm: "another-new-passphrase" } }));
      messages.push(e.code);
    }
    expect(messages.slice(0, 5)).toEqual(["VALIDATION", "VALIDATION", "VALIDATION", "VALIDATION", "VALIDATION"]);
    expect(messages[5]).toBe("RATE_LIMITED");
  });
});

describe("an administrator's password reset", () => {
  it("is for administrators only, ends every session of the person and forces a new password at their next sign-in", async () => {
    const { resetPassword } = await import("../users/reset-password");
    const { changeOwnPassword } = await import("../users/change-password");
    const admin = await makeUser("admin");
    const teamlead = await makeUser("teamlead");
    const user = await makeUser();
    const before = (await signIn(user.email, PASSWORD))!;
    const open = socket(before.cookie);
    expect(await outcome(open)).toBe("connected");
    const openDropped = dropped(open);

    expect((await appError(resetPassword({ ctx: ctxOf(teamlead), input: { userId: user.id } }))).code).toBe("FORBIDDEN");
    expect((await appError(resetPassword({ ctx: ctxOf(admin), input: { userId: admin.id } }))).code).toBe("CONFLICT");

    const { password: temporary } = await resetPassword({ ctx: ctxOf(admin), input: { userId: user.id } });
    expect(temporary.length).toBeGreaterThanOrEqual(12);
    expect(await openDropped).toBe("io server disconnect");
    expect(await connects(before.cookie)).toBe("error: unauthenticated");
    expect(await signIn(user.email, PASSWORD)).toBeNull();

    // The temporary password signs in, but to a session that must change it first: no socket either.
    const forced = (await signIn(user.email, temporary))!;
    expect(forced).not.toBeNull();
    expect(await connects(forced.cookie)).toBe("error: unauthenticated");
    const { resolveSession } = await import("./sessions");
    expect(await resolveSession(db, forced.token)).toMatchObject({ mustChangePassword: true });

    const NEW = "my-own-password-again";
    expect(await changeOwnPassword({ ctx: ctxOf(user), sessionId: await sessionIdOf(forced), input: { current: temporary, password: NEW, confirm: NEW } })).toEqual({
      forced: true,
      otherSessionsEnded: 0,
    });
    expect(await resolveSession(db, forced.token)).toMatchObject({ mustChangePassword: false });
    expect(await connects(forced.cookie)).toBe("connected");
    expect(await signIn(user.email, temporary)).toBeNull();

    const reset = await db.auditEvent.findFirst({ where: { action: "user.password_reset", targetId: user.id }, select: { after: true, actorId: true } });
    expect(reset).toEqual({ after: { mustChangePassword: true, sessionsEnded: 1 }, actorId: admin.id });
    const everything = JSON.stringify(await db.auditEvent.findMany(), (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));
    expect(everything).not.toContain(temporary);
  });

  it("deactivating someone ends their sessions for good: reactivation does not bring them back", async () => {
    const { setActive } = await import("../users/manage-users");
    const admin = await makeUser("admin");
    const user = await makeUser();
    const s = (await signIn(user.email, PASSWORD))!;
    await setActive({ ctx: ctxOf(admin), input: { userId: user.id, active: "false" } });
    await setActive({ ctx: ctxOf(admin), input: { userId: user.id, active: "true" } });
    expect(await connects(s.cookie)).toBe("error: unauthenticated");
  });
});

describe("the first-run setup password", () => {
  // Each case on its own empty database, as on a first start; verbs follow DATABASE_URL there and back.
  async function onEmptyDatabase(run: (fresh: { db: Db }) => Promise<void>) {
    const fresh = await freshDatabase("setup");
    try {
      await run(fresh);
    } finally {
      await fresh.drop();
      setEnv("DATABASE_URL", mainUrl);
    }
  }

  it("must be changed at first sign-in and stops working afterwards", async () => {
    const { changeOwnPassword } = await import("../users/change-password");
    const { resolveSession } = await import("./sessions");
    await onEmptyDatabase(async (fresh) => {
      const first = await ensureFirstAdmin(fresh.db);
      if (first.kind !== "setup-password") throw new Error(`expected a setup password, got ${first.kind}`);
      const s = (await signIn(first.email, first.password))!;
      expect(s).not.toBeNull();
      expect(await resolveSession(fresh.db, s.token)).toMatchObject({ mustChangePassword: true });

      const admin = await fresh.db.user.findUniqueOrThrow({ where: { email: first.email }, select: { id: true, email: true, name: true, role: true } });
      const NEW = "the-real-admin-password";
      expect(await changeOwnPassword({ ctx: ctxOf(admin), sessionId: await sessionIdOf(s), input: { current: first.password, password: NEW, confirm: NEW } })).toMatchObject({ forced: true });
      expect(await resolveSession(fresh.db, s.token)).toMatchObject({ mustChangePassword: false });
      expect(await signIn(first.email, first.password)).toBeNull();
      expect(await signIn(first.email, NEW)).not.toBeNull();
    });
  });

  it("is not forced on an administrator who chose their password (ADMIN_EMAIL and ADMIN_PASSWORD)", async () => {
    const { resolveSession } = await import("./sessions");
    await onEmptyDatabase(async (fresh) => {
      await ensureFirstAdmin(fresh.db, "boss@example.test", "a-password-i-chose");
      const s = (await signIn("boss@example.test", "a-password-i-chose"))!;
      expect(await resolveSession(fresh.db, s.token)).toMatchObject({ mustChangePassword: false });
    });
  });
});
