import { readdir, readFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { featureFlagExecutor, ZFeatureFlagParams } from "./feature-flag";
import { startFlagServer, type FlagServer } from "./flags/server";
import { stepContext } from "./testing/context";
import { startTestServer, type TestServer } from "./testing/http-server";

let dir: string;
let flags: FlagServer | undefined;
let external: TestServer | undefined;
const env = { PATH: process.env.PATH };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "rollcall-flags-"));
});
afterEach(async () => {
  await flags?.close();
  await external?.close();
  flags = undefined;
  external = undefined;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function flagStore(name: string, initial: Record<string, boolean>, token?: string): Promise<{ server: FlagServer; file: string }> {
  const file = path.join(dir, `${name}.json`);
  const now = "2026-11-01T00:00:00.000Z";
  await writeFile(file, JSON.stringify({ flags: Object.fromEntries(Object.entries(initial).map(([k, enabled]) => [k, { enabled, updatedAt: now }])) }));
  flags = await startFlagServer({ file, token });
  return { server: flags, file };
}

async function onDisk(file: string) {
  return (JSON.parse(await readFile(file, "utf8")) as { flags: Record<string, { enabled: boolean; updatedAt: string }> }).flags;
}

describe("built-in flag store (real HTTP server, JSON file)", () => {
  it("GET /flags, GET /flags/:name, PUT /flags/:name {enabled}", async () => {
    const { server, file } = await flagStore("api", { checkout: true });
    const list = (await (await fetch(`${server.url}/flags`)).json()) as { flags: Record<string, { enabled: boolean }> };
    expect(list.flags.checkout?.enabled).toBe(true);
    expect((await fetch(`${server.url}/flags/checkout`)).status).toBe(200);
    expect((await fetch(`${server.url}/flags/nope`)).status).toBe(404);

    const put = await fetch(`${server.url}/flags/checkout`, { method: "PUT", body: JSON.stringify({ enabled: false }) });
    expect(await put.json()).toMatchObject({ name: "checkout", enabled: false, previous: true });
    expect((await onDisk(file)).checkout?.enabled).toBe(false);

    const bad = await fetch(`${server.url}/flags/checkout`, { method: "PUT", body: '{"enabled":"no"}' });
    expect(bad.status).toBe(400);
    expect((await fetch(`${server.url}/flags/checkout`, { method: "DELETE" })).status).toBe(405);
  });

  it("writes atomically and loses no update under concurrent PUTs", async () => {
    const { server, file } = await flagStore("concurrent", {});
    await Promise.all(Array.from({ length: 25 }, (_, i) => fetch(`${server.url}/flags/f${i}`, { method: "PUT", body: JSON.stringify({ enabled: i % 2 === 0 }) })));
    const stored = await onDisk(file);
    expect(Object.keys(stored)).toHaveLength(25);
    expect(stored.f3?.enabled).toBe(false);
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("with a token, requests without it are refused", async () => {
    const { server } = await flagStore("token", { checkout: true }, "flag-token-123");
    expect((await fetch(`${server.url}/flags`)).status).toBe(401);
    expect((await fetch(`${server.url}/flags`, { headers: { authorization: "Bearer flag-token-123" } })).status).toBe(200);
  });
});

describe("feature-flag executor", () => {
  it("builtin provider turns a flag off through the flag store's HTTP API", async () => {
    const { server, file } = await flagStore("exec", { checkout: true, search: true });
    const p = ZFeatureFlagParams.parse({ provider: "builtin", url: server.url, flag: "checkout", enabled: false });
    const { ctx, text } = stepContext(env);
    const r = await featureFlagExecutor.execute(p, ctx);
    expect(r).toMatchObject({ ok: true, output: { provider: "builtin", flag: "checkout", enabled: false, previous: true } });
    const stored = await onDisk(file);
    expect(stored.checkout?.enabled).toBe(false);
    expect(stored.search?.enabled).toBe(true);
    expect(text()).toContain("checkout is on; turning it off");
  });

  it("builtin plan reads the flag (read-only) and reports it; an unknown flag fails the plan and the step, creating nothing", async () => {
    const { server, file } = await flagStore("plan", { checkout: true });
    const before = await readFile(file, "utf8");
    const plan = await featureFlagExecutor.plan(ZFeatureFlagParams.parse({ provider: "builtin", url: server.url, flag: "checkout", enabled: false }), { env });
    expect(plan.checks.find((c) => c.name === "flag exists")).toEqual({ name: "flag exists", ok: true, detail: "checkout is on" });
    expect(plan.actions[0]).toBe(`PUT ${server.url}/flags/checkout {"enabled": false} (now on)`);

    const typo = ZFeatureFlagParams.parse({ provider: "builtin", url: server.url, flag: "chekout", enabled: false });
    expect((await featureFlagExecutor.plan(typo, { env })).checks.find((c) => c.name === "flag exists")).toMatchObject({ ok: false, detail: "the flag store has no flag chekout" });
    expect(await featureFlagExecutor.execute(typo, stepContext(env).ctx)).toMatchObject({ ok: false, error: "the flag store has no flag chekout" });
    expect(await readFile(file, "utf8")).toBe(before);
  });

  it("builtin provider sends the token, and a wrong token fails without changing the flag", async () => {
    const { server, file } = await flagStore("auth", { checkout: true }, "right-token-456");
    const wrong = await featureFlagExecutor.execute(ZFeatureFlagParams.parse({ provider: "builtin", url: server.url, token: "wrong-token-000", flag: "checkout", enabled: false }), stepContext(env).ctx);
    expect(wrong).toMatchObject({ ok: false, error: `the flag store answered 401 to GET ${server.url}/flags/checkout` });
    expect((await onDisk(file)).checkout?.enabled).toBe(true);
    const { ctx, text } = stepContext(env);
    const right = await featureFlagExecutor.execute(ZFeatureFlagParams.parse({ provider: "builtin", url: server.url, token: "right-token-456", flag: "checkout", enabled: false }), ctx);
    expect(right.ok).toBe(true);
    expect(text()).not.toContain("right-token-456");
  });

  it("http provider fills the URL and body templates and sends the headers to an external provider", async () => {
    const s = (external = await startTestServer(() => ({ status: 204 })));
    const p = ZFeatureFlagParams.parse({
      provider: "http",
      method: "PATCH",
      url: `${s.url}/api/projects/shop/flags/{flag}`,
      headers: { "x-api-key": "provider-key-789" },
      body: { enabled: "{enabled}", comment: "rolled back {flag}" },
      flag: "new-checkout",
      enabled: false,
    });
    const { ctx, text } = stepContext(env);
    expect(await featureFlagExecutor.execute(p, ctx)).toMatchObject({ ok: true, output: { provider: "http", flag: "new-checkout", enabled: false, status: 204 } });
    expect(s.received[0]).toMatchObject({ method: "PATCH", url: "/api/projects/shop/flags/new-checkout" });
    expect(JSON.parse(s.received[0]!.body)).toEqual({ enabled: false, comment: "rolled back new-checkout" });
    expect(s.received[0]!.headers["x-api-key"]).toBe("provider-key-789");
    expect(text()).not.toContain("provider-key-789");

    const plan = await featureFlagExecutor.plan(p, { env });
    expect(plan.actions[0]).toBe(`PATCH ${s.url}/api/projects/shop/flags/new-checkout {"enabled":false,"comment":"rolled back new-checkout"}`);
    expect(s.received).toHaveLength(1);
  });

  it("http provider fails on an unexpected status", async () => {
    const s = (external = await startTestServer(() => ({ status: 403, body: "forbidden" })));
    const r = await featureFlagExecutor.execute(ZFeatureFlagParams.parse({ provider: "http", url: `${s.url}/flags/{flag}`, flag: "x", enabled: false }), stepContext(env).ctx);
    expect(r).toMatchObject({ ok: false, error: "the provider answered 403, expected 200-299: forbidden" });
  });
});
