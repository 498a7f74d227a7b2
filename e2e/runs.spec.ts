import path from "node:path";
import type { Locator, Page } from "@playwright/test";
import { captureServerAction, declareIncident, expect, expectUniqueIds, expectLive, expectNotReloaded, formField, markDocument, replayServerAction, test, uid } from "./fixtures";
import { CHECKLIST, RUN_TIMEOUT, declareDemo, openLog, runPanels, startDemoRollback, step, steps } from "./demo";

// Runbook runs end to end on the quick start's demo: server.ts (DEMO=1) starts a demo service
// (v2 deployed: /health fails 3 requests in 5) and the built-in flag store, and the demo data's
// service "Demo Checkout" has the runbook "demo-service" (flag off, deploy v1, 5 healthy answers,
// version check, 6-item checklist). The demo service is shared by the whole e2e server, so the
// dry-run test comes first and compares before/after instead of assuming v2.

const OUT = path.join(import.meta.dirname, "screenshots");

const DEMO_STEPS = [
  "The demo service answers",
  "Turn the new-checkout flag off",
  "Deploy v1",
  "Five healthy answers in a row",
  "The service reports v1",
  "Post-rollback checklist",
] as const;


const header = (page: Page) => page.getByRole("main").locator("header").first();
const timeline = (page: Page) => page.getByRole("list", { name: "Timeline" });
const OPERATE_BUTTONS = ["Abort run", "Confirm step", "Retry step", "Skip step", "Start dry run", "Start rollback (as approved)"] as const;
const PLAN = "Plan a runbook (dry run)";


async function expectPausedAtChecklist(panel: Locator) {
  await expect(panel).toHaveAttribute("data-status", "paused", { timeout: RUN_TIMEOUT });
  await expect(steps(panel)).toHaveCount(DEMO_STEPS.length);
  for (const [i, title] of DEMO_STEPS.entries()) {
    await expect(steps(panel).nth(i)).toContainText(`${i + 1}. ${title}`);
    await expect(steps(panel).nth(i)).toHaveAttribute("data-step-status", i < 5 ? "succeeded" : "awaiting_confirmation");
  }
  await expect(panel.getByRole("alert")).toContainText("Paused: Step 6 “Post-rollback checklist” needs a person to confirm it.");
  await expect(panel.getByRole("progressbar", { name: "Run progress" })).toHaveAttribute("aria-valuenow", "83");
}

function urlIn(log: string, re: RegExp): string {
  const m = re.exec(log);
  expect(m, `no URL matching ${re} in:\n${log}`).not.toBeNull();
  return m![1]!;
}

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const r = await fetch(url, { cache: "no-store" });
  return { status: r.status, body: (await r.json()) as T };
}

/**
 * Records every distinct state of the first run panel the page shows (run status and each step's
 * status), polled every 50 ms in the page, so a test can prove it followed the run as it went.
 */
async function recordRunStates(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __runStates: string[] };
    w.__runStates = [];
    setInterval(() => {
      const panel = document.querySelector("[data-testid=run-panel]");
      if (!panel) return;
      const s = `${panel.getAttribute("data-status")}|${[...panel.querySelectorAll("li[data-step-status]")].map((li) => li.getAttribute("data-step-status")).join(",")}`;
      if (w.__runStates.at(-1) !== s) w.__runStates.push(s);
    }, 50);
  });
}

async function recordedRunStates(page: Page): Promise<{ status: string; steps: string[] }[]> {
  const raw = await page.evaluate(() => (window as unknown as { __runStates: string[] }).__runStates);
  return raw.map((s) => {
    const [status, list] = s.split("|");
    return { status: status!, steps: list ? list.split(",") : [] };
  });
}


async function expectNoOperateControls(page: Page) {
  for (const name of OPERATE_BUTTONS) await expect(page.getByRole("button", { name })).toHaveCount(0);
  await expect(page.getByText(PLAN, { exact: true })).toHaveCount(0);
  await expect(page.getByRole("form", { name: "Plan a runbook" })).toHaveCount(0);
  await expect(page.getByRole("form", { name: "Request rollback" })).toHaveCount(0);
}

