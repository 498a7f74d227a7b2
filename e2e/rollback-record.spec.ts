import type { Locator, Page } from "@playwright/test";
import { addFormField, captureServerAction, expect, expectLive, expectNotReloaded, expectUniqueIds, formField, markDocument, replayServerAction, test, uid, withFormField } from "./fixtures";
import { RUN_TIMEOUT, confirmChecklist, declareDemo, openLog, runPanels, step, steps } from "./demo";
import { shoot, SCHEMES } from "./shots";

// A rollback is one record (lib/approvals/request-rollback.ts): the request names a runbook from the
// list, its validated parameters, live or drill, and the environment; approval starts exactly that
// run. Against the quick start's demo: "Demo Checkout" rolls back with "demo-service", whose
// environments fix service_url and flag (production, and a drill copy of the service).
// policy/default.yaml: a MEDIUM rollback needs a team lead; a drill outside production needs nobody.

const header = (page: Page) => page.getByRole("main").locator("header").first();
const timeline = (page: Page) => page.getByRole("list", { name: "Timeline" });
const requestForm = (page: Page) => page.getByRole("form", { name: "Request rollback" });
const rollbackRecord = (scope: Page | Locator, key: string) => scope.getByRole("article", { name: `Rollback request for ${key}` });
const drillRecord = (scope: Page | Locator, key: string) => scope.getByRole("article", { name: `Drill request for ${key}` });
const state = (record: Locator) => record.getByTestId("request-status");
const livePanel = (page: Page) => runPanels(page).filter({ has: page.getByText("LIVE", { exact: true }) });

/** The record's "Parameters (exactly what runs)" list, sorted. */
async function pinnedParams(record: Locator): Promise<string[]> {
  const items = record.locator("dt", { hasText: "Parameters (exactly what runs):" }).locator("xpath=following-sibling::dd[1]").getByRole("listitem");
  return (await items.allTextContents()).map((t) => t.trim()).sort();
}

/** Fills the request form for the demo rollback in production (page on a MEDIUM demo incident). */
async function fillDemoRequest(page: Page, reason: string) {
  const form = requestForm(page);
  const runbook = form.getByLabel("Runbook");
  // The affected service's own runbook is listed first, in its own group.
  await expect(runbook.locator('optgroup[label="For the affected services"] option')).toHaveAttribute("value", "demo-service");
  await runbook.selectOption("demo-service");
  await expect(form.getByLabel("Mode")).toHaveValue("live");
  await expect(form.getByLabel("Environment")).toHaveValue("production");
  await expect(form.getByLabel("Roll back to")).toHaveValue("v1");
  // Values the environment fixes are shown, read-only; the request cannot change them.
  await expect(form.getByLabel("service_url", { exact: true })).not.toBeEditable();
  await expect(form.getByLabel("flag (optional)")).toHaveValue("new-checkout");
  await expect(form.getByLabel("flag (optional)")).not.toBeEditable();
  await expect(form.getByLabel("target_version (optional)")).toBeEditable();
  await form.getByLabel("Reason").fill(reason);
  await expect(form.getByRole("button", { name: "Request rollback approval", exact: true })).toBeVisible();
}

/** The service URL a record pinned (the environment's value, resolved on the server when requested). */
async function pinnedServiceUrl(record: Locator): Promise<string> {
  const line = (await pinnedParams(record)).find((p) => p.startsWith("service_url = "));
  expect(line, "the record pins service_url").toMatch(/^service_url = http:\/\/127\.0\.0\.1:\d+$/);
  return line!.slice("service_url = ".length);
}

/** Records, every 50 ms, the header's badges and the first run panel's status as the page shows them. */
async function recordIncidentStates(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __states: string[] };
    w.__states = [];
    setInterval(() => {
      const badges = [...document.querySelectorAll("main header span")].map((s) => s.textContent).join(",");
      const s = `${badges}|${document.querySelector("[data-testid=run-panel]")?.getAttribute("data-status") ?? "none"}`;
      if (w.__states.at(-1) !== s) w.__states.push(s);
    }, 50);
  });
}

async function recordedIncidentStates(page: Page): Promise<{ badges: string; run: string }[]> {
  const raw = await page.evaluate(() => (window as unknown as { __states: string[] }).__states);
  return raw.map((s) => {
    const [badges, run] = s.split("|");
    return { badges: badges!, run: run! };
  });
}

