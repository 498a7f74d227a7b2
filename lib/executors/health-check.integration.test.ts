import { afterEach, describe, expect, it } from "vitest";
import { healthCheckExecutor, ZHealthCheckParams } from "./health-check";
import { stepContext } from "./testing/context";
import { startTestServer, type TestServer } from "./testing/http-server";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const env = { PATH: process.env.PATH };

describe("health-check executor (real local HTTP server)", () => {
  it("succeeds after N consecutive healthy answers from a server that turns healthy after a few requests", async () => {
    const s = (server = await startTestServer((_r, i) => (i < 3 ? { status: 503, body: "starting" } : { status: 200, body: "ok" })));
    const { ctx, text } = stepContext(env);
    const r = await healthCheckExecutor.execute(ZHealthCheckParams.parse({ url: `${s.url}/health`, successes: 3, intervalSeconds: 0.02, timeoutSeconds: 10 }), ctx);
    expect(r).toMatchObject({ ok: true, output: { requests: 6, consecutive: 3 } });
    expect(s.received).toHaveLength(6);
    expect(text()).toContain("check 3: 503 (0/3 healthy in a row)");
    expect(text()).toContain("check 6: 200 (3/3 healthy in a row)");
  });

  it("a failure resets the count: answers must be consecutive", async () => {
    // healthy, unhealthy, healthy, healthy: two in a row are needed, reached only at request 4.
    const pattern = [200, 500, 200, 200, 200];
    const s = (server = await startTestServer((_r, i) => ({ status: pattern[i] ?? 200 })));
    const r = await healthCheckExecutor.execute(ZHealthCheckParams.parse({ url: s.url, successes: 2, intervalSeconds: 0.01, timeoutSeconds: 10 }), stepContext(env).ctx);
    expect(r).toMatchObject({ ok: true, output: { requests: 4 } });
  });

  it("fails at the deadline when the server never becomes healthy", async () => {
    const s = (server = await startTestServer(() => ({ status: 200, body: "degraded" })));
    const started = Date.now();
    const r = await healthCheckExecutor.execute(ZHealthCheckParams.parse({ url: s.url, expectBodyContains: "ok", successes: 1, intervalSeconds: 0.05, timeoutSeconds: 0.6 }), stepContext(env).ctx);
    const elapsed = Date.now() - started;
    expect(r.ok).toBe(false);
    expect(r.error).toBe('not healthy within 0.6s: last answer 200 without "ok", 0/1 healthy in a row');
    expect(elapsed).toBeGreaterThanOrEqual(550);
    expect(elapsed).toBeLessThan(3000);
    expect(s.received.length).toBeGreaterThan(3);
  });

  it("counts a refused connection as unhealthy and can be aborted", async () => {
    const s = await startTestServer(() => ({ status: 200 }));
    const url = s.url;
    await s.close();
    const { ctx, controller } = stepContext(env);
    const running = healthCheckExecutor.execute(ZHealthCheckParams.parse({ url, intervalSeconds: 0.05, timeoutSeconds: 30 }), ctx);
    setTimeout(() => controller.abort(), 300);
    const r = await running;
    expect(r).toMatchObject({ ok: false, error: "aborted", output: { last: "ECONNREFUSED" } });
  });
});
