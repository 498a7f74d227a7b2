import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { test, expect, type Page } from "@playwright/test";
import { DEMO_PASSWORD, USERS, signInThroughForm } from "./fixtures";
import { freePort, startEmbeddedPostgres, type EmbeddedHandle } from "../lib/db/embedded";

// A Rollcall of this spec's own, on a PostgreSQL this spec starts, stops and starts again while
// Rollcall keeps running: the pages say the database is unreachable and retry by themselves, the
// public status page shows its last known state (kept on disk, so a restarted Rollcall has it), the
// status API answers 503 with JSON, and everything works again once the database is back.

const ROOT = path.resolve(import.meta.dirname, "..");
const DB = "rollcall";

let dir: string;
let pg: EmbeddedHandle | undefined;
let pgPort: number;
let port: number;
let base: string;
let rollcall: { child: ChildProcess; output: () => string } | undefined;
const secret = randomBytes(32).toString("base64url");
const auditKey = randomBytes(32).toString("base64");

async function startDatabase() {
  pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), port: pgPort, database: DB });
}
async function stopDatabase() {
  await pg?.stop();
  pg = undefined;
}

async function startRollcall() {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    NEXTAUTH_URL: base,
    NEXTAUTH_SECRET: secret,
    AUDIT_HMAC_KEY: auditKey,
    DATABASE_URL: `postgresql://postgres:rollcall-embedded@127.0.0.1:${pgPort}/${DB}`,
    DATA_DIR: path.join(dir, "data"),
    DEMO: "1",
  };
  delete env.ADMIN_EMAIL;
  delete env.ADMIN_PASSWORD;
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (out += c.toString()));
  rollcall = { child, output: () => out };
  await expect
    .poll(
      async () => {
        if (child.exitCode !== null) throw new Error(`Rollcall exited (${child.exitCode}):\n${out}`);
        return fetch(`${base}/api/health`).then((r) => r.status, () => 0);
      },
      { timeout: 120_000, message: "Rollcall answers /api/health" },
    )
    .toBe(200);
}

async function stopRollcall() {
  const r = rollcall;
  rollcall = undefined;
  if (!r || r.child.exitCode !== null) return;
  const exited = new Promise((resolve) => r.child.once("exit", resolve));
  r.child.kill("SIGTERM");
  await exited;
}

test.beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "rollcall-dbdown-"));
  await chmod(dir, 0o755);
  pgPort = await freePort();
  port = await freePort();
  base = `http://localhost:${port}`;
  await startDatabase();
});

