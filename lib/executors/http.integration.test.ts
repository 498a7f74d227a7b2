import { afterEach, describe, expect, it } from "vitest";
import { httpExecutor, ZHttpParams } from "./http";
import { stepContext } from "./testing/context";
import { startTestServer, type TestServer } from "./testing/http-server";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const env = { PATH: process.env.PATH };

describe("http executor (real local HTTP server)", () => {
  it("retries with exponential backoff: a server that fails twice then succeeds", async () => {
    const s = (server = await startTestServer((_req, i) => (i < 2 ? { status: 503, body: "warming up" } : { status: 200, body: "ready" })));
    const { ctx, text } = stepContext(env);
    const started = Date.now();
    const r = await httpExecutor.execute(ZHttpParams.parse({ url: `${s.url}/deploy`, retries: { count: 3, backoffSeconds: 0.1 }, expectBodyContains: "ready" }), ctx);
    expect(r).toMatchObject({ ok: true, output: { status: 200, attempts: 3, body: "ready" } });
    expect(s.received).toHaveLength(3);
    // 0.1 s then 0.2 s of backoff.
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(text()).toContain("attempt 1 failed: answered 503, expected 200-299");
    expect(text()).toContain("retrying in 0.2s");
  });

  it("gives up after count + 1 attempts and reports the last answer", async () => {
    const s = (server = await startTestServer(() => ({ status: 500, body: "boom" })));
    const r = await httpExecutor.execute(ZHttpParams.parse({ url: s.url, retries: { count: 2, backoffSeconds: 0 } }), stepContext(env).ctx);
    expect(r).toMatchObject({ ok: false, error: "answered 500, expected 200-299", output: { attempts: 3, status: 500 } });
    expect(s.received).toHaveLength(3);
  });

  it("sends method, headers and a JSON body; checks status list and body text", async () => {
    const s = (server = await startTestServer(() => ({ status: 202, body: '{"maintenance":true}' })));
    const p = ZHttpParams.parse({ method: "POST", url: `${s.url}/admin/maintenance`, headers: { authorization: "Bearer tok-abcdef" }, body: { enabled: true }, expectStatus: [202], expectBodyContains: '"maintenance":true' });
    const { ctx, text } = stepContext(env);
    expect((await httpExecutor.execute(p, ctx)).ok).toBe(true);
    expect(s.received[0]).toMatchObject({ method: "POST", url: "/admin/maintenance", body: '{"enabled":true}' });
    expect(s.received[0]!.headers).toMatchObject({ authorization: "Bearer tok-abcdef", "content-type": "application/json" });
    expect(text()).not.toContain("tok-abcdef");

    const wrongBody = await httpExecutor.execute(ZHttpParams.parse({ url: s.url, expectStatus: [202], expectBodyContains: "nope" }), stepContext(env).ctx);
    expect(wrongBody.error).toBe('answered 202 but the body does not contain "nope"');
  });

  it("a request that outlives timeoutSeconds fails", async () => {
    const s = (server = await startTestServer(() => ({ status: 200, delayMs: 2000 })));
    const r = await httpExecutor.execute(ZHttpParams.parse({ url: s.url, timeoutSeconds: 0.2 }), stepContext(env).ctx);
    expect(r).toMatchObject({ ok: false, error: "no response within 0.2s" });
  });

  it("abort during the backoff stops at once", async () => {
    const s = (server = await startTestServer(() => ({ status: 503 })));
    const { ctx, controller } = stepContext(env);
    const running = httpExecutor.execute(ZHttpParams.parse({ url: s.url, retries: { count: 5, backoffSeconds: 30 } }), ctx);
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    expect(await running).toMatchObject({ ok: false, error: "aborted" });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(s.received).toHaveLength(1);
  });

  it("a URL given as parts is joined, never concatenated: a segment stays one segment, the query is encoded", async () => {
    const s = (server = await startTestServer(() => ({ status: 200 })));
    const p = ZHttpParams.parse({ url: { base: `${s.url}/api/`, path: ["flags", "a/b?c#d", "x y"], query: { q: "1&x=2", on: true } } });
    expect(p.url).toBe(`${s.url}/api/flags/a%2Fb%3Fc%23d/x%20y?q=1%26x%3D2&on=true`);
    expect((await httpExecutor.execute(p, stepContext(env).ctx)).ok).toBe(true);
    expect(s.received.map((r) => r.url)).toEqual(["/api/flags/a%2Fb%3Fc%23d/x%20y?q=1%26x%3D2&on=true"]);
    expect(ZHttpParams.safeParse({ url: { base: `${s.url}/?x=`, path: "admin" } }).error?.issues[0]?.message).toMatch(/^the base http:\/\/127\.0\.0\.1:\d+ must not have a query or fragment/);
    expect(ZHttpParams.safeParse({ url: { base: s.url, path: ["flags", ".."] } }).error?.issues[0]?.message).toBe('a path segment may not be empty, "." or ".." (got "..")');
  });

  it("plan parses the URL and resolves the host without sending anything, unless the step allows a probe", async () => {
    const s = (server = await startTestServer(() => ({ status: 200 })));
    const quiet = await httpExecutor.plan(ZHttpParams.parse({ method: "DELETE", url: `${s.url}/cache` }), { env });
    expect(quiet.checks.map((c) => [c.name, c.ok])).toEqual([
      ["url", true],
      ["url host resolves", true],
    ]);
    expect(s.received).toHaveLength(0);

    const probed = await httpExecutor.plan(ZHttpParams.parse({ url: `${s.url}/health`, probeInPlan: true }), { env });
    expect(probed.checks.at(-1)).toEqual({ name: "url reachable", ok: true, detail: "HEAD answered 200" });
    expect(s.received.map((r) => r.method)).toEqual(["HEAD"]);

    const unknown = await httpExecutor.plan(ZHttpParams.parse({ url: "http://rollcall-no-such-host.invalid/health" }), { env });
    expect(unknown.checks[1]).toMatchObject({ name: "url host resolves", ok: false });
  });
});
