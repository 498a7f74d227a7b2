import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync, mkdirSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { startAlertRouteServer, type RouteServer } from "../../test/alert-route-server";
import type { Db } from "../db/client";
import { setEnv } from "../env";
import { seedDemo } from "../setup/bootstrap";
import { REPO_ROOT } from "../runs/testing/harness";
import { setUpCommsKey } from "../alerts/testing/fixtures";
import { resetDemoState, startDemoService } from "./demo-service";
import { DEMO_INTEGRATION, demoTokenFile, ensureDemoIntegration } from "./demo-integration";
import { demoServiceUrlFile } from "./start-demo";

// `npm run demo:alert` as a person runs it, against the quick start's demo data: the demo integration
// made at start (token kept in DATA_DIR), the demo service on v2, and Rollcall's real alert route.

let db: Db;
let drop: () => Promise<void>;
let dataDir: string;
let route: RouteServer;
let demo: Server;

beforeAll(async () => {
  setEnv("POLICY_FILE", "policy/default.yaml");
  setEnv("RUNBOOKS_DIR", path.join(REPO_ROOT, "runbooks"));
  setEnv("DEMO_SERVICE_URL", "http://127.0.0.1:9");
  setEnv("DEMO_DRILL_SERVICE_URL", "http://127.0.0.1:9");
  setEnv("FLAG_STORE_URL", "http://127.0.0.1:9");
  setEnv("ROLLCALL_NODE", process.execPath);
  setEnv("ROLLCALL_HOME", REPO_ROOT);
  setUpCommsKey();
  ({ db, drop } = await freshDatabase("demoalert"));
  await seedDemo(db);
  dataDir = mkdtempSync(path.join(tmpdir(), "rollcall-demo-alert-"));
  route = await startAlertRouteServer();
  const stateFile = path.join(dataDir, "demo", "service.json");
  resetDemoState(stateFile);
  demo = await startDemoService({ port: 0, stateFile, trafficPerSecond: 20 });
  mkdirSync(path.dirname(demoServiceUrlFile(dataDir)), { recursive: true });
  writeFileSync(demoServiceUrlFile(dataDir), `http://127.0.0.1:${(demo.address() as AddressInfo).port}\n`);
});

afterAll(async () => {
  await route?.close();
  await new Promise<void>((r) => (demo ? demo.close(() => r()) : r()));
  demo?.closeAllConnections();
  await drop?.();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function demoAlert(...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/demo-alert.ts", "--url", route.url, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: "3000", NODE_ENV: "development" as const },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

describe("the demo's Alertmanager integration", () => {
  it("is created once with its token in DATA_DIR (mode 0600); a lost token file gets a new token and the old one stops working", async () => {
    const first = await ensureDemoIntegration(db, dataDir);
    expect(first).toMatchObject({ slug: DEMO_INTEGRATION.slug, created: true, rotated: false });
    const token = readFileSync(demoTokenFile(dataDir), "utf8").trim();
    expect(token).toMatch(/^rca_/);
    expect((await import("node:fs")).statSync(demoTokenFile(dataDir)).mode & 0o777).toBe(0o600);
    expect(await ensureDemoIntegration(db, dataDir)).toMatchObject({ created: false, rotated: false });
    expect(readFileSync(demoTokenFile(dataDir), "utf8").trim()).toBe(token);
    expect(await db.alertIntegration.count({ where: { slug: DEMO_INTEGRATION.slug } })).toBe(1);

    unlinkSync(demoTokenFile(dataDir));
    expect(await ensureDemoIntegration(db, dataDir)).toMatchObject({ created: false, rotated: true });
    const fresh = readFileSync(demoTokenFile(dataDir), "utf8").trim();
    expect(fresh).not.toBe(token);
    const old = await fetch(`${route.url}/api/alerts/${DEMO_INTEGRATION.slug}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: "{}" });
    expect(old.status).toBe(401);
  });
});

describe("npm run demo:alert", () => {
  it("measures the demo's error rate, posts the firing notification: Rollcall declares and rolls back; a replay is deduplicated; --resolve resolves it", async () => {
    const fired = await demoAlert();
    expect(fired.out).toMatch(/Demo Checkout at http:\/\/127\.0\.0\.1:\d+: \d+\.\d% of checkouts failed in the last 3 s/);
    expect(fired.out).toContain("(firing: ErrorRateAbove5Percent, ErrorRateAbove10Percent)");
    expect(fired.out).toMatch(/group firing, automation: act; incident http:\/\/127\.0\.0\.1:\d+\/incidents\/INC-/);
    expect(fired.code).toBe(0);

    const decision = await db.automaticDecision.findFirstOrThrow({ where: { outcome: "act" }, select: { incidentId: true, rollbackRequestId: true, readings: true } });
    expect((decision.readings as { metrics: { error_rate_pct: { value: number } } }).metrics.error_rate_pct.value).toBeGreaterThan(10);
    const request = await db.rollbackRequest.findUniqueOrThrow({ where: { id: decision.rollbackRequestId! }, select: { requesterRole: true, runbook: true, target: true } });
    expect(request).toMatchObject({ requesterRole: "automation", runbook: "demo-service" });

    const again = await demoAlert("--value", "60");
    expect(again.code).toBe(0);
    expect(await db.incident.count({ where: { declaredById: null, services: { some: { service: { name: "Demo Checkout" } } } } })).toBe(1);
    expect(await db.rollbackRequest.count({ where: { incidentId: decision.incidentId! } })).toBe(1);

    const resolved = await demoAlert("--resolve");
    expect(resolved.out).toContain("(resolved: ErrorRateAbove5Percent, ErrorRateAbove10Percent)");
    expect(resolved.out).toContain("group resolved");
    expect(resolved.code).toBe(0);
    expect(await db.alertGroup.findFirstOrThrow({ where: { incidentId: decision.incidentId }, select: { status: true } })).toEqual({ status: "resolved" });
  });

  it("refuses to post when nothing would fire, and says how to break the demo again", async () => {
    const quiet = await demoAlert("--value", "3");
    expect(quiet.code).toBe(1);
    expect(quiet.out).toContain("an error rate of 3.0% fires none of the demo's alerts");
  });
});
