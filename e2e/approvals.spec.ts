import type { Locator, Page } from "@playwright/test";
import { captureServerAction, expect, expectLive, expectNotReloaded, markDocument, replayServerAction, signInThroughForm, test, uid } from "./fixtures";

// Approval gates end to end, against the shipped policy/default.yaml (seed 000):
// CRITICAL/HIGH any on-call may start at once; MEDIUM a team lead approves; LOW a product owner
// approves; nobody approves their own request.

const TRIGGERS = {
  CRITICAL: "System completely down",
  MEDIUM: "Performance degradation > 50%",
  LOW: "Minor UI issues",
} as const;

type Matrix = { title: string; severity: "CRITICAL" | "HIGH" | "MEDIUM" | "LOW"; trigger: string; services?: string[] };

/** Fills the declare form with a decision-matrix trigger (page must be on /incidents/new). */
async function fillMatrixDeclare(page: Page, input: Matrix) {
  const form = page.getByRole("form", { name: "Declare incident" });
  await form.getByLabel("Title", { exact: true }).fill(input.title);
  await form.getByLabel("Trigger", { exact: true }).selectOption({ label: input.trigger });
  await form.getByLabel("Severity", { exact: true }).selectOption(input.severity);
  for (const s of input.services ?? ["Core API"]) await form.getByRole("checkbox", { name: s }).check();
  await form.getByLabel("Summary").fill("Declared by the approvals end-to-end test.");
  return form;
}

/** Declares through the form with a matrix trigger; returns the incident key. */
async function declareMatrix(page: Page, input: Matrix): Promise<string> {
  await page.goto("/incidents/new");
  const form = await fillMatrixDeclare(page, input);
  await form.getByRole("button", { name: "Declare incident" }).click();
  await expect(page).toHaveURL(/\/incidents\/INC-\d{4}-\d+$/);
  await expect(page.getByRole("heading", { level: 1, name: input.title })).toBeVisible();
  return decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
}

// Approval starts the run, so these requests choose a runbook that touches nothing on this machine:
// the feature-flag runbook against a closed port. Its first check fails and the live run pauses,
// unfinished, so the incident stays Rolling back.
const HARMLESS = { flag: "e2e-approvals-flag", app_url: "http://127.0.0.1:9" } as const;

/** Fills the Rollback card's form on an incident page (the harmless runbook) and submits it with `button`. */
async function requestRollback(page: Page, button: "Request rollback approval" | "Start rollback now", reason = "p95 latency tripled right after v2.14.0", target = "v2.13.4") {
  const form = page.getByRole("form", { name: "Request rollback" });
  await expect(form.getByLabel("Roll back to")).toHaveValue(target);
  await form.getByLabel("Runbook").selectOption("feature-flag");
  await form.getByLabel("flag", { exact: true }).fill(HARMLESS.flag);
  await form.getByLabel("app_url", { exact: true }).fill(HARMLESS.app_url);
  await form.getByLabel("Reason").fill(reason);
  await form.getByRole("button", { name: button, exact: true }).click();
}

/** The rollback state pill: "Awaiting approval", then (once its run exists) the run's state. */
const state = (card: Locator) => card.getByTestId("request-status");

/** An approved live rollback's run started by itself: running, or paused at its failed first check. */
async function expectRunStarted(page: Page, card: Locator) {
  await expect(state(card)).toHaveAttribute("data-state", /^(running|paused)$/, { timeout: 10_000 });
  const panel = page.getByTestId("run-panel").first();
  await expect(panel.getByText("LIVE", { exact: true })).toBeVisible();
  await expect(panel).toContainText("Feature-specific rollback (turn a flag off)");
  await expect(panel).toHaveAttribute("data-status", /^(running|paused)$/);
}

const requestCard = (scope: Page | Locator, key: string) => scope.getByRole("article", { name: `Rollback request for ${key}` });
const header = (page: Page) => page.getByRole("main").locator("header").first();
const timeline = (page: Page) => page.getByRole("list", { name: "Timeline" });
const approvalsBadge = (page: Page) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Approvals/ }).getByLabel(/ waiting$/);