test.afterAll(async () => {
  await stopRollcall();
  await stopDatabase();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test.afterEach(async ({}, info) => {
  if (info.status !== info.expectedStatus && rollcall) await info.attach("rollcall-output", { body: rollcall.output(), contentType: "text/plain" });
});

const board = (page: Page) => page.getByRole("heading", { name: "Command board" });
const services = (page: Page) => page.getByRole("heading", { name: "Services" }).locator("..").getByRole("listitem");
const unreachable = (page: Page) => page.getByRole("heading", { name: "Database unreachable, retrying" });

test("database down: pages say so and retry, the status page shows its last known state, the API answers 503; all recover without restarting Rollcall", async ({ browser }) => {
  test.setTimeout(300_000);
  await startRollcall();

  // The status page read live once: that state is kept in DATA_DIR.
  const visitor = await browser.newContext({ baseURL: base });
  const statusPage = await visitor.newPage();
  await statusPage.goto("/status");
  await expect(statusPage.getByRole("heading", { name: "Service status" })).toBeVisible();
  await expect(statusPage.getByTestId("status-stale")).toHaveCount(0);
  const liveOverall = await statusPage.getByTestId("overall").innerText();
  const liveServices = await services(statusPage).count();
  expect(liveServices).toBeGreaterThan(0);
  const kept = JSON.parse(await readFile(path.join(dir, "data", "status-last-known.json"), "utf8")) as { asOf: string };
  await statusPage.close();

  // A restarted Rollcall has nothing in memory, and nothing reads the status page before the
  // database goes away: what it serves comes from the file.
  await stopRollcall();
  await startRollcall();
  await stopDatabase();

  // Health already said so; it now also says when the database last answered, and when to ask again.
  const health = await fetch(`${base}/api/health`);
  expect(health.status).toBe(503);
  expect(health.headers.get("retry-after")).toMatch(/^\d+$/);
  const healthBody = (await health.json()) as { status: string; database: { reachable: boolean; lastReachableAt: string | null } };
  expect(healthBody.status).toBe("down");
  expect(healthBody.database.reachable).toBe(false);
  expect(healthBody.database.lastReachableAt).toMatch(/^\d{4}-\d\d-\d\dT/);

  // The status API: 503, JSON, Retry-After, the last known state and its time.
  const api = await fetch(`${base}/api/status`);
  expect(api.status).toBe(503);
  expect(api.headers.get("content-type")).toContain("application/json");
  expect(Number(api.headers.get("retry-after"))).toBeGreaterThan(0);
  const apiBody = (await api.json()) as { error: string; asOf?: string; lastKnown?: { overall: string; services: unknown[] } };
  expect(apiBody.error).toMatch(/database unreachable/);
  expect(apiBody.asOf).toBe(kept.asOf);
  expect(apiBody.lastKnown?.services).toHaveLength(liveServices);

  // The public status page: the last known state, with a notice saying it is one and since when.
  const stale = await visitor.newPage();
  const staleResponse = await stale.goto("/status");
  expect(staleResponse?.status()).toBe(200);
  await expect(stale.getByTestId("status-stale")).toContainText(`Live status unavailable; showing the state as of ${kept.asOf.slice(0, 16).replace("T", " ")} UTC`);
  await expect(stale.getByTestId("overall")).toHaveText(liveOverall);
  await expect(services(stale)).toHaveCount(liveServices);

  await startDatabase();
  // It turns live again by itself.
  await expect(stale.getByTestId("status-stale")).toHaveCount(0, { timeout: 30_000 });
  await expect(stale.getByTestId("overall")).toHaveText(liveOverall);
  expect((await fetch(`${base}/api/status`)).status).toBe(200);

  // Signed in, with the board open, when the database goes away again.
  const oncall = await browser.newContext({ baseURL: base });
  const boardPage = await oncall.newPage();
  await signInThroughForm(boardPage, USERS.oncall.email, DEMO_PASSWORD);
  const navPage = await oncall.newPage();
  await navPage.goto("/");
  await expect(board(navPage)).toBeVisible();
  const login = await visitor.newPage();

  await stopDatabase();

  // A signed-in page loaded now, and the login page: a clear page that retries, not a 500.
  const down = await boardPage.goto("/");
  expect(down?.status()).toBe(200);
  await expect(unreachable(boardPage)).toBeVisible();
  await expect(boardPage.getByTestId("database-last-reachable")).toBeVisible();
  await expect(boardPage.getByTestId("database-retry-status")).toContainText("Checking every");
  const loginResponse = await login.goto("/login");
  expect(loginResponse?.status()).toBe(200);
  await expect(unreachable(login)).toBeVisible();
  // Moving between pages of an open board (a client navigation): the board's error boundary asks
  // /api/health and says the same.
  await navPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Incidents", exact: true }).click();
  await expect(unreachable(navPage)).toBeVisible();
  expect((await fetch(`${base}/api/status`)).status).toBe(503);

  await startDatabase();

  // Nobody reloads: every page comes back by itself, and Rollcall was never restarted.
  await expect(board(boardPage)).toBeVisible({ timeout: 30_000 });
  await expect(navPage.getByRole("heading", { name: "Incidents", level: 1 })).toBeVisible({ timeout: 30_000 });
  await expect(login.getByLabel("Email")).toBeVisible({ timeout: 30_000 });
  expect((await fetch(`${base}/api/health`)).status).toBe(200);

  await visitor.close();
  await oncall.close();
});
