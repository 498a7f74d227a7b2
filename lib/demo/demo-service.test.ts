import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resetDemoState, startDemoService } from "./demo-service";

let server: Server | undefined;
let dir: string | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function start(trafficPerSecond = 0) {
  dir = mkdtempSync(path.join(tmpdir(), "rollcall-demo-"));
  const stateFile = path.join(dir, "state.json");
  resetDemoState(stateFile);
  server = await startDemoService({ port: 0, stateFile, trafficPerSecond });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const metric = (text: string, line: RegExp) => Number(text.split("\n").find((l) => line.test(l))?.split(" ").at(-1) ?? NaN);

describe("demo service metrics", () => {
  it("counts requests by route, status and version, with a latency histogram, at /metrics", async () => {
    const url = await start();
    for (let i = 0; i < 10; i++) await (await fetch(`${url}/checkout`)).text();
    const text = await (await fetch(`${url}/metrics`)).text();
    // v2 fails 3 requests in 5.
    expect(metric(text, /^http_requests_total\{route="\/checkout",code="503",version="v2"\}/)).toBe(6);
    expect(metric(text, /^http_requests_total\{route="\/checkout",code="200",version="v2"\}/)).toBe(4);
    expect(metric(text, /^http_request_duration_seconds_count\{route="\/checkout",version="v2"\}/)).toBe(10);
    expect(text).toContain('http_request_duration_seconds_bucket{le="0.005",route="/checkout",version="v2"}');
    expect(metric(text, /^demo_version_info\{version="v2"\}/)).toBe(1);
  });

  it("after a deploy of v1 every checkout succeeds and the version gauge follows", async () => {
    const url = await start();
    const deployed = await fetch(`${url}/admin/deploy`, { method: "POST", body: JSON.stringify({ version: "v1" }) });
    expect(deployed.status).toBe(200);
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await fetch(`${url}/checkout`)).status);
    expect(codes).toEqual([200, 200, 200, 200, 200]);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(metric(text, /^demo_version_info\{version="v1"\}/)).toBe(1);
    expect(text).not.toContain('demo_version_info{version="v2"}');
  });

  it("synthetic traffic hits /checkout, and /health keeps its own failure pattern", async () => {
    const url = await start(50);
    const health = [];
    for (let i = 0; i < 5; i++) health.push((await fetch(`${url}/health`)).status);
    expect(health).toEqual([503, 503, 200, 200, 503]);
    for (let i = 0; i < 200; i++) {
      const text = await (await fetch(`${url}/metrics`)).text();
      if (metric(text, /^http_requests_total\{route="\/checkout",code="503",version="v2"\}/) > 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error("no synthetic checkout was counted");
  });
});
