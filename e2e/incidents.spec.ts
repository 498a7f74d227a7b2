import { captureServerAction, declareIncident, expect, expectLive, expectNotReloaded, fillDeclareForm, markDocument, replayServerAction, test, uid, withFormField } from "./fixtures";

test.describe("incidents", () => {
  test("a declaration appears on another user's open board without a reload", async ({ page, loginAs, openContext }) => {
    const title = `Live board check ${uid()}`;
    const lead = await openContext("teamlead");
    await lead.page.goto("/");
    await expect(lead.page.getByRole("heading", { name: "Command board" })).toBeVisible();
    await expectLive(lead.page);
    await markDocument(lead.page);
    await expect(lead.page.getByRole("link", { name: title })).toHaveCount(0);

    await loginAs(page, "oncall");
    const key = await declareIncident(page, { title, severity: "CRITICAL", services: ["Core API", "Database"] });

    const card = lead.page.getByRole("link", { name: title });
    await expect(card).toBeVisible({ timeout: 5_000 });
    await expect(card).toContainText(key);
    await expect(card).toContainText("Core API, Database");
    await expect(lead.page.getByTestId("board-CRITICAL").getByRole("link", { name: title })).toBeVisible();
    await expectNotReloaded(lead.page);
  });

  test("a status change shows up on another user's open incident page without a reload", async ({ page, loginAs, openContext }) => {
    const title = `Live status check ${uid()}`;
    await loginAs(page, "oncall");
    const key = await declareIncident(page, { title, severity: "HIGH" });

    const lead = await openContext("teamlead");
    await lead.page.goto(`/incidents/${key}`);
    await expect(lead.page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expectLive(lead.page);
    await markDocument(lead.page);
    const leadTimeline = lead.page.getByRole("list", { name: "Timeline" });
    const leadHeader = lead.page.getByRole("main").locator("header").first();
    await expect(leadTimeline).not.toContainText("Status:");

    // Rolling back is not a person's choice: it follows a running rollback, so the form does not
    // offer it. Asked for anyway (the option altered in the page, or the request replayed), it is
    // refused next to the field, and the form keeps what was typed.
    const status = page.getByRole("form", { name: "Change status" });
    const next = status.getByLabel("New status");
    await expect(next.locator("option")).toHaveText(["Investigating", "Monitoring", "Resolved"]);
    await status.getByLabel("Note (optional)").fill("Rolling back to v2.13.4");
    const sent = await captureServerAction(page, () => status.getByRole("button", { name: "Update status" }).click());
    const replayed = await replayServerAction(page.context().request, withFormField(sent, "status", "rolling_back"));
    expect(replayed.body).toContain("An incident is rolling back only while a rollback runs: request a rollback instead.");
    expect(replayed.body).toContain("Rolling back follows a running rollback; request one below.");

    await page.reload();
    await status.getByLabel("Note (optional)").fill("Rolling back to v2.13.4");
    await next.locator("option", { hasText: "Monitoring" }).evaluate((o: HTMLOptionElement) => (o.value = "rolling_back"));
    await next.selectOption({ label: "Monitoring" });
    await status.getByRole("button", { name: "Update status" }).click();
    await expect(status.getByRole("alert").filter({ hasText: "An incident is rolling back only while a rollback runs: request a rollback instead." })).toBeVisible();
    await expect(page.locator("#status-error")).toHaveText("Rolling back follows a running rollback; request one below.");
    await expect(next).toHaveAttribute("aria-invalid", "true");
    await expect(next).toHaveAttribute("aria-describedby", "status-error");
    await expect(status.getByLabel("Note (optional)")).toHaveValue("Rolling back to v2.13.4");
    await expect(page.getByRole("main").locator("header").first()).toContainText("Detected");
    await expect(page.getByRole("list", { name: "Timeline" })).not.toContainText("Status:");
    await expect(leadTimeline).not.toContainText("Status:");

    await status.getByLabel("New status").selectOption({ label: "Investigating" });
    await status.getByLabel("Note (optional)").fill("Checking the v2.14.0 deploy");
    await status.getByRole("button", { name: "Update status" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Status updated." })).toBeVisible();

    await expect(leadTimeline).toContainText("Status: Detected → Investigating", { timeout: 5_000 });
    await expect(leadTimeline).toContainText("Checking the v2.14.0 deploy");
    await expect(leadTimeline).not.toContainText("Rolling back");
    await expect(leadHeader).toContainText("Investigating");
    // The open form now offers the transitions from the new status, not the old one.
    await expect(lead.page.getByRole("form", { name: "Change status" }).getByLabel("New status").locator("option")).toHaveText(["Monitoring", "Resolved"]);
    await expectNotReloaded(lead.page);
  });

  test("markup in a title is shown as text, never run", async ({ page, loginAs }) => {
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const payload = "<img src=x onerror=alert(1)>";
    const title = `${payload} ${uid()}`;
    await loginAs(page, "oncall");
    await declareIncident(page, { title, summary: `<script>alert(2)</script> ${payload}` });

    await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
    await expect(page.getByText(`<script>alert(2)</script> ${payload}`)).toBeVisible();
    await expect(page.locator("img[src=x]")).toHaveCount(0);

    await page.goto("/");
    const card = page.getByRole("link", { name: title });
    await expect(card).toBeVisible();
    await expect(card).toContainText(payload);
    await expect(page.locator("img[src=x]")).toHaveCount(0);

    await page.goto(`/incidents?q=${encodeURIComponent(title)}`);
    await expect(page.getByRole("list", { name: "Incidents" }).getByRole("link", { name: title })).toBeVisible();
    await expect(page.locator("img[src=x]")).toHaveCount(0);
    expect(dialogs).toEqual([]);
  });

  test("missing title and services are refused with field errors; typed text is kept", async ({ page, loginAs }) => {
    await loginAs(page, "oncall");
    await page.goto("/incidents/new");
    const form = page.getByRole("form", { name: "Declare incident" });
    const trigger = `Pager alert ${uid()}`;
    const summary = `Checkout is slow for EU customers ${uid()}`;
    await form.getByLabel("Describe the trigger").fill(trigger);
    await form.getByLabel("Summary").fill(summary);
    await form.getByRole("button", { name: "Declare incident" }).click();

    await expect(form.getByRole("alert").filter({ hasText: "Please correct the highlighted fields." })).toBeVisible();
    await expect(page.locator("#title-error")).toHaveText("Title needs at least 3 characters.");
    await expect(form.getByLabel("Title")).toHaveAttribute("aria-invalid", "true");
    await expect(page.locator("#serviceIds-error")).toHaveText("Choose at least one affected service.");
    await expect(page.locator("#severity-error")).toHaveText("Choose a severity.");
    await expect(form.getByLabel("Describe the trigger")).toHaveValue(trigger);
    await expect(form.getByLabel("Summary")).toHaveValue(summary);
    await expect(page).toHaveURL(/\/incidents\/new$/);
  });

  test("a 200-character title is refused with the 140 limit; everything typed is kept", async ({ page, loginAs }) => {
    await loginAs(page, "oncall");
    await page.goto("/incidents/new");
    const long = `Too long ${uid()} `.padEnd(200, "x");
    const form = await fillDeclareForm(page, { title: long, severity: "MEDIUM", services: ["File Storage"], trigger: "Disk usage > 90%", summary: "Long title check" });
    const typed = await form.getByLabel("Title").inputValue();
    expect(typed.length).toBeGreaterThan(140);
    await form.getByRole("button", { name: "Declare incident" }).click();

    await expect(page.locator("#title-error")).toHaveText("Title is limited to 140 characters.");
    await expect(form.getByLabel("Title")).toHaveValue(typed);
    await expect(form.getByLabel("Severity")).toHaveValue("MEDIUM");
    await expect(form.getByRole("checkbox", { name: "File Storage" })).toBeChecked();
    await expect(form.getByLabel("Describe the trigger")).toHaveValue("Disk usage > 90%");
    await expect(form.getByLabel("Summary")).toHaveValue("Long title check");
    await expect(page).toHaveURL(/\/incidents\/new$/);
    await page.goto(`/incidents?q=${encodeURIComponent(long.slice(0, 30))}`);
    await expect(page.getByText("No incidents match these filters.")).toBeVisible();
  });

  test("an unknown incident key is a 404 Not found page", async ({ page, loginAs }) => {
    await loginAs(page, "viewer");
    const res = await page.goto("/incidents/INC-2026-999999");
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Back to the board" })).toBeVisible();
  });
});
