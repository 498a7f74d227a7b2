import type { Locator, Page } from "@playwright/test";
import { declareIncident, expect, expectLive, test, uid } from "./fixtures";
import { CHECKLIST, RUN_TIMEOUT, confirmChecklist, declareDemo, runPanels, startDemoRollback, step } from "./demo";
import { expectInView, focused } from "./viewport";

// The incident page as a command view (issue #11): on a phone the next action is on screen at every
// step of a rollback, focus follows the result of an action, and stakeholders read plain words
// without internal identifiers.

const PHONE = { width: 390, height: 844 };
const header = (page: Page) => page.getByRole("main").locator("header").first();
const waitingFor = (page: Page) => header(page).getByTestId("waiting-for");

/**
 * Counts what a person does: every tap, fill, selection and tick is one. Before each, the control
 * must already be on screen (nothing here scrolls; the page's own jumps and focus moves may).
 * A submit that comes back with an error next to its form is a failed submit.
 */
class Journey {
  taps = 0;
  failedSubmits = 0;
  log: string[] = [];
  scrolls: string[] = [];
  constructor(private page: Page) {}

  /** A person's swipe: scrolls the page (a wheel, not scrollIntoView) until `loc` is on screen, and counts it. */
  async swipeTo(loc: Locator, what: string) {
    const box = await loc.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, height: window.innerHeight };
    });
    if (box.top >= 0 && box.bottom <= box.height) return;
    const before = await this.page.evaluate(() => window.scrollY);
    await this.page.mouse.move(195, 400);
    await this.page.mouse.wheel(0, box.top - box.height / 3);
    await expect.poll(() => this.page.evaluate(() => window.scrollY)).not.toBe(before);
    this.scrolls.push(what);
  }

  private async ready(loc: Locator, what: string) {
    await expectInView(loc, what);
    this.taps++;
    this.log.push(what);
  }
  async tap(loc: Locator, what: string) {
    await this.ready(loc, what);
    await loc.click({ noWaitAfter: true });
  }
  async fill(loc: Locator, text: string, what: string) {
    await this.ready(loc, what);
    await loc.fill(text);
  }
  async select(loc: Locator, value: string, what: string) {
    await this.ready(loc, what);
    await loc.selectOption(value);
  }
  async tick(loc: Locator, what: string) {
    await this.ready(loc, what);
    await loc.check();
  }
  /** Taps a submit button, then waits for `done` or an error in `form`. */
  async submit(button: Locator, form: Locator, done: Locator, what: string) {
    await this.tap(button, what);
    const error = form.getByRole("alert").first();
    await expect(done.or(error)).toBeVisible({ timeout: RUN_TIMEOUT });
    if ((await error.count()) > 0 && (await error.isVisible())) this.failedSubmits++;
  }
}

