import path from "node:path";
import type { Page } from "@playwright/test";
import { bodyBrightness, expect, expectLive, expectUniqueIds, expectNotReloaded, markDocument, test, uid } from "./fixtures";
import { RUN_TIMEOUT, confirmChecklist, declareDemo, runPanels, startDemoRollback } from "./demo";
import { addSlackChannel, startSlackReceiver, type SlackReceiver } from "./slack-receiver";

// Messages a live rollback prepares (policy/default.yaml: drafts, one click to send), and the
// in-app reminder when a stakeholder update is due.

const OUT = path.join(import.meta.dirname, "screenshots");
let slack: SlackReceiver;

test.beforeAll(async () => {
  slack = await startSlackReceiver();
});
test.afterAll(async () => {
  await slack.close();
});

const drafts = (page: Page) => page.getByRole("region", { name: "Prepared messages" });
const timeline = (page: Page) => page.getByRole("list", { name: "Timeline" });

test.describe("prepared messages", () => {
  test("starting the demo rollback prepares the emergency notification; the commander sends it to Slack in one click; completion prepares the next", async ({ page, loginAs, openContext }) => {
    const channel = `#rollbacks-${uid()}`;
    const secret = `SECRET${uid()}`;
    const admin = await openContext("admin");
    await addSlackChannel(admin.page, slack.url, channel, secret);

    await loginAs(page, "oncall");
    const title = `Demo drafts ${uid()}`;
    const key = await declareDemo(page, title);
    await expectLive(page);
    await expect(drafts(page)).toHaveCount(0);
    await markDocument(page);
    await startDemoRollback(page);

    // The draft arrives with the run, filled from the incident, without a reload.
    const started = page.getByRole("article", { name: "Draft: Rollback started" });
    await expect(started).toBeVisible({ timeout: RUN_TIMEOUT });
    await expect(started.getByLabel("Subject")).toHaveValue(`🚨 [HIGH] Production rollback initiated: ${title} (${key})`);
    await expect(timeline(page)).toContainText("Rollback started: message prepared, ready to send");
    // The header says so (on a phone the card is far down) and jumps to it.
    await expect(page.getByRole("link", { name: /1 prepared message ready to send: Rollback started/ })).toHaveAttribute("href", "#drafts-h");
    await expectNotReloaded(page);

    const send = started.getByRole("form", { name: "Send draft: Rollback started" });
    await expect(send.getByRole("button", { name: "Tick a channel to send" })).toBeDisabled();
    await send.getByRole("checkbox", { name: channel }).check();
    await send.getByRole("button", { name: "Send to 1 channel" }).click();

    await expect.poll(() => slack.received.filter((r) => r.path.endsWith(secret)).length, { timeout: 20_000 }).toBe(1);
    const payload = JSON.parse(slack.received.find((r) => r.path.endsWith(secret))!.body) as { text: string };
    expect(payload.text).toContain(`Incident ID: ${key}`);
    await expect(timeline(page)).toContainText(`Message sent to ${channel} (stakeholders)`);
    await expect(timeline(page)).toContainText(`${channel}: delivered`, { timeout: 20_000 });
    await expect(page.getByRole("article", { name: "Draft: Rollback started" })).toHaveCount(0);

    // The rollback completes after the checklist: the completion message is ready in turn.
    await expect(runPanels(page).first()).toHaveAttribute("data-status", "paused", { timeout: RUN_TIMEOUT });
    await confirmChecklist(page);
    const completed = page.getByRole("article", { name: "Draft: Rollback completed" });
    await expect(completed).toBeVisible({ timeout: RUN_TIMEOUT });
    await expect(completed.getByLabel("Subject")).toHaveValue(`✅ Production rollback completed: ${title} (${key})`);
    await completed.getByText("Read or edit the message").click();
    await expect(completed.getByLabel("Message")).toHaveValue(/Post-rollback checklist: succeeded/);
    // Drafts, the composer and the status page form share a page: every label must find its own field.
    await expectUniqueIds(page);

    for (const [w, h, name] of [[1280, 900, "desktop"], [390, 844, "phone"]] as const) {
      await page.setViewportSize({ width: w, height: h });
      await completed.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(OUT, `incident-drafts-${name}.png`), fullPage: false });
    }
    expect(await bodyBrightness(page)).toBeGreaterThan(100);

    // Discarding keeps nothing to click, and says so on the timeline.
    await page.setViewportSize({ width: 1280, height: 900 });
    await completed.getByRole("button", { name: "Discard draft" }).click();
    await expect(drafts(page)).toHaveCount(0);
    await expect(timeline(page)).toContainText("Discarded a prepared message draft.");
  });

  test("a viewer sees no drafts", async ({ page, loginAs, openContext }) => {
    const oncall = await openContext("oncall");
    const title = `Demo drafts viewer ${uid()}`;
    const key = await declareDemo(oncall.page, title);
    await startDemoRollback(oncall.page);
    await expect(oncall.page.getByRole("article", { name: "Draft: Rollback started" })).toBeVisible({ timeout: RUN_TIMEOUT });

    await loginAs(page, "viewer");
    await page.goto(`/incidents/${key}`);
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expect(drafts(page)).toHaveCount(0);
    await expect(page.getByRole("button", { name: /Send to|Discard draft/ })).toHaveCount(0);
  });
});