async function badgeCount(page: Page): Promise<number> {
  const badge = approvalsBadge(page);
  return (await badge.count()) ? Number(await badge.textContent()) : 0;
}

test.describe("approval gates", () => {
  test("MEDIUM: an open team lead inbox receives the request live and its approval reaches the requester live", async ({ page, loginAs, openContext }) => {
    const title = `Medium gate ${uid()}`;
    const lead = await openContext("teamlead");
    await lead.page.goto("/approvals");
    await expect(lead.page.getByRole("heading", { level: 1, name: "Approvals" })).toBeVisible();
    await expectLive(lead.page);
    await markDocument(lead.page);
    const before = await badgeCount(lead.page);

    await loginAs(page, "oncall");
    const key = await declareMatrix(page, { title, severity: "MEDIUM", trigger: TRIGGERS.MEDIUM });
    const decisionCard = page.getByRole("region", { name: "Decision matrix" });
    await expect(decisionCard).toContainText("Approval by teamlead");
    await expect(decisionCard).toContainText("Application rollback");
    await expect(page.getByRole("button", { name: "Start rollback now" })).toHaveCount(0);
    // The form offers the matrix's runbook for this trigger first.
    await expect(page.getByRole("form", { name: "Request rollback" }).getByLabel("Runbook")).toHaveValue("application-only");
    await expect(requestCard(lead.page, key)).toHaveCount(0);

    await expectLive(page);
    await markDocument(page);
    await requestRollback(page, "Request rollback approval");
    const mine = requestCard(page, key);
    await expect(state(mine)).toHaveText("Awaiting approval");
    await expect(state(mine)).toHaveAttribute("data-state", "awaiting_approval");
    await expect(mine).toContainText("0/1 approval from teamlead");
    await expect(mine).toContainText(`flag = ${HARMLESS.flag}`);
    await expect(mine.getByRole("button", { name: "Approve", exact: true })).toHaveCount(0);
    await expect(header(page)).toContainText("Detected");
    await expect(page.getByTestId("run-panel")).toHaveCount(0);

    // The team lead's inbox, open since before the request, shows it without a reload.
    const inbox = lead.page.getByRole("list", { name: "Requests to decide" });
    const card = requestCard(inbox, key);
    await expect(card).toBeVisible({ timeout: 5_000 });
    await expect(card).toContainText(title);
    await expect(card).toContainText("Omar On-call (oncall)");
    await expect(approvalsBadge(lead.page)).toHaveText(String(before + 1));
    await expectNotReloaded(lead.page);

    await card.getByLabel("Comment").fill("Latency graph agrees, go.");
    await card.getByRole("button", { name: "Approve", exact: true }).click();

    // The requester's page follows without a reload: approval started the run, the incident rolls back.
    await expectRunStarted(page, mine);
    await expect(header(page)).toContainText("Rolling back");
    await expect(mine).toContainText("Approved by Tess Team-lead (teamlead): “Latency graph agrees, go.”");
    await expect(timeline(page)).toContainText("Rollback approved");
    await expect(timeline(page)).toContainText("Rollback run started: Feature-specific rollback (turn a flag off)");
    await expect(timeline(page)).toContainText("Status: Detected → Rolling back");
    await expectNotReloaded(page);

    await expect(lead.page.getByRole("list", { name: "Requests to decide" }).getByRole("article", { name: `Rollback request for ${key}` })).toHaveCount(0);
    await expect.poll(() => badgeCount(lead.page)).toBe(before);
  });

  test("four eyes: a team lead cannot approve their own request, in the UI or by replaying another lead's approval", async ({ page, loginAs, openContext }) => {
    // A second team lead, added by the administrator through the real form.
    const email = `lead-${uid()}@example.test`;
    const password = "second-lead-password-1";
    const admin = await openContext("admin");
    await admin.page.goto("/admin/users");
    const add = admin.page.getByRole("form", { name: "Add user" });
    await add.getByLabel("Name").fill("Lee Second-lead");
    await add.getByLabel("Email").fill(email);
    await add.getByLabel("Role").selectOption("teamlead");
    await add.getByLabel("Initial password").fill(password);
    await add.getByRole("button", { name: "Add user" }).click();
    await expect(add.getByRole("status")).toHaveText(`Added ${email}.`);

    const title = `Four eyes ${uid()}`;
    await loginAs(page, "teamlead");
    const key = await declareMatrix(page, { title, severity: "MEDIUM", trigger: TRIGGERS.MEDIUM });
    await requestRollback(page, "Request rollback approval");
    const own = requestCard(page, key);
    await expect(state(own)).toHaveText("Awaiting approval");
    await expect(own.getByRole("button", { name: "Approve", exact: true })).toHaveCount(0);
    await expect(own.getByRole("form", { name: "Decide request" })).toHaveCount(0);

    await page.goto("/approvals");
    await expect(page.getByRole("list", { name: "Requests to decide" }).getByRole("article", { name: `Rollback request for ${key}` })).toHaveCount(0);
    const waiting = page.getByRole("region", { name: "Your requests waiting for others" }).getByRole("article", { name: `Rollback request for ${key}` });
    await expect(waiting).toBeVisible();
    await expect(waiting.getByRole("button", { name: "Approve", exact: true })).toHaveCount(0);

    const second = await openContext(null);
    await signInThroughForm(second.page, email, password);
    await second.page.goto(`/incidents/${key}`);
    const theirs = requestCard(second.page, key);
    const decide = theirs.getByRole("form", { name: "Decide request" });
    await decide.getByLabel("Comment").fill("Second pair of eyes: agreed.");
    const action = await captureServerAction(second.page, () => decide.getByRole("button", { name: "Approve", exact: true }).click());

    const refused = await replayServerAction(page.context().request, action);
    expect(refused.body).toContain("You cannot decide your own request: the policy requires a second person.");
    await page.goto(`/incidents/${key}`);
    await expect(state(own)).toHaveText("Awaiting approval");
    await expect(own.getByRole("list", { name: "Votes" })).toHaveCount(0);
    await expect(header(page)).toContainText("Detected");
    await expect(page.getByTestId("run-panel")).toHaveCount(0);

    // The captured request itself was valid: the second lead's replay approves, and the run starts.
    const allowed = await replayServerAction(second.request, action);
    expect(allowed.body).toContain("Approved: the rollback starts now, exactly as requested.");
    await page.reload();
    await expectRunStarted(page, own);
    await expect(own).toContainText("Approved by Lee Second-lead (teamlead): “Second pair of eyes: agreed.”");
    await expect(header(page)).toContainText("Rolling back");
  });

  test("LOW: a product owner approves; a team lead may not", async ({ page, loginAs, openContext }) => {
    const title = `Low gate ${uid()}`;
    await loginAs(page, "oncall");
    const key = await declareMatrix(page, { title, severity: "LOW", trigger: TRIGGERS.LOW, services: ["Analytics"] });
    await expect(page.getByRole("region", { name: "Decision matrix" })).toContainText("Approval by productowner");
    await requestRollback(page, "Request rollback approval", "Chart legend overlaps the totals", "v0.30.2");
    await expect(state(requestCard(page, key))).toHaveText("Awaiting approval");
    await expect(requestCard(page, key)).toContainText("from productowner");
    await expectLive(page);
    await markDocument(page);

    const lead = await openContext("teamlead");
    await lead.page.goto(`/incidents/${key}`);
    await expect(requestCard(lead.page, key)).toBeVisible();
    await expect(requestCard(lead.page, key).getByRole("button", { name: "Approve", exact: true })).toHaveCount(0);

    const po = await openContext("productowner");
    await po.page.goto("/approvals");
    const card = po.page.getByRole("list", { name: "Requests to decide" }).getByRole("article", { name: `Rollback request for ${key}` });
    await card.getByRole("button", { name: "Approve", exact: true }).click();
    await expect(state(po.page.getByRole("region", { name: "Decided in the last 24 hours" }).getByRole("article", { name: `Rollback request for ${key}` }))).toHaveAttribute("data-state", /^(running|paused)$/);

    await expectRunStarted(page, requestCard(page, key));
    await expect(requestCard(page, key)).toContainText("Approved by Priya Product-owner (productowner)");
    await expect(header(page)).toContainText("Rolling back");
    await expectNotReloaded(page);
  });

  test("CRITICAL: the rollback starts at once, no approval step", async ({ page, loginAs }) => {
    const title = `Critical start ${uid()}`;
    await loginAs(page, "oncall");
    const key = await declareMatrix(page, { title, severity: "CRITICAL", trigger: TRIGGERS.CRITICAL });
    await expect(page.getByRole("region", { name: "Decision matrix" })).toContainText("No approval needed");
    await expect(page.getByRole("button", { name: "Request rollback approval" })).toHaveCount(0);
    await expect(page.getByRole("form", { name: "Request rollback" }).getByLabel("Scope")).toHaveValue("full_system");

    await requestRollback(page, "Start rollback now", "Everything returns 503 since the deploy");
    const card = requestCard(page, key);
    await expectRunStarted(page, card);
    await expect(card).toContainText("Gate: none");
    await expect(card.getByRole("button", { name: "Approve", exact: true })).toHaveCount(0);
    await expect(card.getByText("Break glass: start without approval")).toHaveCount(0);
    await expect(header(page)).toContainText("Rolling back");
    await expect(timeline(page)).toContainText("Rollback started (no approval needed)");
    await expect(timeline(page)).toContainText("Status: Detected → Rolling back");
  });

  test("break-glass: not offered to the requester (the card says why); a short justification is refused and kept; a proper one overrides and flags the incident", async ({ page: requesterPage, loginAs, openContext }) => {
    const title = `Break glass ${uid()}`;
    await loginAs(requesterPage, "oncall");
    const key = await declareMatrix(requesterPage, { title, severity: "MEDIUM", trigger: TRIGGERS.MEDIUM });
    await requestRollback(requesterPage, "Request rollback approval");
    const mine = requestCard(requesterPage, key);
    await expect(state(mine)).toHaveText("Awaiting approval");
    // The default policy leaves break-glass to a second person, and the requester's card says so.
    await expect(mine.getByText("Break glass: start without approval")).toHaveCount(0);
    await expect(mine.getByTestId("break-glass-why")).toContainText("You asked for this rollback, so you cannot break glass on it");

    // An administrator (allowed to break glass, not an approver of MEDIUM) overrides it.
    const { page } = await openContext("admin");
    await page.goto(`/incidents/${key}`);
    const card = requestCard(page, key);
    await expect(state(card)).toHaveText("Awaiting approval");
    await expect(card.getByTestId("break-glass-why")).toHaveCount(0);
    await card.getByText("Break glass: start without approval").click();
    const form = card.getByRole("form", { name: "Break glass" });
    await form.getByLabel("Justification").fill("too short");
    await form.getByRole("button", { name: "Override the gate" }).click();
    await expect(form.getByRole("alert").filter({ hasText: "at least 20 characters" })).toBeVisible();
    await expect(form.getByLabel("Justification")).toHaveValue("too short");
    await expect(state(card)).toHaveText("Awaiting approval");
    await expect(page.getByTestId("run-panel")).toHaveCount(0);

    const justification = "Checkout latency is killing conversions and no team lead answers.";
    await form.getByLabel("Justification").fill(justification);
    await form.getByRole("button", { name: "Override the gate" }).click();

    // Overriding the gate starts exactly the requested run, flagged as break-glass.
    await expectRunStarted(page, card);
    await expect(card.getByText("break-glass", { exact: true })).toBeVisible();
    await expect(card).toContainText(`Break-glass: ${justification}`);
    await expect(timeline(page)).toContainText("BREAK-GLASS: approval gate overridden");
    await expect(timeline(page)).toContainText(justification);
    await expect(header(page)).toContainText("Rolling back");

    await page.goto("/");
    const boardCard = page.getByRole("link", { name: title });
    await expect(boardCard).toContainText("Break-glass: review");
  });

  test("declare form: the matrix recommends, a different severity needs a reason, and nothing typed is lost", async ({ page, loginAs }) => {
    const title = `Override ${uid()}`;
    await loginAs(page, "oncall");
    await page.goto("/incidents/new");
    const form = page.getByRole("form", { name: "Declare incident" });
    const recommendation = form.getByRole("region", { name: "Recommendation" });
    const reason = form.getByLabel("Why a different severity than the matrix?");

    await form.getByLabel("Title", { exact: true }).fill(title);
    await form.getByLabel("Trigger", { exact: true }).selectOption({ label: TRIGGERS.CRITICAL });
    await expect(recommendation).toContainText("Matrix recommends CRITICAL");
    await expect(recommendation).toContainText("Full system rollback");
    await expect(reason).toHaveCount(0);

    await form.getByLabel("Severity", { exact: true }).selectOption("LOW");
    await expect(reason).toBeVisible();
    await form.getByRole("checkbox", { name: "User Auth" }).check();
    await form.getByLabel("Summary").fill("Only the status page is down.");
    await form.getByRole("button", { name: "Declare incident" }).click();

    await expect(page.locator("#severityReason-error")).toContainText("The matrix recommends CRITICAL. Say why you chose LOW");
    await expect(page).toHaveURL(/\/incidents\/new$/);
    await expect(form.getByLabel("Title", { exact: true })).toHaveValue(title);
    await expect(form.getByLabel("Trigger", { exact: true })).toHaveValue("system_down");
    await expect(form.getByLabel("Severity", { exact: true })).toHaveValue("LOW");
    await expect(form.getByRole("checkbox", { name: "User Auth" })).toBeChecked();
    await expect(form.getByLabel("Summary")).toHaveValue("Only the status page is down.");

    await reason.fill("Only the public status page is down, not the product.");
    await form.getByRole("button", { name: "Declare incident" }).click();
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expect(page.getByRole("region", { name: "Decision matrix" })).toContainText("The matrix recommended CRITICAL; the commander chose LOW");
    await expect(timeline(page)).toContainText("Severity set to LOW (matrix recommended CRITICAL)");
    await expect(page.getByRole("button", { name: "Request rollback approval" })).toBeVisible();
  });

  test("/matrix lists the six seed rows and the what-if panel follows the trigger", async ({ page, loginAs }) => {
    await loginAs(page, "viewer");
    await page.goto("/matrix");
    await expect(page.getByRole("heading", { level: 1, name: "Decision matrix" })).toBeVisible();
    const rows = page.getByRole("table").first().locator("tbody tr");
    await expect(rows).toHaveCount(6);
    const expected = [
      ["CRITICAL", "System completely down", "< 5 min", "Full system rollback"],
      ["HIGH", "Data corruption detected", "< 10 min", "Database + application rollback"],
      ["HIGH", "Authentication system failure", "< 10 min", "Application rollback"],
      ["MEDIUM", "Performance degradation > 50%", "< 15 min", "Application rollback"],
      ["MEDIUM", "Feature functionality broken", "< 30 min", "Feature-specific rollback"],
      ["LOW", "Minor UI issues", "< 60 min", "Frontend-only rollback"],
    ];
    for (const [i, cells] of expected.entries()) {
      await expect(rows.nth(i).locator("td")).toHaveText(cells);
    }

    const inputs = page.getByRole("form", { name: "What-if inputs" });
    const decision = page.getByRole("region", { name: "What-if decision" });
    await expect(decision).toContainText("No severity");
    await inputs.getByRole("combobox", { name: /Trigger/ }).selectOption({ label: TRIGGERS.LOW });
    await expect(decision).toContainText("LOW");
    await expect(decision).toContainText("Frontend-only rollback");
    await expect(decision).toContainText("< 60 min");
    await expect(decision).toContainText("productowner");
    await expect(decision).toContainText("Minor UI issues → frontend-only rollback within 60 minutes.");

    await inputs.getByRole("combobox", { name: /Trigger/ }).selectOption({ label: TRIGGERS.CRITICAL });
    await expect(decision).toContainText("CRITICAL");
    await expect(decision).toContainText("Full system rollback");
    await expect(decision).not.toContainText("productowner");
  });
});