test.describe("the incident page as a command view", () => {
  test("on a phone, declare on Demo Checkout → roll back → confirm the checklist → public update → resolve: each next action is on screen, and the taps are counted", async ({ openContext }) => {
    test.setTimeout(180_000);
    const { page } = await openContext("oncall", { viewport: PHONE });
    const j = new Journey(page);
    const title = `Phone journey ${uid()}`;

    // Declare, from the board.
    await page.goto("/");
    await expectLive(page);
    await j.tap(page.getByRole("link", { name: "Declare incident" }), "board: Declare incident");
    const declare = page.getByRole("form", { name: "Declare incident" });
    await j.fill(declare.getByLabel("Title"), title, "declare: title");
    await j.fill(declare.getByLabel("Describe the trigger"), "Checkout answers 503 to 3 requests in 5 since v2", "declare: trigger");
    // The declare form is longer than a phone's screen: a person swipes down through it (counted).
    await j.swipeTo(declare.getByLabel("Severity"), "declare: to severity");
    await j.select(declare.getByLabel("Severity"), "HIGH", "declare: severity");
    await j.swipeTo(declare.getByRole("checkbox", { name: "Demo Checkout" }), "declare: to the services");
    await j.tick(declare.getByRole("checkbox", { name: "Demo Checkout" }), "declare: Demo Checkout");
    await j.swipeTo(declare.getByRole("button", { name: "Declare incident" }), "declare: to the button");
    await j.submit(declare.getByRole("button", { name: "Declare incident" }), declare, page.getByRole("heading", { level: 1, name: title }), "declare: submit");
    await expect(page).toHaveURL(/\/incidents\/INC-\d{4}-\d+$/);
    await expectLive(page);

    // Roll back: the header asks for the reason and starts it (HIGH: no approval needed).
    await expectInView(header(page).getByText("Detected", { exact: true }), "phase after declaring");
    const quick = page.getByRole("form", { name: "Quick rollback" });
    await expect(quick).toContainText("Roll back Demo Checkout to v1");
    await j.fill(quick.getByLabel("Why roll back?"), "v2 fails 3 of 5 checkouts; v1 was healthy", "rollback: reason");
    await j.submit(quick.getByRole("button", { name: "Roll back to v1 now" }), quick, header(page).getByTestId("header-run"), "rollback: start");
    // Focus follows the result: the header's box, which now shows the run, not the body.
    await expect.poll(async () => (await focused(page)).id).toBe("needs-now");
    await expect(header(page)).toContainText("Rolling back");

    // The run pauses at its checklist: the header says so and leads to the form.
    await expect(waitingFor(page)).toHaveText("A person to confirm a step", { timeout: RUN_TIMEOUT });
    await expectInView(waitingFor(page), "paused: what it waits for");
    await j.tap(header(page).getByRole("link", { name: "Confirm the checklist" }), "checklist: open");
    const confirm = runPanels(page).first().getByRole("form", { name: "Confirm Post-rollback checklist" });
    for (const item of CHECKLIST) await j.tick(confirm.getByRole("checkbox", { name: item }), `checklist: ${item}`);
    await j.submit(confirm.getByRole("button", { name: "Confirm step" }), confirm, header(page).getByText("Monitoring", { exact: true }), "checklist: confirm");
    await expect.poll(async () => (await focused(page)).id, { timeout: RUN_TIMEOUT }).toBe("needs-now");
    await expect(waitingFor(page)).toHaveText("Confirmation that the service is healthy");

    // A public update: the header jumps to the status page form; the public status follows the incident.
    await j.tap(header(page).getByRole("navigation", { name: "On this page" }).getByRole("link", { name: "Public update" }), "public: open");
    const update = page.getByRole("form", { name: "Public update" });
    await j.fill(update.getByLabel("Public title"), `Checkout errors ${uid()}`, "public: title");
    await expect(update.getByLabel("Public status")).toHaveValue("monitoring");
    await j.fill(update.getByLabel("Update for the status page"), "We rolled checkout back to the previous version. Errors have stopped; we are watching it.", "public: text");
    await j.submit(update.getByRole("button", { name: "Publish update" }), update, update.getByRole("status"), "public: publish");
    await expect(update.getByRole("status")).toHaveText("Published on the status page.");
    await expectInView(update.getByRole("status"), "public: the success message");
    expect((await focused(page)).text).toBe("Published on the status page.");
    await expect(update.getByLabel("Public status")).toHaveValue("monitoring");

    // Resolve: the header is off screen now; the phone's action bar carries the next action.
    await j.tap(page.getByTestId("next-action-bar").getByRole("link", { name: "Next: Resolve when healthy" }), "resolve: open");
    const status = page.getByRole("form", { name: "Change status" });
    await expect(status.getByLabel("New status")).toHaveValue("resolved");
    await j.submit(status.getByRole("button", { name: "Update status" }), status, status.getByRole("status"), "resolve: update status");
    await expect(header(page).getByText("Resolved", { exact: true })).toHaveCount(1);
    expect((await focused(page)).text).toBe("Status updated.");

    console.log(`phone journey: ${j.taps} taps, ${j.failedSubmits} failed submits, swipes: ${j.scrolls.join(", ") || "none"}\n  ${j.log.join("\n  ")}`);
    test.info().annotations.push({ type: "taps", description: `${j.taps} taps, ${j.failedSubmits} failed submits, ${j.scrolls.length} swipes (${j.scrolls.join(", ")})` });
    expect(j.failedSubmits, "failed submits").toBe(0);
    // Only the declare form needs a swipe; on the incident page every next action is on screen.
    expect(j.scrolls.filter((s) => !s.startsWith("declare:")), "swipes on the incident page").toEqual([]);
    // Written in README.md ("The incident page on a phone"): keep the two in step.
    expect(j.taps, `taps:\n${j.log.join("\n")}`).toBe(22);
  });

  test("focus lands on the result: the request's state after approving, the message after a status change and after publishing; status selects default forward", async ({ openContext }) => {
    test.setTimeout(120_000);
    const oncall = (await openContext("oncall")).page;
    const title = `Focus after approving ${uid()}`;
    const key = await declareIncident(oncall, { title, severity: "MEDIUM", services: ["Core API"] });
    // A runbook that touches nothing here: the feature flag runbook against a closed port.
    const form = oncall.getByRole("form", { name: "Request rollback" });
    await form.getByLabel("Runbook").selectOption("feature-flag");
    await form.getByLabel("flag", { exact: true }).fill("e2e-focus-flag");
    await form.getByLabel("app_url", { exact: true }).fill("http://127.0.0.1:9");
    await form.getByLabel("Reason").fill("Latency tripled after the deploy");
    await form.getByRole("button", { name: "Request rollback approval", exact: true }).click();
    await expect(waitingFor(oncall)).toHaveText("Approval of the rollback");

    // The team lead approves on the incident page: the Approve button goes away with the decision,
    // and focus goes to the request's new state, not to the body.
    const lead = (await openContext("teamlead")).page;
    await lead.goto(`/incidents/${key}`);
    await expectLive(lead);
    const card = lead.getByRole("article", { name: `Rollback request for ${key}` });
    await card.getByRole("button", { name: "Approve", exact: true }).click();
    await expect(card.getByRole("button", { name: "Approve", exact: true })).toHaveCount(0);
    await expect.poll(async () => (await focused(lead)).testid).toBe("request-status");
    expect((await focused(lead)).text).toMatch(/^(Running|Paused: needs a person|Failed)$/);

    // A status change: focus on "Status updated.", kept in view; each select defaults forward.
    const other = (await openContext("oncall")).page;
    await declareIncident(other, { title: `Focus after a status change ${uid()}`, severity: "HIGH", services: ["Core API"] });
    const status = other.getByRole("form", { name: "Change status" });
    const next = status.getByLabel("New status");
    for (const [from, forward, options] of [
      ["Detected", "investigating", ["Investigating", "Monitoring", "Resolved"]],
      ["Investigating", "monitoring", ["Monitoring", "Resolved"]],
      ["Monitoring", "resolved", ["Resolved", "Investigating (back)"]],
    ] as const) {
      await expect(header(other).getByText(from, { exact: true })).toBeVisible();
      await expect(next, `from ${from} the select offers the next step first`).toHaveValue(forward);
      await expect(next.locator("option")).toHaveText([...options]);
      await status.getByRole("button", { name: "Update status" }).click();
      await expect(status.getByRole("status")).toHaveText("Status updated.");
      await expect.poll(async () => (await focused(other)).text).toBe("Status updated.");
      await expectInView(status.getByRole("status"), `the message after leaving ${from}`);
    }
    await expect(header(other).getByText("Resolved", { exact: true })).toBeVisible();
    await expect(next).toHaveValue("closed");
    await expect(next.locator("option")).toHaveText(["Closed", "Investigating (reopen)"]);
    await status.getByRole("button", { name: "Update status" }).click();
    await expect(header(other).getByText("Closed", { exact: true })).toBeVisible();
    // Closing removes the form: focus goes to what replaced it.
    await expect.poll(async () => (await focused(other)).text).toBe("Status updated. This incident is closed; its record is final.");

    // Publishing: the message stays where the form is and takes focus; the public status keeps its value.
    const third = (await openContext("oncall")).page;
    await declareIncident(third, { title: `Focus after publishing ${uid()}`, severity: "HIGH", services: ["Core API"] });
    const update = third.getByRole("form", { name: "Public update" });
    await expect(update.getByLabel("Public status")).toHaveValue("investigating");
    await update.getByLabel("Public title").fill(`API errors ${uid()}`);
    await update.getByLabel("Public status").selectOption("identified");
    await update.getByLabel("Update for the status page").fill("We found the cause of the errors and are fixing it.");
    await update.getByRole("button", { name: "Publish update" }).click();
    await expect(update.getByRole("status")).toHaveText("Published on the status page.");
    await expect.poll(async () => (await focused(third)).text).toBe("Published on the status page.");
    await expectInView(update.getByRole("status"), "the message after publishing");
    await expect(update.getByLabel("Public status"), "the public status stays as published").toHaveValue("identified");
    await expect(update.getByLabel("Update for the status page")).toHaveValue("");
  });

  test("a stakeholder reads a plain summary without policy hashes, executors, exit codes, logs or runbook internals; on-call still sees them", async ({ openContext }) => {
    test.setTimeout(150_000);
    const oncall = (await openContext("oncall")).page;
    const title = `Plain words ${uid()}`;
    const key = await declareDemo(oncall, title, "HIGH");
    const viewer = (await openContext("viewer")).page;
    await viewer.goto(`/incidents/${key}`);
    await expectLive(viewer);
    await startDemoRollback(oncall);
    await expect(waitingFor(oncall)).toHaveText("A person to confirm a step", { timeout: RUN_TIMEOUT });
    await viewer.reload();
    await oncall.reload();

    // What on-call sees, read from the page: the policy's hash, the runbook's version, an exit code.
    const main = (p: Page) => p.getByRole("main");
    const policyVersion = /Policy version ([0-9a-f]{12})/.exec((await main(oncall).textContent()) ?? "")?.[1];
    expect(policyVersion, "on-call sees the policy version").toBeTruthy();
    const record = oncall.getByRole("article", { name: `Rollback request for ${key}` });
    const runbookVersion = /demo-service @([0-9a-f]{12})/.exec((await record.textContent()) ?? "")?.[1];
    expect(runbookVersion, "on-call sees the runbook version").toBeTruthy();
    const panel = runPanels(oncall).first();
    await expect(step(panel, "Deploy v1")).toContainText("shell");
    await expect(step(panel, "Deploy v1")).toContainText("exit 0");
    await expect(panel).toContainText(`v${runbookVersion}`);
    await expect(record).toContainText("service_url = http://127.0.0.1:");
    await expect(step(panel, "Deploy v1").getByText("Log", { exact: true })).toBeVisible();
    await expect(main(oncall).getByRole("list", { name: "Timeline" })).toContainText(`version ${runbookVersion}`);

    // The viewer: the plain summary first, the same run, none of those.
    const summary = viewer.getByTestId("plain-summary");
    await expect(summary).toContainText("What happened: The demo service's v2 is failing; rolling back to v1.");
    await expect(viewer.getByTestId("plain-doing")).toHaveText("The rollback of Demo Checkout to v1 waits for the team to confirm its final checks.");
    await expect(summary.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "83");
    await expect(summary).toContainText(/Next update: at \d/);
    const vPanel = runPanels(viewer).first();
    await expect(step(vPanel, "Deploy v1")).toContainText("succeeded");
    const text = (await main(viewer).textContent()) ?? "";
    for (const internal of [policyVersion!, runbookVersion!, "Policy version", "exit 0", "exit code", "shell ·", "health-check ·", "feature-flag ·", "http ·", "manual ·", "service_url", "demo-deploy", "127.0.0.1", "Parameters (exactly what runs)", "sha256"]) {
      expect(text, `the viewer's page shows "${internal}"`).not.toContain(internal);
    }
    await expect(vPanel.getByText("Log", { exact: true })).toHaveCount(0);
    await expect(vPanel.getByRole("alert")).toHaveText("Paused: Step 6 “Post-rollback checklist” needs a person to confirm it.");
    await confirmChecklist(oncall);
    await expect(header(viewer)).toContainText("Monitoring", { timeout: RUN_TIMEOUT });
    await expect(viewer.getByTestId("plain-doing")).toHaveText("Demo Checkout was rolled back to v1; the team is watching that it stays healthy.");
  });
});