async function expectNoLogs(panel: Locator) {
  await expect(panel.locator("details")).toHaveCount(0);
  await expect(panel.locator("pre")).toHaveCount(0);
  await expect(panel.getByText("Log", { exact: true })).toHaveCount(0);
  await expect(panel.getByRole("checkbox")).toHaveCount(0);
}

test.describe("runbook runs", () => {
  test("a dry run of the demo runbook plans every step, ends with a DRY RUN badge and changes nothing", async ({ page, loginAs }) => {
    const title = `Demo dry run ${uid()}`;
    await loginAs(page, "oncall");
    const key = await declareDemo(page, title);
    await expect(header(page)).toContainText("Detected");

    // Nothing has run: the plan form is there, closed, and it only plans. A live run or a drill is
    // requested in the Rollback card (see rollback-record.spec.ts), never started from here.
    await expect(runPanels(page)).toHaveCount(0);
    // Both the request form and the plan form have a "Runbook" field; each label must find its own.
    await expect(page.getByRole("form", { name: "Request rollback" }).getByLabel("Runbook")).toHaveValue("demo-service");
    await expectUniqueIds(page);
    await page.getByText(PLAN, { exact: true }).click();
    const form = page.getByRole("form", { name: "Plan a runbook" });
    await form.getByLabel("Runbook").selectOption("demo-service");
    await expect(form.getByLabel("target_version (optional)")).toHaveValue("v1");
    await expect(form.getByLabel("Mode")).toHaveCount(0);
    await expect(form.getByRole("button")).toHaveText(["Start dry run"]);
    const startedAt = Date.now() - 1_000;
    await form.getByRole("button", { name: "Start dry run" }).click();
    await expect(form.getByText("Dry run started.")).toBeVisible();

    const panel = runPanels(page).first();
    await expect(panel).toHaveAttribute("data-status", /^(succeeded|failed)$/, { timeout: RUN_TIMEOUT });
    // Every check passes on this machine (the URLs resolve, node and the repo exist), so it succeeds.
    await expect(panel).toHaveAttribute("data-status", "succeeded");
    await expect(panel.getByText("DRY RUN", { exact: true })).toBeVisible();
    await expect(panel.getByText("LIVE", { exact: true })).toHaveCount(0);
    await expect(panel.getByRole("progressbar", { name: "Run progress" })).toHaveAttribute("aria-valuenow", "100");
    await expect(steps(panel)).toHaveCount(DEMO_STEPS.length);
    await expect(steps(panel).and(page.locator(":not([data-step-status=succeeded])"))).toHaveCount(0);
    // A dry run pauses for nobody: the checklist is planned, not asked for.
    await expect(panel.getByRole("checkbox")).toHaveCount(0);
    await expect(panel.getByRole("button", { name: "Abort run" })).toHaveCount(0);

    const logs: Record<string, string> = {};
    for (const t of DEMO_STEPS) {
      const log = await openLog(panel, t);
      logs[t] = log;
      expect(log, `log of "${t}"`).toContain("[plan] ");
      expect(log, `log of "${t}"`).toMatch(/^ {2}would: /m);
      // Only a plan was made: nothing was requested, run or deployed.
      expect(log, `log of "${t}"`).not.toMatch(/answered \d{3}|^\$ |is now (on|off)|check \d+:|waiting for confirmation/m);
    }
    for (const t of DEMO_STEPS.slice(0, 5)) expect(logs[t], `log of "${t}"`).toMatch(/^ {2}ok {3}/m);
    expect(logs["Turn the new-checkout flag off"]).toMatch(/ok {3}flag exists: new-checkout is (on|off)/);
    expect(logs["Deploy v1"]).toMatch(/would: run .*scripts\/demo-deploy\.ts http:\/\/127\.0\.0\.1:\d+ v1/);
    expect(logs["Post-rollback checklist"]).toContain("would: confirm: Backup systems functional");

    // The demo service and the flag store are where the plan said; neither was touched.
    const demoUrl = urlIn(logs["The demo service answers"]!, /\[plan\] GET (http:\/\/127\.0\.0\.1:\d+)\/version/);
    const flagUrl = urlIn(logs["Turn the new-checkout flag off"]!, /would: PUT (http:\/\/127\.0\.0\.1:\d+\/flags\/new-checkout) /);
    const flagBefore = /\{"enabled": false\} \(now (on|off)\)/.exec(logs["Turn the new-checkout flag off"]!)?.[1];
    expect(flagBefore, "the plan shows the flag's state before the run").toBeTruthy();
    const version = await getJson<{ version: string; deployedAt: string }>(`${demoUrl}/version`);
    expect(version.status).toBe(200);
    expect(new Date(version.body.deployedAt).getTime(), "the demo service was deployed during the dry run").toBeLessThan(startedAt);
    const flag = await getJson<{ enabled: boolean }>(flagUrl);
    expect(flag.status).toBe(200);
    expect(flag.body.enabled ? "on" : "off").toBe(flagBefore);

    // A later dry run plans against the same, unchanged state.
    await page.reload();
    await page.getByText(PLAN, { exact: true }).click();
    await form.getByLabel("Runbook").selectOption("demo-service");
    await form.getByRole("button", { name: "Start dry run" }).click();
    await expect(runPanels(page)).toHaveCount(2);
    const second = runPanels(page).first();
    await expect(second).toHaveAttribute("data-status", "succeeded", { timeout: RUN_TIMEOUT });
    expect(await openLog(second, "Turn the new-checkout flag off")).toContain(`{"enabled": false} (now ${flagBefore})`);
    const after = await getJson<{ version: string; deployedAt: string }>(`${demoUrl}/version`);
    expect(after.body).toEqual(version.body);

    // The incident did not move: a dry run is not a rollback.
    await expect(header(page)).toContainText("Detected");
    await expect(timeline(page)).toContainText(`Dry run started: Demo service rollback (v2 → v1)`);
    await expect(timeline(page)).toContainText(`Dry run succeeded: Demo service rollback (v2 → v1)`);
    await expect(timeline(page)).not.toContainText("Rolling back");
    expect(key).toMatch(/^INC-/);
  });

  test("the demo rollback: a viewer follows the live run without logs or controls, the oncall confirms the checklist, the service is healthy", async ({ page, loginAs, openContext }) => {
    const title = `Demo rollback ${uid()}`;
    await loginAs(page, "oncall");
    const key = await declareDemo(page, title);

    // The stakeholder has the page open before anything starts.
    const viewer = await openContext("viewer");
    await viewer.page.goto(`/incidents/${key}`);
    await expect(viewer.page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expectLive(viewer.page);
    await markDocument(viewer.page);
    await recordRunStates(viewer.page);
    await expect(runPanels(viewer.page)).toHaveCount(0);
    await expectNoOperateControls(viewer.page);

    await expectLive(page);
    await startDemoRollback(page);
    // HIGH: the gate is open, so the request is approved and its run starts in the same step.
    const record = page.getByRole("article", { name: `Rollback request for ${key}` });
    await expect(record.getByTestId("request-status")).toHaveAttribute("data-state", /^(running|paused)$/);
    await expect(record).toContainText("Gate: none");

    // The record started its run as a LIVE run.
    const panel = runPanels(page).first();
    await expect(panel).toBeVisible();
    await expect(runPanels(page)).toHaveCount(1);
    await expect(panel.getByText("LIVE", { exact: true })).toBeVisible();
    await expect(panel).toContainText("Demo service rollback (v2 → v1)");
    await expect(panel).toContainText("by Omar On-call");

    // The viewer's page follows the run without a reload and pauses with it at the checklist.
    const vPanel = runPanels(viewer.page).first();
    await expectPausedAtChecklist(vPanel);
    await expectPausedAtChecklist(panel);
    await expectNotReloaded(viewer.page);
    const seen = await recordedRunStates(viewer.page);
    const doneCounts = seen.map((s) => s.steps.filter((x) => x === "succeeded").length);
    expect(seen.some((s) => s.status === "running"), `viewer states: ${JSON.stringify(seen)}`).toBe(true);
    expect(seen.at(-1)?.status).toBe("paused");
    expect(new Set(doneCounts).size, `the viewer saw steps complete one after another: ${JSON.stringify(seen)}`).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < doneCounts.length; i++) expect(doneCounts[i]!).toBeGreaterThanOrEqual(doneCounts[i - 1]!);
    await expect(header(viewer.page)).toContainText("Rolling back");

    // The viewer sees steps and progress, never logs, and nothing to operate.
    await expectNoLogs(vPanel);
    await expectNoOperateControls(viewer.page);

    // The oncall confirms every item of the checklist.
    const confirm = panel.getByRole("form", { name: "Confirm Post-rollback checklist" });
    await expect(confirm.getByRole("checkbox")).toHaveCount(CHECKLIST.length);
    for (const item of CHECKLIST) await confirm.getByRole("checkbox", { name: item }).check();
    await markDocument(page);
    await confirm.getByRole("button", { name: "Confirm step" }).click();

    for (const p of [page, viewer.page]) {
      const rp = runPanels(p).first();
      await expect(rp).toHaveAttribute("data-status", "succeeded");
      await expect(rp.getByTestId("run-status")).toHaveText("succeeded");
      await expect(rp.getByRole("progressbar", { name: "Run progress" })).toHaveAttribute("aria-valuenow", "100");
      await expect(steps(rp).and(p.locator(":not([data-step-status=succeeded])"))).toHaveCount(0);
      await expect(header(p)).toContainText("Monitoring");
      await expect(p.getByRole("article", { name: `Rollback request for ${key}` }).getByTestId("request-status")).toHaveText("Succeeded");
      await expect(timeline(p)).toContainText("Status: Rolling back → Monitoring");
      await expect(timeline(p)).toContainText("Run succeeded: Demo service rollback (v2 → v1)");
    }
    await expectNotReloaded(viewer.page);
    await expectNotReloaded(page);
    await expectNoLogs(runPanels(viewer.page).first());
    await expectNoOperateControls(viewer.page);
    await expect(panel.getByRole("button", { name: "Abort run" })).toHaveCount(0);

    // The oncall reads the logs: the checklist was confirmed by them, v1 was deployed and answers.
    expect(await openLog(panel, "Post-rollback checklist")).toContain("[rollcall] Omar On-call: confirm");
    const deployLog = await openLog(panel, "Deploy v1");
    expect(deployLog).toMatch(/demo-deploy\.ts http:\/\/127\.0\.0\.1:\d+ v1/);
    const healthLog = await openLog(panel, "Five healthy answers in a row");
    expect(healthLog).toContain("(5/5 healthy in a row)");
    const versionLog = await openLog(panel, "The service reports v1");
    expect(versionLog).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/version \(attempt 1 of 1\)/);
    expect(versionLog).toMatch(/answered 200 in \d+ ms/);

    // And the demo service itself now reports v1 and answers healthy, 5 times in a row.
    const demoUrl = urlIn(versionLog, /GET (http:\/\/127\.0\.0\.1:\d+)\/version/);
    const version = await getJson<{ version: string }>(`${demoUrl}/version`);
    expect(version).toMatchObject({ status: 200, body: { version: "v1" } });
    for (let i = 0; i < 5; i++) {
      const health = await getJson<{ status: string; version: string }>(`${demoUrl}/health`);
      expect(health, `health request ${i + 1}`).toEqual({ status: 200, body: { status: "ok", version: "v1" } });
    }
  });

  test("confirming the checklist with an item unticked is refused and the run stays paused; abort asks first", async ({ page, loginAs }) => {
    const title = `Demo checklist ${uid()}`;
    await loginAs(page, "oncall");
    const key = await declareDemo(page, title);
    await startDemoRollback(page);
    const panel = runPanels(page).first();
    await expectPausedAtChecklist(panel);

    const confirm = panel.getByRole("form", { name: "Confirm Post-rollback checklist" });
    for (const item of CHECKLIST.slice(0, 5)) await confirm.getByRole("checkbox", { name: item }).check();
    await expect(confirm.getByRole("checkbox", { name: "Backup systems functional" })).not.toBeChecked();
    await confirm.getByRole("button", { name: "Confirm step" }).click();
    await expect(confirm.getByRole("alert").filter({ hasText: "Confirm every item first: Backup systems functional" })).toBeVisible();

    // Nothing moved: still paused at the checklist, the incident still rolling back.
    await page.reload();
    await expectPausedAtChecklist(panel);
    await expect(header(page)).toContainText("Rolling back");
    await expect(timeline(page)).not.toContainText("Run: confirm");
    expect(await openLog(panel, "Post-rollback checklist")).not.toContain(": confirm");

    // Abort asks first; dismissing the question changes nothing, accepting it aborts the run.
    await expectLive(page);
    let asked = "";
    page.once("dialog", (d) => {
      asked = d.message();
      void d.dismiss();
    });
    await panel.getByRole("button", { name: "Abort run" }).click();
    await expect.poll(() => asked).toContain("Abort this run?");
    await page.reload();
    await expect(panel).toHaveAttribute("data-status", "paused");

    page.once("dialog", (d) => void d.accept());
    await panel.getByRole("button", { name: "Abort run" }).click();
    await expect(panel).toHaveAttribute("data-status", "aborted");
    await expect(step(panel, "Post-rollback checklist")).toHaveAttribute("data-step-status", "aborted");
    await expect(panel.getByRole("button", { name: "Abort run" })).toHaveCount(0);
    await expect(panel.getByRole("form", { name: "Confirm Post-rollback checklist" })).toHaveCount(0);
    // The rollback is over without success: the incident is investigated again, not rolling back.
    await expect(header(page)).toContainText("Investigating");
    await expect(timeline(page)).toContainText("Status: Rolling back → Investigating");
    await expect(page.getByRole("article", { name: `Rollback request for ${key}` }).getByTestId("request-status")).toHaveText("Aborted");
  });

  test("a viewer sees no run or request form nor operate buttons, and replaying a rollback request, a dry run or an abort as a viewer is refused", async ({ page, loginAs, openContext }) => {
    const title = `Run forbidden ${uid()}`;
    const flagName = `missing-${uid()}`;
    await loginAs(page, "oncall");
    const key = await declareIncident(page, { title, severity: "HIGH", trigger: "Feature broken after a flag flip", services: ["Core API"] });

    const viewer = await openContext("viewer");
    await viewer.page.goto(`/incidents/${key}`);
    await expect(viewer.page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expect(viewer.page.getByRole("heading", { name: "Runbook runs" })).toHaveCount(0);
    await expectNoOperateControls(viewer.page);

    // The oncall's live rollback request (HIGH: it would start at once), captured (aborted) and
    // replayed with the viewer's cookies. Its runbook's first check fails against a closed port.
    const request = page.getByRole("form", { name: "Request rollback" });
    await request.getByLabel("Runbook").selectOption("feature-flag");
    await request.getByLabel("flag", { exact: true }).fill(flagName);
    await request.getByLabel("app_url", { exact: true }).fill("http://127.0.0.1:9");
    await request.getByLabel("Reason").fill("The new flag broke checkout; turn it off.");
    const live = await captureServerAction(page, () => request.getByRole("button", { name: "Start rollback now", exact: true }).click());
    expect(new URL(live.url).pathname).toBe(`/incidents/${key}`);
    expect(formField(live, "mode")).toBe("live");

    // And the oncall's dry run of the same runbook, captured the same way.
    await page.reload();
    await page.getByText(PLAN, { exact: true }).click();
    const plan = page.getByRole("form", { name: "Plan a runbook" });
    await plan.getByLabel("Runbook").selectOption("feature-flag");
    await plan.getByLabel("flag", { exact: true }).fill(flagName);
    await plan.getByLabel("app_url", { exact: true }).fill("http://127.0.0.1:9");
    const dry = await captureServerAction(page, () => plan.getByRole("button", { name: "Start dry run" }).click());

    const refused = await replayServerAction(viewer.request, live);
    expect(refused.body).toContain("may not");
    expect(refused.body).toContain("rollback.request");
    const dryRefused = await replayServerAction(viewer.request, dry);
    expect(dryRefused.body).toContain("may not");
    expect(dryRefused.body).toContain("run.start");
    await page.reload();
    await expect(runPanels(page)).toHaveCount(0);
    await expect(page.getByRole("article", { name: `Rollback request for ${key}` })).toHaveCount(0);
    await expect(timeline(page)).not.toContainText("Rollback requested");
    await expect(header(page)).toContainText("Detected");
    await viewer.page.reload();
    await expect(runPanels(viewer.page)).toHaveCount(0);

    // The same requests from the oncall are valid: the live run starts and its first check fails.
    const oncall = await openContext("oncall");
    const allowed = await replayServerAction(oncall.request, live);
    expect(allowed.body).not.toContain("may not");
    expect(allowed.body).toContain("Approved at once (no approval needed): the run starts now.");
    const dryAllowed = await replayServerAction(oncall.request, dry);
    expect(dryAllowed.body).toContain("Dry run started.");
    await page.reload();
    const panel = runPanels(page).filter({ has: page.getByText("LIVE", { exact: true }) });
    await expect(panel).toHaveCount(1);
    await expect(panel).toHaveAttribute("data-status", "paused", { timeout: RUN_TIMEOUT });
    await expect(steps(panel).first()).toHaveAttribute("data-step-status", "failed");
    await expect(panel.getByRole("button", { name: "Retry step" })).toBeVisible();
    await expect(panel.getByRole("button", { name: "Skip step" })).toBeVisible();
    await expect(panel.getByRole("button", { name: "Abort run" })).toBeVisible();
    await expect(runPanels(page).filter({ has: page.getByText("DRY RUN", { exact: true }) })).toHaveCount(1);
    await expect(header(page)).toContainText("Rolling back");

    // The viewer sees the same paused run, with no log, no Retry/Skip/Abort and no run form.
    await viewer.page.reload();
    const vPanel = runPanels(viewer.page).filter({ has: viewer.page.getByText("LIVE", { exact: true }) });
    await expect(vPanel).toHaveAttribute("data-status", "paused");
    await expect(steps(vPanel).first()).toHaveAttribute("data-step-status", "failed");
    await expect(vPanel.getByRole("alert")).toContainText("Paused: Step 1");
    await expectNoLogs(vPanel);
    await expectNoOperateControls(viewer.page);

    // Abort: the oncall's request, captured and replayed as the viewer, is refused too.
    page.once("dialog", (d) => void d.accept());
    const abort = await captureServerAction(page, () => panel.getByRole("button", { name: "Abort run" }).click());
    const abortRefused = await replayServerAction(viewer.request, abort);
    expect(abortRefused.body).toContain("may not");
    expect(abortRefused.body).toContain("run.operate");
    await viewer.page.reload();
    await expect(vPanel).toHaveAttribute("data-status", "paused");
    const abortAllowed = await replayServerAction(oncall.request, abort);
    expect(abortAllowed.body).not.toContain("may not");
    await viewer.page.reload();
    await expect(vPanel).toHaveAttribute("data-status", "aborted");
    await expect(header(viewer.page)).toContainText("Investigating");
  });

  test("screenshots: the incident page with a paused run and with a succeeded run", async ({ page, loginAs }) => {
    test.setTimeout(120_000);
    const title = `Checkout v2 fails 3 of 5 requests ${uid()}`;
    await loginAs(page, "oncall");
    await declareDemo(page, title);
    await startDemoRollback(page);
    const panel = runPanels(page).first();
    await expectPausedAtChecklist(panel);

    const shoot = async (name: string) => {
      for (const width of [1280, 390] as const) {
        for (const colorScheme of ["light", "dark"] as const) {
          await page.setViewportSize({ width, height: width === 1280 ? 900 : 844 });
          await page.emulateMedia({ colorScheme });
          await expect(panel).toBeVisible();
          const dark = await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches);
          expect(dark).toBe(colorScheme === "dark");
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect(overflow, `horizontal overflow at ${width}px`).toBeLessThanOrEqual(0);
          await page.evaluate(() => window.scrollTo(0, 0));
          await page.screenshot({ path: path.join(OUT, `${name}-${width}-${colorScheme}.png`), fullPage: true, animations: "disabled" });
        }
      }
    };

    await expect(panel.getByRole("form", { name: "Confirm Post-rollback checklist" })).toBeVisible();
    await expectUniqueIds(page);
    await shoot("run-paused");

    await page.setViewportSize({ width: 1280, height: 900 });
    await expectLive(page);
    const confirm = panel.getByRole("form", { name: "Confirm Post-rollback checklist" });
    for (const item of CHECKLIST) await confirm.getByRole("checkbox", { name: item }).check();
    await confirm.getByRole("button", { name: "Confirm step" }).click();
    await expect(panel).toHaveAttribute("data-status", "succeeded");
    await expect(header(page)).toContainText("Monitoring");
    await shoot("run-done");
  });
});
