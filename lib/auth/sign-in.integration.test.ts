import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import type { Db } from "../db/client";
import { hashPassword } from "./password";
import { authOptions } from "./options";

// Sign-in through the credentials provider's authorize(), the function next-auth calls, with the
// request headers the custom server stamps the client address into.
const IP_HEADER = "x-rollcall-client-ip";
const PASSWORD = "a-long-enough-password-1";

let db: Db;
let drop: () => Promise<void>;
let n = 0;

beforeAll(async () => {
  ({ db, drop } = await freshDatabase("signin"));
});
afterAll(async () => {
  await drop?.();
});

type Outcome = "ok" | "wrong" | "locked";

async function attempt(email: string, password: string, headers: IncomingHttpHeaders | Record<string, string>): Promise<Outcome> {
  const provider = authOptions().providers.find((p) => p.id === "credentials") as unknown as {
    options: { authorize: (c: Record<string, string>, req: { headers: unknown }) => Promise<unknown> };
  };
  try {
    const user = await provider.options.authorize({ email, password }, { headers });
    return user ? "ok" : "wrong";
  } catch (err) {
    if (/too many/i.test((err as Error).message)) return "locked";
    throw err;
  }
}

const from = (ip: string) => ({ [IP_HEADER]: ip });

async function makeUser(active = true) {
  n++;
  const email = `person${n}-${randomBytes(3).toString("hex")}@example.test`;
  await db.user.create({ data: { email, name: `Person ${n}`, role: "oncall", active, passwordHash: await hashPassword(PASSWORD) } });
  return email;
}

async function failUntilLocked(email: string, headers: Record<string, string>, max = 20) {
  for (let i = 0; i < max; i++) {
    if ((await attempt(email, `wrong-password-${i}`, headers)) === "locked") return i;
  }
  throw new Error(`not locked after ${max} wrong passwords`);
}

describe("sign-in throttling by account and client address", () => {
  it("wrong passwords from address A lock that address out of the account, not address B", async () => {
    const email = await makeUser();
    const failures = await failUntilLocked(email, from("198.51.100.7"));
    expect(failures).toBe(5);
    // The right password from A is refused while the lock holds,
    expect(await attempt(email, PASSWORD, from("198.51.100.7"))).toBe("locked");
    // the same email in other letter case is the same account,
    expect(await attempt(email.toUpperCase(), PASSWORD, from("198.51.100.7"))).toBe("locked");
    // and the on-call engineer at address B signs in.
    expect(await attempt(email, PASSWORD, from("203.0.113.9"))).toBe("ok");
  });

  it("an address that fails against many accounts is locked out of all of them; other addresses are not", async () => {
    const victim = await makeUser();
    const sprayer = from("198.51.100.66");
    let locked = false;
    for (let i = 0; i < 200 && !locked; i++) {
      locked = (await attempt(`nobody${i}@example.test`, "guess-guess-guess", sprayer)) === "locked";
    }
    expect(locked).toBe(true);
    expect(await attempt(victim, PASSWORD, sprayer)).toBe("locked");
    expect(await attempt(victim, PASSWORD, from("198.51.100.67"))).toBe("ok");
  });

  it("a successful sign-in forgets that address's earlier wrong passwords for the account", async () => {
    const email = await makeUser();
    const ip = from("198.51.100.30");
    for (let i = 0; i < 4; i++) expect(await attempt(email, `wrong-${i}`, ip)).toBe("wrong");
    expect(await attempt(email, PASSWORD, ip)).toBe("ok");
    for (let i = 0; i < 4; i++) expect(await attempt(email, `wrong-again-${i}`, ip)).toBe("wrong");
    expect(await attempt(email, PASSWORD, ip)).toBe("ok");
  });
});

