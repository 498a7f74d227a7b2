import type { Locator, Page } from "@playwright/test";
import { expect, expectLive, test, uid } from "./fixtures";
import { RUN_TIMEOUT, confirmChecklist, declareDemo, runPanels } from "./demo";
import { SCHEMES, shoot } from "./shots";
import { expectAtTop, expectInView } from "./viewport";

// The incident page in each phase of a rollback, as the on-call engineer and as a stakeholder
// (viewer), at 390x844 and 1280x800, light and dark: incident-<phase>-<role>-<width>-<scheme>.png.
// In every picture the phase (status badge and what the incident waits for) and the next action
// (the command header's action for on-call, the plain summary for a viewer) are on the first
// screen, checked before the picture is taken. Against the quick start's demo, "Demo Checkout".

const SIZES = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
] as const;

const header = (page: Page) => page.getByRole("main").locator("header").first();

/** A page, whose it is, its next action, and what its header says the incident waits for (on-call) or what is being done (viewer). */
type Seen = { page: Page; role: "oncall" | "viewer"; next: (page: Page) => Locator; says: string | RegExp };

const oncallAction = (page: Page) => header(page).getByTestId("primary-action");
const plainSummary = (page: Page) => page.getByTestId("plain-summary");

/** Both pages, both sizes, both schemes: the phase and the next action on the first screen, then the picture. */
async function shootPhase(phase: string, status: string, seen: Seen[]) {
  for (const s of seen) {
    for (const viewport of SIZES) {
      for (const colorScheme of SCHEMES) {
        const file = `incident-${phase}-${s.role}-${viewport.width}-${colorScheme}.png`;
        await test.step(file, async () => {
          await s.page.setViewportSize(viewport);
          await s.page.emulateMedia({ colorScheme });
          await s.page.evaluate(() => window.scrollTo(0, 0));
          await expectAtTop(s.page);
          await expect(header(s.page).getByText(status, { exact: true })).toBeVisible();
          await expectInView(header(s.page).getByText(status, { exact: true }), `${file}: the status badge`);
          if (s.role === "oncall") {
            await expect(header(s.page).getByTestId("waiting-for")).toHaveText(s.says);
            await expectInView(header(s.page).getByTestId("waiting-for"), `${file}: what it waits for`);
          } else {
            await expect(s.page.getByTestId("plain-doing")).toHaveText(s.says);
          }
          await expectInView(s.next(s.page), `${file}: the next action`);
          await shoot(s.page, file, colorScheme);
        });
      }
    }
  }
}