test.describe("update reminders", () => {
  test("an incident detected 20 minutes ago at CRITICAL (update every 15 min) puts a reminder on every page of its commander until an update is posted", async ({ page, loginAs, openContext }) => {
    await loginAs(page, "oncall");
    const title = `Overdue update ${uid()}`;
    await page.goto("/incidents/new");
    const form = page.getByRole("form", { name: "Declare incident" });
    await form.getByLabel("Title").fill(title);
    await form.getByLabel("Severity").selectOption("CRITICAL");
    await form.getByLabel("Describe the trigger").fill("System completely down");
    await form.getByRole("checkbox", { name: "Core API" }).check();
    await form.getByLabel("Summary").fill("Everything is down since the deploy.");
    const detected = new Date(Date.now() - 20 * 60_000);
    const local = new Date(detected.getTime() - detected.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await form.getByLabel("Detected at (optional)").fill(local);
    await form.getByRole("button", { name: "Declare incident" }).click();
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    const key = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);

    const banner = page.getByRole("alert", { name: "Stakeholder updates due" });
    await page.goto("/");
    await expect(banner).toContainText(`Stakeholder update due for ${key} (CRITICAL)`);
    await expect(banner).toContainText(title);
    await page.screenshot({ path: path.join(OUT, "board-update-due-desktop.png") });

    // Someone who does not command it is not nagged.
    const lead = await openContext("teamlead");
    await lead.page.goto("/");
    await expect(lead.page.getByRole("alert", { name: "Stakeholder updates due" }).filter({ hasText: key })).toHaveCount(0);

    // The banner leads to the status page form; posting an update clears it. Several due updates
    // (other specs' incidents) collapse to a count, opened with one tap.
    const collapsed = banner.locator("summary");
    if (await collapsed.count()) await collapsed.click();
    await banner.locator(`a[href="/incidents/${key}#public-h"]`).click();
    await expect(page).toHaveURL(new RegExp(`/incidents/${key}#public-h$`));
    await expectUniqueIds(page);
    const update = page.getByRole("form", { name: "Public update" });
    await update.getByLabel("Public title").fill("Checkout unavailable");
    await update.getByLabel("Public status").selectOption("identified");
    await update.getByLabel("Update for the status page").fill("We found the cause and are rolling back the deploy.");
    await update.getByRole("button", { name: "Publish update" }).click();
    await expect(page.getByRole("alert", { name: "Stakeholder updates due" }).filter({ hasText: key })).toHaveCount(0);
    await page.goto("/");
    await expect(page.getByRole("alert", { name: "Stakeholder updates due" }).filter({ hasText: key })).toHaveCount(0);
  });
});
