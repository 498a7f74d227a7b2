import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import type { Db } from "../db/client";
import { setEnv } from "../env";
import { startTestServer, type TestServer } from "../executors/testing/http-server";
import { appError, userCtx } from "../runs/testing/harness";
import { showPlan } from "./show-plan";

// Planning asks real systems, so it is an action that needs run.start. A real local flag store
// records every request: a refused plan must not reach it, an allowed one reads the flag.

const root = path.resolve(import.meta.dirname, "../..");
let db: Db;
let drop: () => Promise<void>;
let flagStore: TestServer;
let app: TestServer;

beforeAll(async () => {
  ({ db, drop } = await freshDatabase("showplan"));
  flagStore = await startTestServer(() => ({ status: 200, body: '{"enabled":true}', headers: { "content-type": "application/json" } }));
  app = await startTestServer(() => ({ status: 200, body: "ok" }));
  setEnv("RUNBOOKS_DIR", path.join(root, "runbooks"));
  setEnv("FLAG_STORE_URL", flagStore.url);
  setEnv("APP_URL", app.url);
});
afterAll(async () => {
  await flagStore?.close();
  await app?.close();
  await drop?.();
});
beforeEach(() => {
  flagStore.received.length = 0;
  app.received.length = 0;
});

const input = () => ({ runbook: "feature-flag", environment: "production", params: { flag: "new-checkout", app_url: app.url } });

describe("showPlan", () => {
  it.each(["viewer", "productowner"] as const)("a %s is refused and nothing is asked of any system", async (role) => {
    const err = await appError(showPlan({ ctx: await userCtx(db, role), input: input() }));
    expect(err.code).toBe("FORBIDDEN");
    expect(err.message).toContain("run.start");
    expect(flagStore.received).toEqual([]);
    expect(app.received).toEqual([]);
  });

  it("an on-call engineer gets every step's plan: the flag store is read, the application is not touched", async () => {
    const plan = await showPlan({ ctx: await userCtx(db, "oncall"), input: input() });
    expect(plan.steps.map((s) => `${s.section}/${s.id}`)).toEqual(["prerequisites/flag-exists", "steps/disable-flag", "steps/clear-cache", "steps/health", "validation/post-checklist"]);
    expect(plan.steps[2]?.summary).toBe(`POST ${app.url}/admin/cache/clear`);
    expect(plan.steps[1]?.checks.find((c) => c.name === "flag exists")?.detail).toBe("new-checkout is on");
    expect(flagStore.received.map((r) => `${r.method} ${r.url}`)).toEqual(["GET /flags/new-checkout"]);
    expect(app.received).toEqual([]);
    expect(plan).toMatchObject({ runbook: "feature-flag", environment: "production", params: { flag: "new-checkout", app_url: app.url } });
    // The page gets text to show, never the rendered step parameters.
    expect(Object.keys(plan.steps[0]!).sort()).toEqual(["actions", "checks", "executor", "id", "idempotent", "section", "summary", "title"]);
  });

  it("a url parameter outside the allowed list is refused next to the field, before anything is asked", async () => {
    const err = await appError(showPlan({ ctx: await userCtx(db, "oncall"), input: { ...input(), params: { flag: "new-checkout", app_url: "http://127.0.0.1:9/?x=" } } }));
    expect(err.fieldErrors["params.app_url"]).toEqual([`app_url may only point to ${app.url} in production; http://127.0.0.1:9 is not allowed`]);
    expect(flagStore.received).toEqual([]);
  });

  it("an unknown environment or runbook is a field error", async () => {
    const oncall = await userCtx(db, "oncall");
    expect((await appError(showPlan({ ctx: oncall, input: { ...input(), environment: "staging" } }))).fieldErrors.environment).toEqual(["feature-flag runs in production, not staging."]);
    expect((await appError(showPlan({ ctx: oncall, input: { ...input(), runbook: "nope" } }))).fieldErrors.runbook).toEqual(["No runbook named “nope” is loaded."]);
  });
});