test.describe("incident phase screenshots", () => {
  test("screenshots of the incident page: declared, awaiting approval, paused for a person, succeeded, resolved", async ({ openContext }) => {
    test.setTimeout(240_000);
    const title = `Checkout fails 3 of 5 requests since v2 ${uid()}`;
    const oncall = (await openContext("oncall")).page;
    const key = await declareDemo(oncall, title, "MEDIUM");
    const viewer = (await openContext("viewer")).page;
    await viewer.goto(`/incidents/${key}`);
    await expectLive(viewer);
    await expectLive(oncall);
    const quickButton = (page: Page) => page.getByRole("form", { name: "Quick rollback" }).getByRole("button", { name: "Ask approval to roll back to v1" });

    // Declared: on-call can ask for the rollback right in the header (MEDIUM: a team lead approves).
    await shootPhase("declared", "Detected", [
      { page: oncall, role: "oncall", next: quickButton, says: "A decision: roll back or fix forward" },
      { page: viewer, role: "viewer", next: plainSummary, says: "The team is finding the cause on Demo Checkout and deciding whether to roll back." },
    ]);
    await oncall.getByLabel("Why roll back?").fill("v2 fails 3 of 5 checkouts; v1 was healthy for a week");
    await quickButton(oncall).click();

    // Awaiting approval: the requester cannot approve their own request; the header says who may.
    await expect(header(oncall).getByTestId("waiting-for")).toHaveText("Approval of the rollback");
    await expect(viewer.getByTestId("plain-doing")).toHaveText("A rollback of Demo Checkout to v1 is waiting for approval by a team lead.");
    await oncall.reload();
    await viewer.reload();
    await expect(header(oncall).getByTestId("approval-who")).toContainText("May approve: a team lead · expires at");
    await shootPhase("awaiting-approval", "Detected", [
      { page: oncall, role: "oncall", next: (p) => header(p).getByTestId("approval-who"), says: "Approval of the rollback" },
      { page: viewer, role: "viewer", next: plainSummary, says: "A rollback of Demo Checkout to v1 is waiting for approval by a team lead." },
    ]);

    // The team lead approves; the run starts and pauses at the post-rollback checklist.
    const lead = (await openContext("teamlead")).page;
    await lead.goto(`/incidents/${key}`);
    await lead.getByRole("article", { name: `Rollback request for ${key}` }).getByRole("button", { name: "Approve", exact: true }).click();
    await expect(header(oncall).getByTestId("waiting-for")).toHaveText("A person to confirm a step", { timeout: RUN_TIMEOUT });
    await oncall.reload();
    await viewer.reload();
    await expect(oncallAction(oncall)).toHaveText(/^Confirm the checklist/);
    await shootPhase("paused", "Rolling back", [
      { page: oncall, role: "oncall", next: oncallAction, says: "A person to confirm a step" },
      { page: viewer, role: "viewer", next: plainSummary, says: "The rollback of Demo Checkout to v1 waits for the team to confirm its final checks." },
    ]);

    // Succeeded: the header shows the result and the next lifecycle step, not a new rollback form.
    await confirmChecklist(oncall);
    await expect(header(oncall)).toContainText("Monitoring", { timeout: RUN_TIMEOUT });
    await oncall.reload();
    await viewer.reload();
    await expect(oncall.getByRole("form", { name: "Quick rollback" })).toHaveCount(0);
    await expect(oncallAction(oncall)).toHaveText(/^Resolve when healthy/);
    await expect(header(oncall).getByTestId("last-rollback")).toContainText("✓ Rollback to v1 succeeded");
    await shootPhase("succeeded", "Monitoring", [
      { page: oncall, role: "oncall", next: oncallAction, says: "Confirmation that the service is healthy" },
      { page: viewer, role: "viewer", next: plainSummary, says: "Demo Checkout was rolled back to v1; the team is watching that it stays healthy." },
    ]);

    // Resolved: the forward choice is preselected.
    const status = oncall.getByRole("form", { name: "Change status" });
    await expect(status.getByLabel("New status")).toHaveValue("resolved");
    await status.getByRole("button", { name: "Update status" }).click();
    await expect(header(oncall)).toContainText("Resolved");
    await oncall.reload();
    await viewer.reload();
    await expect(oncallAction(oncall)).toHaveText(/^Close after the review/);
    await expect(header(oncall).getByTestId("last-rollback")).toContainText("✓ Rollback to v1 succeeded");
    await shootPhase("resolved", "Resolved", [
      { page: oncall, role: "oncall", next: oncallAction, says: "A review, then closing" },
      { page: viewer, role: "viewer", next: plainSummary, says: "The problem is fixed (rolled back to v1); the team reviews what happened." },
    ]);
  });

  test("screenshots of the incident page while the rollback runs", async ({ openContext }) => {
    test.setTimeout(180_000);
    // A run that stays running long enough for eight pictures: "rolling back" to v2, the demo's
    // broken version, whose /health never answers five times in a row, so the health step runs
    // its full 30 s and then fails. The run is aborted afterwards; the demo is left on v2, as it starts.
    const title = `Checkout rollback while it runs ${uid()}`;
    const oncall = (await openContext("oncall")).page;
    const key = await declareDemo(oncall, title, "HIGH");
    const viewer = (await openContext("viewer")).page;
    await viewer.goto(`/incidents/${key}`);
    await expectLive(viewer);
    await expectLive(oncall);

    const form = oncall.getByRole("form", { name: "Request rollback" });
    await form.getByLabel("Roll back to").fill("v2");
    await form.getByLabel("Reason").fill("Screenshots of a running rollback (v2 never gets healthy)");
    await form.getByRole("button", { name: "Start rollback now", exact: true }).click();
    const running = "The rollback to finish: Five healthy answers in a row";
    await expect(header(oncall).getByTestId("waiting-for")).toHaveText(running, { timeout: RUN_TIMEOUT });
    await expect(viewer.getByTestId("plain-doing")).toHaveText(/^Rolling back Demo Checkout to v2: step \d of 6\.$/, { timeout: RUN_TIMEOUT });
    await shootPhase("running", "Rolling back", [
      { page: oncall, role: "oncall", next: (p) => header(p).getByTestId("header-run"), says: running },
      { page: viewer, role: "viewer", next: plainSummary, says: /^Rolling back Demo Checkout to v2: step \d of 6\.$/ },
    ]);

    await expect(header(oncall).getByTestId("waiting-for")).toHaveText("A person to retry, skip or abort a step", { timeout: 60_000 });
    oncall.once("dialog", (d) => void d.accept());
    await runPanels(oncall).first().getByRole("button", { name: "Abort run" }).click();
    await expect(header(oncall)).toContainText("Investigating", { timeout: RUN_TIMEOUT });
  });
});