test.describe("a rollback is one record", () => {
  test("MEDIUM on Demo Checkout: a team lead's approval starts exactly the requested run; a viewer watches the incident roll back and reach Monitoring", async ({ page, loginAs, openContext }) => {
    test.setTimeout(120_000);
    const title = `Record approval ${uid()}`;
    await loginAs(page, "oncall");
    const key = await declareDemo(page, title, "MEDIUM");
    await expect(page.getByRole("region", { name: "Decision matrix" })).toContainText("Approval by teamlead");

    // The stakeholder and the team lead have their pages open before anything is requested.
    const viewer = await openContext("viewer");
    await viewer.page.goto(`/incidents/${key}`);
    await expect(viewer.page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expectLive(viewer.page);
    await markDocument(viewer.page);
    await recordIncidentStates(viewer.page);
    const lead = await openContext("teamlead");
    await lead.page.goto("/approvals");
    await expectLive(lead.page);
    await markDocument(lead.page);

    await expectLive(page);
    await fillDemoRequest(page, "Checkout answers 503 to 3 requests in 5 since v2");
    await requestForm(page).getByRole("button", { name: "Request rollback approval", exact: true }).click();

    // The record says what will run and waits; nothing runs and the incident is not rolling back.
    const mine = rollbackRecord(page, key);
    await expect(state(mine)).toHaveText("Awaiting approval");
    await expect(state(mine)).toHaveAttribute("data-state", "awaiting_approval");
    await expect(mine).toContainText("Runbook: demo-service @");
    await expect(mine).toContainText("Rollback · production");
    await expect(mine).toContainText("0/1 approval from teamlead");
    const serviceUrl = await pinnedServiceUrl(mine);
    const approved = ["flag = new-checkout", `service_url = ${serviceUrl}`, "target_version = v1"];
    expect(await pinnedParams(mine)).toEqual(approved);
    await expect(mine.getByRole("button", { name: "Start rollback (as approved)" })).toHaveCount(0);
    await expect(header(page)).toContainText("Detected");
    await expect(header(page)).not.toContainText("Rolling back");
    await expect(runPanels(page)).toHaveCount(0);
    await expect(timeline(page)).toContainText("Rollback requested");
    await expect(state(rollbackRecord(viewer.page, key))).toHaveText("Awaiting approval");
    await expect(header(viewer.page)).toContainText("Detected");

    // The team lead's inbox shows the same record, live, with the same parameters, and approves it.
    const card = rollbackRecord(lead.page.getByRole("list", { name: "Requests to decide" }), key);
    await expect(card).toBeVisible({ timeout: 5_000 });
    expect(await pinnedParams(card)).toEqual(approved);
    await expectNotReloaded(lead.page);
    await card.getByLabel("Comment").fill("Go: v1 was healthy for a week.");
    await card.getByRole("button", { name: "Approve", exact: true }).click();
    await expect(state(rollbackRecord(lead.page.getByRole("region", { name: "Decided in the last 24 hours" }), key))).toHaveAttribute("data-state", /^(running|paused)$/);

    // Nobody presses anything else: the run starts, and the viewer sees the incident roll back while it runs.
    await expect(state(rollbackRecord(viewer.page, key))).toHaveAttribute("data-state", /^(running|paused)$/, { timeout: 10_000 });
    await expect(header(viewer.page)).toContainText("Rolling back");
    const vPanel = livePanel(viewer.page);
    await expect(vPanel).toHaveCount(1);
    await expect(vPanel).toHaveAttribute("data-status", "paused", { timeout: RUN_TIMEOUT });
    await expect(header(viewer.page)).toContainText("Rolling back");
    await expect(state(rollbackRecord(viewer.page, key))).toHaveText("Paused: needs a person");
    await expectNotReloaded(viewer.page);
    const seen = await recordedIncidentStates(viewer.page);
    expect(seen[0], `viewer states: ${JSON.stringify(seen)}`).toMatchObject({ run: "none" });
    expect(seen[0]!.badges).toContain("Detected");
    expect(
      seen.some((s) => s.run === "running" && s.badges.includes("Rolling back")),
      `the viewer saw the incident Rolling back while the run was running: ${JSON.stringify(seen)}`,
    ).toBe(true);
    expect(seen.some((s) => s.run !== "none" && s.badges.includes("Detected")), `never a run beside a Detected incident: ${JSON.stringify(seen)}`).toBe(false);

    // The run is exactly what was approved: the record still lists the same parameters, and the
    // run's own steps and logs used them (the fixed production URL, the flag, v1).
    expect(await pinnedParams(mine)).toEqual(approved);
    const panel = livePanel(page);
    await expect(panel).toContainText("Demo service rollback (v2 → v1)");
    await expect(panel).toContainText("by Tess Team-lead");
    await expect(step(panel, "Deploy v1")).toHaveCount(1);
    await expect(step(panel, "The service reports v1")).toHaveCount(1);
    expect(await openLog(panel, "Deploy v1")).toContain(`demo-deploy.ts ${serviceUrl} v1`);
    expect(await openLog(panel, "Turn the new-checkout flag off")).toMatch(/^new-checkout is now off$/m);
    expect(await openLog(panel, "The service reports v1")).toContain(`GET ${serviceUrl}/version`);
    await expect(timeline(page)).toContainText("Rollback approved");
    await expect(timeline(page)).toContainText("Rollback run started: Demo service rollback (v2 → v1)");
    await expect(timeline(page)).toContainText("Status: Detected → Rolling back");

    // The run pauses at its post-rollback checklist; the oncall confirms it and the incident moves on.
    await expect(steps(panel).last()).toHaveAttribute("data-step-status", "awaiting_confirmation");
    await markDocument(page);
    await confirmChecklist(page);
    for (const p of [page, viewer.page]) {
      await expect(livePanel(p)).toHaveAttribute("data-status", "succeeded", { timeout: RUN_TIMEOUT });
      await expect(state(rollbackRecord(p, key))).toHaveText("Succeeded");
      await expect(header(p)).toContainText("Monitoring");
      await expect(header(p)).not.toContainText("Rolling back");
      await expect(timeline(p)).toContainText("Status: Rolling back → Monitoring");
    }
    await expectNotReloaded(viewer.page);
    await expectNotReloaded(page);
  });

  test("the old way to start a live run is gone, and no replayed action starts a run other than an approved record's", async ({ page, loginAs, openContext }) => {
    test.setTimeout(120_000);
    const title = `Record replay ${uid()}`;
    await loginAs(page, "oncall");
    const key = await declareDemo(page, title, "MEDIUM");

    // The runbook form only plans: no mode to choose, one button, and it says so.
    await expect(page.getByRole("form", { name: "Run a runbook" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Start run", exact: true })).toHaveCount(0);
    await page.getByText("Plan a runbook (dry run)", { exact: true }).click();
    const plan = page.getByRole("form", { name: "Plan a runbook" });
    await plan.getByLabel("Runbook").selectOption("demo-service");
    await expect(plan.getByLabel("Mode")).toHaveCount(0);
    await expect(plan.getByRole("button")).toHaveText(["Start dry run"]);

    // Its request, replayed as a live run or a drill, is refused; as captured, it is a dry run.
    const dry = await captureServerAction(page, () => plan.getByRole("button", { name: "Start dry run" }).click());
    expect(formField(dry, "mode")).toBe("dry_run");
    for (const mode of ["live", "drill"]) {
      const refused = await replayServerAction(page.context().request, withFormField(dry, "mode", mode));
      expect(refused.body, `mode=${mode}`).toContain("Live rollbacks and drills start from a rollback request, which fixes what runs; here only a dry run can start.");
    }
    await page.reload();
    await expect(runPanels(page)).toHaveCount(0);
    await expect(header(page)).toContainText("Detected");
    await expect(timeline(page)).not.toContainText("Rollback run started");
    expect((await replayServerAction(page.context().request, dry)).body).toContain("Dry run started.");
    await page.reload();
    await expect(runPanels(page)).toHaveCount(1);
    await expect(runPanels(page).getByText("DRY RUN", { exact: true })).toBeVisible();
    await expect(runPanels(page)).toHaveAttribute("data-status", "succeeded", { timeout: RUN_TIMEOUT });
    await expect(header(page)).toContainText("Detected");

    // A live rollback request, then the incident is resolved before the team lead approves: the
    // approval stands, the run cannot start, and the record says why and offers to start it.
    await fillDemoRequest(page, "v2 fails checkouts; roll back to v1");
    await requestForm(page).getByRole("button", { name: "Request rollback approval", exact: true }).click();
    const live = rollbackRecord(page, key);
    await expect(state(live)).toHaveText("Awaiting approval");
    const pinned = await pinnedParams(live);
    const serviceUrl = await pinnedServiceUrl(live);
    const status = page.getByRole("form", { name: "Change status" });
    await status.getByLabel("New status").selectOption({ label: "Resolved" });
    await status.getByRole("button", { name: "Update status" }).click();
    await expect(header(page)).toContainText("Resolved");

    const lead = await openContext("teamlead");
    await lead.page.goto(`/incidents/${key}`);
    const leadCard = rollbackRecord(lead.page, key);
    await leadCard.getByRole("button", { name: "Approve", exact: true }).click();
    await expect(state(leadCard)).toHaveText("Approved, not started");
    await expect(leadCard.getByRole("alert")).toHaveText("The run did not start: The incident is resolved; reopen it before rolling back.");

    await page.reload();
    await status.getByLabel("New status").selectOption("investigating");
    await status.getByRole("checkbox", { name: "Yes, reopen this incident" }).check();
    await status.getByRole("button", { name: "Update status" }).click();
    await expect(header(page)).toContainText("Investigating");
    await expect(live.getByRole("button", { name: "Start rollback (as approved)" })).toBeVisible();

    // A second live rollback is refused while this one is open; a drill in production waits for approval.
    await page.getByText("Request a drill", { exact: true }).click();
    const form = requestForm(page);
    await form.getByLabel("Mode").selectOption("drill");
    await expect(form.getByLabel("Environment")).toHaveValue("production");
    await form.getByLabel("Reason").fill("Practise the rollback while the real one waits");
    await form.getByRole("button", { name: "Request drill approval", exact: true }).click();
    const drill = drillRecord(page, key);
    await expect(state(drill)).toHaveText("Awaiting approval");
    const drillId = await drill.locator('input[name="requestId"]').first().getAttribute("value");
    expect(drillId).toMatch(/^[0-9a-f-]{36}$/);

    // The start of the approved record, replayed naming the drill (not approved) instead, is refused.
    const start = await captureServerAction(page, () => live.getByRole("button", { name: "Start rollback (as approved)" }).click());
    const liveId = formField(start, "requestId");
    expect(liveId).toMatch(/^[0-9a-f-]{36}$/);
    const other = await replayServerAction(page.context().request, withFormField(start, "requestId", drillId!));
    expect(other.body).toContain("This rollback is pending; only an approved rollback can start.");
    await page.reload();
    await expect(runPanels(page)).toHaveCount(1);
    await expect(state(drill)).toHaveText("Awaiting approval");

    // With other values added (a drill, another runbook, v2), the start runs what was approved, unchanged.
    let tampered = addFormField(start, "mode", "drill");
    tampered = addFormField(tampered, "environment", "drill");
    tampered = addFormField(tampered, "runbook", "feature-flag");
    tampered = addFormField(tampered, "param.target_version", "v2");
    tampered = addFormField(tampered, "target", "v2");
    expect((await replayServerAction(page.context().request, tampered)).body).toContain("Started.");
    await page.reload();
    const panel = livePanel(page);
    await expect(panel).toHaveCount(1);
    await expect(panel).toContainText("Demo service rollback (v2 → v1)");
    await expect(step(panel, "Deploy v1")).toHaveCount(1);
    await expect(step(panel, "Deploy v2")).toHaveCount(0);
    await expect(state(live)).toHaveAttribute("data-state", /^(running|paused)$/);
    await expect(header(page)).toContainText("Rolling back");
    expect(await pinnedParams(live)).toEqual(pinned);
    expect(await openLog(panel, "Deploy v1")).toContain(`demo-deploy.ts ${serviceUrl} v1`);
    await expect(state(drill)).toHaveText("Awaiting approval");

    // Once started, the same start does nothing more.
    expect((await replayServerAction(page.context().request, start)).body).toContain("This rollback's run has already started.");
    await page.reload();
    await expect(livePanel(page)).toHaveCount(1);
    await expect(runPanels(page)).toHaveCount(2);
  });

  test("an unknown runbook or an invalid parameter is refused at request time, next to the field, keeping what was typed", async ({ page, loginAs }) => {
    const title = `Record validation ${uid()}`;
    const reason = `Checkout fails since v2 ${uid()}`;
    await loginAs(page, "oncall");
    const key = await declareDemo(page, title, "MEDIUM");

    // An option a version parameter must never get ("-..." would read as a program option).
    await fillDemoRequest(page, reason);
    const form = requestForm(page);
    await form.getByLabel("target_version (optional)").fill("--help");
    await form.getByRole("button", { name: "Request rollback approval", exact: true }).click();
    await expect(form.getByRole("alert").filter({ hasText: "The runbook cannot run with these parameters." })).toBeVisible();
    const version = form.getByLabel("target_version (optional)");
    await expect(page.locator("#rollback-param-target_version-error")).toContainText("target_version must be a tag, version or digest such as v2.9.0 (not starting with -)");
    await expect(version).toHaveAttribute("aria-invalid", "true");
    await expect(version).toHaveAttribute("aria-describedby", "rollback-param-target_version-error");
    await expect(version).toHaveValue("--help");
    await expect(form.getByLabel("Runbook")).toHaveValue("demo-service");
    await expect(form.getByLabel("Roll back to")).toHaveValue("v1");
    await expect(form.getByLabel("Reason")).toHaveValue(reason);
    await expect(rollbackRecord(page, key)).toHaveCount(0);
    await expect(timeline(page)).not.toContainText("Rollback requested");

    // The corrected request, captured, then replayed naming a runbook that does not exist.
    await version.fill("");
    const request = await captureServerAction(page, () => form.getByRole("button", { name: "Request rollback approval", exact: true }).click());
    expect(formField(request, "runbook")).toBe("demo-service");
    const typo = await replayServerAction(page.context().request, withFormField(request, "runbook", "demo-servce"));
    expect(typo.body).toContain("No runbook named “demo-servce” is loaded. Choose one from the list.");
    expect(typo.body, "the refusal hands back what was typed").toContain(reason);
    await page.reload();
    await expect(rollbackRecord(page, key)).toHaveCount(0);

    // The same in the page (the list altered in the browser): the message sits next to the Runbook field.
    await fillDemoRequest(page, reason);
    await page.locator('#rollback-runbook option[value="demo-service"]').evaluate((o: HTMLOptionElement) => (o.value = "demo-servce"));
    await form.getByRole("button", { name: "Request rollback approval", exact: true }).click();
    await expect(page.locator("#rollback-runbook-error")).toHaveText("No runbook named “demo-servce” is loaded. Choose one from the list.");
    await expect(form.getByLabel("Runbook")).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByLabel("Reason")).toHaveValue(reason);
    await expect(rollbackRecord(page, key)).toHaveCount(0);

    // The captured request was valid all along: as sent, it is recorded (then withdrawn).
    expect((await replayServerAction(page.context().request, request)).body).toContain("Rollback requested; approvers have been told.");
    await page.reload();
    const record = rollbackRecord(page, key);
    await expect(state(record)).toHaveText("Awaiting approval");
    await expect(record).toContainText("target_version = v1");
    await record.getByText("Cancel this request", { exact: true }).click();
    await record.getByLabel("Why cancel?").fill("Only checking the form");
    await record.getByRole("button", { name: "Cancel request" }).click();
    await expect(state(record)).toHaveText("Cancelled");
    await expect(header(page)).toContainText("Detected");
  });

  test("a drill in the drill environment starts at once on a MEDIUM incident and leaves its status alone; a drill in production asks for approval", async ({ page, loginAs }) => {
    test.setTimeout(120_000);
    const title = `Record drill ${uid()}`;
    await loginAs(page, "oncall");
    const key = await declareDemo(page, title, "MEDIUM");
    await expect(header(page)).toContainText("Detected");

    const form = requestForm(page);
    await form.getByLabel("Runbook").selectOption("demo-service");
    const productionUrl = await form.getByLabel("service_url", { exact: true }).inputValue();
    await form.getByLabel("Mode").selectOption({ label: "Drill (practice)" });
    await form.getByLabel("Environment").selectOption("drill");
    // The drill environment fixes its own copy of the service and its own flag.
    const drillUrl = form.getByLabel("service_url", { exact: true });
    await expect(drillUrl).not.toBeEditable();
    await expect(drillUrl).not.toHaveValue(productionUrl);
    await expect(form.getByLabel("flag (optional)")).toHaveValue("new-checkout-drill");
    await expect(form.getByText("A drill in production changes production")).toHaveCount(0);
    await form.getByLabel("Reason").fill("Practise the checkout rollback on the drill copy");
    await form.getByRole("button", { name: "Start drill now", exact: true }).click();

    const drill = drillRecord(page, key);
    await expect(drill).toHaveCount(1);
    await expect(state(drill)).toHaveAttribute("data-state", /^(running|paused)$/);
    await expect(drill).toContainText("Drill · drill");
    await expect(drill).toContainText("Gate: none");
    const drillService = await pinnedServiceUrl(drill);
    expect(await pinnedParams(drill)).toEqual(["flag = new-checkout-drill", `service_url = ${drillService}`, "target_version = v1"]);
    const panel = runPanels(page).first();
    await expect(panel.getByText("DRILL", { exact: true })).toBeVisible();
    await expect(header(page)).toContainText("Detected");
    await expect(timeline(page)).toContainText("Drill started: Demo service rollback (v2 → v1)");
    await expect(timeline(page)).toContainText("Rollback started (no approval needed)");

    // The drill runs to its checklist and finishes; the incident never rolled back.
    await expect(panel).toHaveAttribute("data-status", "paused", { timeout: RUN_TIMEOUT });
    await expect(header(page)).toContainText("Detected");
    expect(await openLog(panel, "Deploy v1")).toContain(`demo-deploy.ts ${drillService} v1`);
    await confirmChecklist(page);
    await expect(panel).toHaveAttribute("data-status", "succeeded", { timeout: RUN_TIMEOUT });
    await expect(state(drill)).toHaveText("Succeeded");
    await expect(header(page)).toContainText("Detected");
    await expect(timeline(page)).not.toContainText("Status:");

    // In production a drill changes production: the same gate as a live rollback.
    await expect(page.getByText("Request a rollback", { exact: true })).toBeVisible();
    await form.getByLabel("Runbook").selectOption("demo-service");
    await form.getByLabel("Mode").selectOption("drill");
    await expect(form.getByLabel("Environment")).toHaveValue("production");
    await expect(form).toContainText("A drill in production changes production: it needs the same approval as a live rollback.");
    await form.getByLabel("Reason").fill("Practise on production during the quiet hour");
    await form.getByRole("button", { name: "Request drill approval", exact: true }).click();
    const prodDrill = drillRecord(page, key).filter({ hasText: "Drill · production" });
    await expect(state(prodDrill)).toHaveText("Awaiting approval");
    await expect(prodDrill).toContainText("0/1 approval from teamlead");
    await expect(runPanels(page)).toHaveCount(1);
    await expect(header(page)).toContainText("Detected");
  });

  test("screenshots: the incident page with the request form, a record awaiting approval and a running rollback", async ({ page, loginAs, openContext }) => {
    test.setTimeout(180_000);
    const title = `Checkout v2 fails 3 of 5 requests ${uid()}`;
    await loginAs(page, "oncall");
    const key = await declareDemo(page, title, "MEDIUM");
    const record = rollbackRecord(page, key);

    const shootAll = async (name: string, shown: Locator) => {
      for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 800 }]) {
        for (const colorScheme of SCHEMES) {
          await page.setViewportSize(viewport);
          await page.emulateMedia({ colorScheme });
          await expect(shown).toBeVisible();
          await shoot(page, `${name}-${viewport.width}-${colorScheme}.png`, colorScheme);
        }
      }
    };
    // The form as filled in: the environment's fixed values read-only, as this server resolves them.
    await fillDemoRequest(page, "Checkout answers 503 to 3 requests in 5 since v2; v1 was healthy");
    await expect(requestForm(page)).toContainText("Fixed by the production environment.");
    await expect(requestForm(page).getByLabel("service_url")).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expectUniqueIds(page);
    await shootAll("rollback-form", requestForm(page));

    await requestForm(page).getByRole("button", { name: "Request rollback approval", exact: true }).click();
    await expect(state(record)).toHaveText("Awaiting approval");
    await expectUniqueIds(page);
    await shootAll("rollback-awaiting", record);

    // Approved: the run starts by itself (by the time the pictures are taken it may be paused at
    // its checklist, still unfinished, so the incident is still rolling back).
    const lead = await openContext("teamlead");
    await lead.page.goto(`/incidents/${key}`);
    await rollbackRecord(lead.page, key).getByRole("button", { name: "Approve", exact: true }).click();
    await expect(state(record)).toHaveAttribute("data-state", /^(running|paused)$/, { timeout: 10_000 });
    await expect(header(page)).toContainText("Rolling back");
    await expect(livePanel(page)).toHaveCount(1);
    await shootAll("rollback-running", record);
  });
});
