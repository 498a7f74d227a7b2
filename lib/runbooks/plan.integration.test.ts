import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFlagServer, type FlagServer } from "../executors/flags/server";
import { startTestServer, type TestServer } from "../executors/testing/http-server";
import { parseRunbook } from "./load";
import { planRunbook } from "./plan";

const root = path.resolve(import.meta.dirname, "../..");
let dir: string;
let flags: FlagServer;
let app: TestServer;
let flagFile: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "rollcall-plan-"));
  flagFile = path.join(dir, "flags.json");
  await writeFile(flagFile, JSON.stringify({ flags: { "new-checkout": { enabled: true, updatedAt: "2026-11-01T00:00:00.000Z" } } }));
  flags = await startFlagServer({ file: flagFile });
  app = await startTestServer(() => ({ status: 200, body: "ok" }));
});
afterAll(async () => {
  await flags?.close();
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

async function featureRunbook() {
  const r = parseRunbook("feature-flag.yaml", await readFile(path.join(root, "runbooks/feature-flag.yaml"), "utf8"));
  if (!r.ok) throw new Error("the example does not load");
  return r.loaded;
}

describe("planRunbook (dry run of an example runbook against real local services)", () => {
  it("shows every step's plan and checks, and changes nothing: no flag flipped, no request to the application", async () => {
    const before = await readFile(flagFile, "utf8");
    const plan = await planRunbook(await featureRunbook(), { flag: "new-checkout", app_url: app.url }, { env: { PATH: process.env.PATH, FLAG_STORE_URL: flags.url, APP_URL: app.url } });
    if (!plan.ok) throw new Error(JSON.stringify(plan.errors));
    expect(plan.steps.map((s) => `${s.step.section}/${s.step.id}: ${s.plan.summary}`)).toEqual([
      `prerequisites/flag-exists: GET ${flags.url}/flags/new-checkout`,
      "steps/disable-flag: turn new-checkout off in the built-in flag store",
      `steps/clear-cache: POST ${app.url}/admin/cache/clear`,
      `steps/health: wait until ${app.url}/health is healthy 3 times in a row`,
      "validation/post-checklist: pause until a person confirms 6 items",
    ]);
    expect(plan.checksPassed).toBe(true);
    expect(plan.steps[1]?.plan.checks.find((c) => c.name === "flag exists")?.detail).toBe("new-checkout is on");
    expect(await readFile(flagFile, "utf8")).toBe(before);
    expect(app.received).toEqual([]);
  });

  it("can execute the read-only prerequisites as checks", async () => {
    const env = { PATH: process.env.PATH, FLAG_STORE_URL: flags.url, APP_URL: app.url };
    const present = await planRunbook(await featureRunbook(), { flag: "new-checkout", app_url: app.url }, { env }, { executePrerequisites: true });
    expect(present.ok && present.steps[0]?.plan.checks.at(-1)).toEqual({ name: "prerequisite", ok: true, detail: "passed" });

    const missing = await planRunbook(await featureRunbook(), { flag: "no-such-flag", app_url: app.url }, { env }, { executePrerequisites: true });
    if (!missing.ok) throw new Error("render failed");
    expect(missing.checksPassed).toBe(false);
    expect(missing.steps[0]?.plan.checks.at(-1)).toEqual({ name: "prerequisite", ok: false, detail: "answered 404, expected 200" });
  });

  it("reports parameter and environment problems instead of planning", async () => {
    const plan = await planRunbook(await featureRunbook(), { flag: "new-checkout", app_url: app.url }, { env: { PATH: process.env.PATH, APP_URL: app.url } });
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.errors.map((e) => `${e.step}: ${e.message}`)).toEqual([
      "flag-exists: environment variable FLAG_STORE_URL is not set",
      "disable-flag: environment variable FLAG_STORE_URL is not set",
    ]);
    const nowhere = await planRunbook(await featureRunbook(), { flag: "new-checkout", app_url: app.url }, { env: { PATH: process.env.PATH, FLAG_STORE_URL: flags.url } });
    expect(!nowhere.ok && nowhere.errors.map((e) => `${e.path}: ${e.message}`)).toEqual(["params.app_url: app_url cannot be used in production on this server: APP_URL is not set"]);
  });
});
