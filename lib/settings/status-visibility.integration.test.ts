import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { appError } from "../../test/app-error";
import { sessionCookieFor } from "../../test/session";
import type { Db } from "../db/client";
import type { Ctx } from "../auth/actor";
import type { RoleName } from "../auth/permissions";
import { createSocketServer } from "../realtime/socket-server";
import { publishPublic } from "../realtime/publish";
import { statusPageIsPublic } from "../status/queries";
import { setStatusVisibility } from "./status-visibility";

// The sign-in-only switch for the status page, against a real PostgreSQL and a real socket.io
// server: the verb (guarded, audited) and the `/public` namespace that must follow it at once.

const SECRET = "status-visibility-secret-0123456789";
const ORIGIN = "http://status.test";

let db: Db;
let drop: () => Promise<void>;
let http: HttpServer;
let closeIo: () => Promise<void>;
let url: string;
const sockets: Socket[] = [];
const ctxs = {} as Record<RoleName, Ctx & { actor: { type: "user"; id: string; email: string } }>;

beforeAll(async () => {
  const fresh = await freshDatabase("statusvis");
  ({ db, drop } = fresh);
  for (const role of ["viewer", "teamlead", "admin"] as const) {
    const u = await db.user.create({ data: { email: `${role}@status.test`, name: `Person ${role}`, role } });
    ctxs[role] = { actor: { type: "user", id: u.id, email: u.email, name: u.name, role }, ip: "203.0.113.8" };
  }
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

async function cookieFor(role: RoleName) {
  const a = ctxs[role].actor;
  return sessionCookieFor(db, a, SECRET);
}

function publicSocket(cookie?: string): Socket {
  const s = connect(`${url}/public`, { transports: ["websocket"], extraHeaders: { Origin: ORIGIN, ...(cookie ? { Cookie: cookie } : {}) }, reconnection: false, forceNew: true });
  sockets.push(s);
  return s;
}

function outcome(s: Socket): Promise<string> {
  return new Promise((resolve) => {
    s.once("connect", () => resolve("connected"));
    s.once("connect_error", (e) => resolve(`error: ${e.message}`));
  });
}

function disconnected(s: Socket, ms = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("still connected")), ms);
    s.once("disconnect", (reason) => {
      clearTimeout(t);
      resolve(reason);
    });
  });
}

describe("status page visibility", () => {
  it("is public by default; only admins change it, and each change is audited once", async () => {
    expect(await statusPageIsPublic()).toBe(true);
    for (const role of ["viewer", "teamlead"] as const) {
      expect((await appError(setStatusVisibility({ ctx: ctxs[role], input: { visibility: "signed_in" } }))).code).toBe("FORBIDDEN");
    }
    const bad = await appError(setStatusVisibility({ ctx: ctxs.admin, input: { visibility: "everyone" } }));
    expect(bad.fieldErrors.visibility).toEqual(["Choose who may see the status page."]);
    expect(await statusPageIsPublic()).toBe(true);
    expect(await db.auditEvent.count({ where: { action: "setting.status_public" } })).toBe(0);

    expect(await setStatusVisibility({ ctx: ctxs.admin, input: { visibility: "signed_in" } })).toEqual({ public: false, changed: true });
    expect(await statusPageIsPublic()).toBe(false);
    expect(await setStatusVisibility({ ctx: ctxs.admin, input: { visibility: "signed_in" } })).toEqual({ public: false, changed: false });
    await setStatusVisibility({ ctx: ctxs.admin, input: { visibility: "public" } });
    expect(await statusPageIsPublic()).toBe(true);
    const audit = await db.auditEvent.findMany({ where: { action: "setting.status_public" }, orderBy: { id: "asc" }, select: { actorRole: true, before: true, after: true, ip: true } });
    expect(audit).toEqual([
      { actorRole: "admin", before: { public: true }, after: { public: false }, ip: "203.0.113.8" },
      { actorRole: "admin", before: { public: false }, after: { public: true }, ip: "203.0.113.8" },
    ]);
  });

  it("the /public socket namespace refuses signed-out sockets while sign-in only, drops open ones at the switch, and keeps signed-in ones", async () => {
    const anonymous = publicSocket();
    expect(await outcome(anonymous)).toBe("connected");
    const viewer = publicSocket(await cookieFor("viewer"));
    expect(await outcome(viewer)).toBe("connected");

    const dropped = disconnected(anonymous);
    await setStatusVisibility({ ctx: ctxs.admin, input: { visibility: "signed_in" } });
    expect(await dropped).toBe("io server disconnect");
    expect(viewer.connected).toBe(true);

    expect(await outcome(publicSocket())).toBe("error: unauthenticated");
    expect(await outcome(publicSocket("next-auth.session-token=forged"))).toBe("error: unauthenticated");
    const admin = publicSocket(await cookieFor("admin"));
    expect(await outcome(admin)).toBe("connected");
    const changed = new Promise((resolve) => admin.once("status:changed", resolve));
    publishPublic();
    await expect(changed).resolves.toMatchObject({ at: expect.any(String) as string });

    await setStatusVisibility({ ctx: ctxs.admin, input: { visibility: "public" } });
    expect(await outcome(publicSocket())).toBe("connected");
  });
});
