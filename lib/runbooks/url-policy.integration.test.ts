import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import type { Db } from "../db/client";
import { setEnv } from "../env";
import { getExecutor } from "../executors/registry";
import { stepContext } from "../executors/testing/context";
import { startTestServer, type TestServer } from "../executors/testing/http-server";
import { appError, declare, requestFor, service, userCtx } from "../runs/testing/harness";
import { parseRunbook } from "./load";
import { renderRunbook, type RenderedStep } from "./render";

// A url parameter may point only where its runbook allows, URLs are joined from parts, and a
// secret goes only to the base URLs declared for it. Two real HTTP servers: the application the
// runbooks may reach, and another one that must never see a request (nor the token).

const root = path.resolve(import.meta.dirname, "../..");
const TOKEN = "maint-token-0123456789abcdef";
let app: TestServer;
let other: TestServer;

beforeAll(async () => {
  app = await startTestServer(() => ({ status: 200, body: "ok" }));
  other = await startTestServer(() => ({ status: 200, body: "ok" }));
});
afterAll(async () => {
  await app?.close();
  await other?.close();
});
beforeEach(() => {
  app.received.length = 0;
  other.received.length = 0;
});

function serverEnv(): Record<string, string | undefined> {
  return { PATH: process.env.PATH, APP_URL: app.url, OTHER_URL: other.url, MAINTENANCE_TOKEN: TOKEN, ROLLBACK_DATABASE_URL: "postgresql://app@127.0.0.1:1/app", ROLLBACK_BACKUP_DIR: "/nonexistent", APP_DIR: "/nonexistent" };
}

async function example(file: string) {
  const r = parseRunbook(file, await readFile(path.join(root, "runbooks", file), "utf8"));
  if (!r.ok) throw new Error(`${file} does not load: ${JSON.stringify(r.errors)}`);
  return r.loaded.runbook;
}

/** Executes the rendered http steps for real (what a run would do with these parameters). */
async function sendHttpSteps(steps: RenderedStep[]) {
  for (const s of steps.filter((x) => x.executor === "http")) {
    const params = { ...(s.params as Record<string, unknown>), retries: { count: 0, backoffSeconds: 0, maxBackoffSeconds: 0 }, timeoutSeconds: 5 };
    await getExecutor("http")!.execute(params, stepContext(serverEnv(), s.secrets).ctx);
  }
}

function messages(r: ReturnType<typeof renderRunbook>): string[] {
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
}

