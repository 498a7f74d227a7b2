import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { sessionCookieFor } from "../../test/session";
import type { Db } from "../db/client";
import type { Ctx } from "../auth/actor";
import type { RoleName } from "../auth/permissions";
import { createIncident } from "../incidents/create-incident";
import { setActive } from "../users/manage-users";
import type { ClientToServerEvents, IncidentChanged, ServerToClientEvents } from "./events";
import { createSocketServer } from "./socket-server";

const SECRET = "socket-test-secret-0123456789abcdef";
const ALLOWED = "http://allowed.test";

let db: Db;
let drop: () => Promise<void>;
let http: HttpServer;
let closeIo: () => Promise<void>;
let url: string;
const logs: string[] = [];
const sockets: Socket[] = [];

beforeAll(async () => {
  const fresh = await freshDatabase("socket");
  ({ db, drop } = fresh);
  http = createServer();
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  ({ close: closeIo } = await createSocketServer({
    httpServer: http,
    db,
    databaseUrl: fresh.url,
    secret: SECRET,
    allowedOrigins: [ALLOWED],
    log: (l) => logs.push(l),
  }));
});

afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});

afterAll(async () => {
  await closeIo?.();
  if (http?.listening) await new Promise<void>((resolve) => http.close(() => resolve()));
  await drop?.();
});

type User = { id: string; email: string; name: string; role: RoleName };

async function makeUser(role: RoleName, active = true): Promise<User> {
  return db.user.create({
    data: { email: `${role}-${randomUUID()}@example.test`, name: `Test ${role}`, role, active },
    select: { id: true, email: true, name: true, role: true },
  });
}

function sessionCookie(user: User, secret = SECRET): Promise<string> {
  return sessionCookieFor(db, user, secret);
}

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

function client(headers: Record<string, string>): Client {
  const s: Client = connect(url, { transports: ["websocket"], extraHeaders: headers, reconnection: false, forceNew: true });
  sockets.push(s);
  return s;
}

/** Resolves with "connected" or the connect_error message, whichever comes first. */
function outcome(s: Client): Promise<string> {
  return new Promise((resolve) => {
    s.once("connect", () => resolve("connected"));
    s.once("connect_error", (e) => resolve(`error: ${e.message}`));
  });
}

function next<E extends keyof ServerToClientEvents>(s: Client, event: E, ms = 5000): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    s.once(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) => {
      clearTimeout(timer);
      resolve(payload);
    }) as never);
  });
}

describe("the realtime socket", () => {
  it("refuses a connection without a session cookie", async () => {
    expect(await outcome(client({ Origin: ALLOWED }))).toBe("error: unauthenticated");
  });

  it("refuses a cookie signed with another secret", async () => {
    const user = await makeUser("oncall");
    const cookie = await sessionCookie(user, "some-other-secret-0123456789abcdef");
    expect(await outcome(client({ Origin: ALLOWED, Cookie: cookie }))).toBe("error: unauthenticated");
  });

  it("accepts a signed-in user from an allowed origin and delivers incident changes", async () => {
    const user = await makeUser("oncall");
    const s = client({ Origin: ALLOWED, Cookie: await sessionCookie(user) });
    expect(await outcome(s)).toBe("connected");

    const received = next(s, "incident:changed");
    const svc = await db.service.create({
      data: { name: `Svc ${randomUUID()}`, tier: "High", rtoMinutes: 30, rpoMinutes: 15, ownerTeam: "Storage" },
    });
    const ctx: Ctx = { actor: { type: "user", ...user } };
    const inc = await createIncident({
      ctx,
      input: { title: "Uploads failing", trigger: "Error rate > 5%", severity: "HIGH", serviceIds: [svc.id] },
    });
    const e: IncidentChanged = await received;
    expect(e).toMatchObject({ key: inc.key, kind: "created", title: "Uploads failing", severity: "HIGH", status: "detected", by: "Test oncall" });
  });

  it("refuses a valid session from a foreign origin", async () => {
    const user = await makeUser("oncall");
    const result = await outcome(client({ Origin: "http://evil.test", Cookie: await sessionCookie(user) }));
    expect(result).not.toBe("connected");
    expect(result).toMatch(/^error: /);
  });

  it("refuses a foreign Origin whose Host header is forged to match it", async () => {
    const user = await makeUser("oncall");
    const cookie = await sessionCookie(user);
    const forged = await outcome(client({ Origin: "http://evil.test", Host: "evil.test", Cookie: cookie }));
    expect(forged).toMatch(/^error: /);
    // The same request from the configured origin connects, whatever Host it carries.
    expect(await outcome(client({ Origin: ALLOWED, Host: "evil.test", Cookie: cookie }))).toBe("connected");
  });

  it("refuses a valid session without any Origin header", async () => {
    const user = await makeUser("oncall");
    expect(await outcome(client({ Cookie: await sessionCookie(user) }))).not.toBe("connected");
  });

  it("refuses a session whose user has been deactivated", async () => {
    const user = await makeUser("oncall", false);
    expect(await outcome(client({ Origin: ALLOWED, Cookie: await sessionCookie(user) }))).toBe("error: unauthenticated");
  });

  it("ends a connected user's socket when an admin deactivates them", async () => {
    const user = await makeUser("teamlead");
    const bystander = await makeUser("viewer");
    const s = client({ Origin: ALLOWED, Cookie: await sessionCookie(user) });
    const other = client({ Origin: ALLOWED, Cookie: await sessionCookie(bystander) });
    expect(await outcome(s)).toBe("connected");
    expect(await outcome(other)).toBe("connected");

    const ended = next(s, "session:ended");
    const disconnected = new Promise<string>((resolve) => s.once("disconnect", (reason) => resolve(reason)));
    const admin = await makeUser("admin");
    await setActive({ ctx: { actor: { type: "user", ...admin } }, input: { userId: user.id, active: "false" } });

    expect(await ended).toEqual({ reason: "Your account was deactivated." });
    expect(await disconnected).toBe("io server disconnect");
    expect(s.connected).toBe(false);
    // Only that user's sockets are dropped.
    expect(other.connected).toBe(true);

    // And the same cookie cannot come back.
    expect(await outcome(client({ Origin: ALLOWED, Cookie: await sessionCookie(user) }))).toBe("error: unauthenticated");
  });
});