describe("auditing failed sign-ins", () => {
  it("records the email tried, the client address and the reason, never the password", async () => {
    const email = await makeUser();
    const inactive = await makeUser(false);
    const secret = `typed-by-mistake-${randomBytes(6).toString("hex")}`;
    expect(await attempt(email, secret, from("198.51.100.20"))).toBe("wrong");
    expect(await attempt("not-a-user@example.test", secret, from("198.51.100.21"))).toBe("wrong");
    expect(await attempt(inactive, PASSWORD, from("198.51.100.22"))).toBe("wrong");

    const rows = await db.auditEvent.findMany({
      where: { action: "auth.signin_failed" },
      select: { ip: true, after: true, targetId: true, actorType: true },
    });
    const by = (ip: string) => rows.find((r) => r.ip === ip);
    expect(by("198.51.100.20")?.after).toMatchObject({ email, reason: "wrong-password" });
    expect(by("198.51.100.20")?.targetId).toEqual(expect.any(String));
    expect(by("198.51.100.21")?.after).toMatchObject({ email: "not-a-user@example.test", reason: "unknown-account" });
    expect(by("198.51.100.21")?.targetId).toBeNull();
    expect(by("198.51.100.22")?.after).toMatchObject({ email: inactive, reason: "deactivated" });

    const everything = JSON.stringify(await db.auditEvent.findMany(), (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(PASSWORD);
  });

  it("records the moment an address is locked out of an account", async () => {
    const email = await makeUser();
    await failUntilLocked(email, from("198.51.100.40"));
    const rows = await db.auditEvent.findMany({ where: { action: "auth.signin_failed", ip: "198.51.100.40" }, select: { after: true } });
    expect(rows.map((r) => (r.after as { reason: string }).reason)).toContain("locked");
  });
});

describe("the client address behind a reverse proxy", () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const s of servers) await new Promise((r) => s.close(r));
  });

  // A real HTTP server that stamps the client address as server.ts does, then signs in with the
  // request's headers; it answers with the outcome and the address it believed.
  async function serve(trusted: string | undefined) {
    const { stampClientIp, trustedProxies } = await import("./client-ip");
    const list = trustedProxies(trusted);
    const server = createServer((req, res) => {
      stampClientIp(req, list);
      const email = String(req.headers["x-test-email"]);
      const password = String(req.headers["x-test-password"]);
      void attempt(email, password, req.headers).then((outcome) => res.end(JSON.stringify({ outcome, ip: req.headers[IP_HEADER] })));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    return async (email: string, password: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { "x-test-email": email, "x-test-password": password, ...headers } });
      return (await res.json()) as { outcome: Outcome; ip: string };
    };
  }

  it("ignores X-Forwarded-For and a forged address header from a client that is not a trusted proxy", async () => {
    const signIn = await serve(undefined);
    const email = await makeUser();
    const first = await signIn(email, "wrong-1", { "x-forwarded-for": "203.0.113.50", [IP_HEADER]: "203.0.113.51" });
    expect(first).toEqual({ outcome: "wrong", ip: "127.0.0.1" });
    // A new forged address per attempt does not buy new attempts: it is all 127.0.0.1.
    let outcome: Outcome = "wrong";
    for (let i = 2; i <= 10 && outcome !== "locked"; i++) {
      ({ outcome } = await signIn(email, `wrong-${i}`, { "x-forwarded-for": `203.0.113.${50 + i}` }));
    }
    expect(outcome).toBe("locked");
    expect((await signIn(email, PASSWORD, { "x-forwarded-for": "203.0.113.99" })).outcome).toBe("locked");
  });

  it("believes X-Forwarded-For from a trusted proxy, taking the nearest address it did not add itself", async () => {
    const signIn = await serve("127.0.0.1/32, 10.0.0.0/8");
    const email = await makeUser();
    // The client sent "6.6.6.6" itself; the proxies appended the real client and an inner proxy.
    expect(await signIn(email, "wrong-1", { "x-forwarded-for": "6.6.6.6, 192.0.2.77, 10.1.2.3" })).toEqual({ outcome: "wrong", ip: "192.0.2.77" });
    let outcome: Outcome = "wrong";
    for (let i = 2; i <= 10 && outcome !== "locked"; i++) {
      ({ outcome } = await signIn(email, `wrong-${i}`, { "x-forwarded-for": `${i}.${i}.${i}.${i}, 192.0.2.77` }));
    }
    expect(outcome).toBe("locked");
    // Another client behind the same proxy is a different address and signs in.
    expect(await signIn(email, PASSWORD, { "x-forwarded-for": "192.0.2.78" })).toEqual({ outcome: "ok", ip: "192.0.2.78" });
    const audited = await db.auditEvent.findFirst({ where: { action: "auth.signin", targetId: { not: null }, ip: "192.0.2.78" }, select: { id: true } });
    expect(audited).not.toBeNull();
  });
});