describe("the database-only example: app_url cannot take the maintenance call and its token elsewhere", () => {
  const host = (u: string) => new URL(u).host;
  it.each([
    ["another host", () => other.url, /^params\.app_url: app_url may only point to http:\/\/127\.0\.0\.1:\d+ in production; http:\/\/127\.0\.0\.1:\d+ is not allowed$/],
    ["another host, the runbook's path pushed into the query", () => `${other.url}/collect?x=`, /^params\.app_url: app_url may only point to .* in production; .* is not allowed$/],
    ["another host, the runbook's path pushed into the fragment", () => `${other.url}/#`, /^params\.app_url: app_url may only point to .* in production/],
    ["the application's host as the user name of another host", () => `http://${host(app.url)}@${host(other.url)}`, /^params\.app_url: app_url must not carry a user name or password$/],
    ["the application's origin, the runbook's path pushed into the query", () => `${app.url}/?x=`, /^params\.url: the base http:\/\/127\.0\.0\.1:\d+ must not have a query or fragment/],
  ])("%s is refused before any request", async (_what, value, expected) => {
    const rendered = renderRunbook((await example("database-only.yaml")), { app_url: value(), good_backup_id: "good-1" }, serverEnv(), "production");
    if (rendered.ok) await sendHttpSteps(rendered.steps);
    expect(other.received).toEqual([]);
    expect(app.received.map((r) => r.url).filter((u) => u !== "/admin/maintenance")).toEqual([]);
    expect(rendered.ok).toBe(false);
    expect(messages(rendered)[0]).toMatch(expected);
    if (expected.source.includes("may only point to")) expect(messages(rendered)[0]).toContain(`may only point to ${app.url} in production`);
  });

  it("the allowed application gets both maintenance calls, with the token, at the runbook's path", async () => {
    const rendered = renderRunbook(await example("database-only.yaml"), { app_url: `${app.url}/`, good_backup_id: "good-1" }, serverEnv(), "production");
    expect(messages(rendered)).toEqual([]);
    if (!rendered.ok) return;
    await sendHttpSteps(rendered.steps);
    expect(app.received.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([
      ["POST", "/admin/maintenance", `Bearer ${TOKEN}`],
      ["POST", "/admin/maintenance", `Bearer ${TOKEN}`],
    ]);
    expect(other.received).toEqual([]);
  });
});

describe("a secret goes only to the base URLs the runbook declares for it", () => {
  const TWO_ORIGINS = JSON.stringify({
    name: "two-origins",
    title: "Two origins",
    scope: "application",
    estimatedMinutes: { min: 1, max: 2 },
    parameters: [{ name: "app_url", type: "url", required: true, allowedUrls: ["{{ env.APP_URL }}", "{{ env.OTHER_URL }}"] }],
    secrets: { MAINTENANCE_TOKEN: { sendTo: ["{{ env.APP_URL }}"] } },
    steps: [
      { id: "plain", title: "No secret", executor: "http", params: { url: { base: "{{ params.app_url }}", path: "ping" } } },
      { id: "header", title: "Token in a header", executor: "http", params: { method: "POST", url: { base: "{{ params.app_url }}", path: "admin/maintenance" }, headers: { authorization: "Bearer {{ env.MAINTENANCE_TOKEN }}" } } },
      { id: "query", title: "Token in the query", executor: "http", params: { url: { base: "{{ params.app_url }}", path: "status", query: { key: "{{ env.MAINTENANCE_TOKEN }}" } } } },
    ],
  });

  it("to the declared origin: sent; to another allowed origin: refused, naming the secret and where it may go", async () => {
    const r = parseRunbook("two-origins.yaml", TWO_ORIGINS);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const ok = renderRunbook(r.loaded.runbook, { app_url: app.url }, serverEnv());
    expect(messages(ok)).toEqual([]);
    if (ok.ok) await sendHttpSteps(ok.steps);
    expect(app.received.map((x) => [x.url, x.headers.authorization ?? null])).toEqual([
      ["/ping", null],
      ["/admin/maintenance", `Bearer ${TOKEN}`],
      [`/status?key=${TOKEN}`, null],
    ]);

    const refused = renderRunbook(r.loaded.runbook, { app_url: other.url }, serverEnv());
    if (refused.ok) await sendHttpSteps(refused.steps);
    expect(other.received.filter((x) => JSON.stringify(x).includes(TOKEN))).toEqual([]);
    expect(messages(refused)).toEqual([
      `params: MAINTENANCE_TOKEN may only be sent to ${app.url}; this step would send it to ${other.url}/admin/maintenance`,
      `params: MAINTENANCE_TOKEN may only be sent to ${app.url}; this step would send it to ${other.url}/status`,
    ]);
    expect(messages(refused).join()).not.toContain(TOKEN);
    expect(refused.ok || refused.errors.map((e) => e.step)).toEqual(["header", "query"]);
  });
});

describe("a rollback request naming a URL outside the allowed list", () => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await freshDatabase("urlpolicy"));
    setEnv("RUNBOOKS_DIR", path.join(root, "runbooks"));
    setEnv("APP_URL", app.url);
    setEnv("FLAG_STORE_URL", app.url);
  });
  afterAll(async () => {
    await drop?.();
  });

  it("is refused next to the parameter, naming it and the allowed base URLs; nothing is recorded", async () => {
    const oncall = await userCtx(db, "oncall");
    const inc = await declare(oncall, (await service(db)).id, "MEDIUM");
    const err = await appError(requestFor(oncall, inc.key, "feature-flag", { params: { flag: "new-checkout", app_url: `${other.url}/?x=` } }));
    expect(err.code).toBe("VALIDATION");
    expect(err.fieldErrors["params.app_url"]).toEqual([expect.stringMatching(new RegExp(`app_url may only point to ${app.url} in production; ${other.url} is not allowed$`))]);
    expect(await db.rollbackRequest.count({ where: { incident: { key: inc.key } } })).toBe(0);
    expect(other.received).toEqual([]);

    const allowed = await requestFor(oncall, inc.key, "feature-flag", { params: { flag: "new-checkout", app_url: `${app.url}/` } });
    expect(allowed.status).toBe("pending");
  });
});
