import { test, expect, declareIncident, uid } from "./fixtures";

test.describe("status page", () => {
  test("a signed-out browser sees a public update and a service state appear live; nothing internal is public", async ({ page, loginAs, openContext }) => {
    const title = `Internal-only title ${uid()} <db-7 pool>`;
    const publicTitle = `Payments slow for some customers ${uid()}`;
    await loginAs(page, "oncall");
    const key = await declareIncident(page, { title, severity: "HIGH", services: ["File Storage"], summary: "internal summary: ping @omar about db-7" });
    await page.getByLabel("Add to the timeline").fill("SECRET internal note for responders only");
    await page.getByRole("button", { name: "Add note" }).click();
    await expect(page.getByRole("list", { name: "Timeline" })).toContainText("SECRET internal note");

    const visitor = await openContext(null);
    await visitor.page.goto("/status");
    await expect(visitor.page.getByTestId("public-live")).toHaveAttribute("data-status", "live");
    await expect(visitor.page.getByText(publicTitle)).toHaveCount(0);

    const svc = page.getByRole("form", { name: "State of File Storage" });
    await svc.getByRole("combobox").selectOption("degraded");
    await svc.getByRole("button", { name: "Set" }).click();
    const form = page.getByRole("form", { name: "Public update" });
    await form.getByLabel("Public title").fill(publicTitle);
    await form.getByLabel("Public status").selectOption("identified");
    await form.getByLabel("Update for the status page").fill("Uploads are slower than usual. We found the cause and are fixing it.");
    await form.getByRole("button", { name: "Publish update" }).click();
    await expect(form.getByRole("status")).toHaveText("Published on the status page.");

    // Live, without reload, signed out.
    await expect(visitor.page.getByText(publicTitle)).toBeVisible({ timeout: 5_000 });
    await expect(visitor.page.getByText("Uploads are slower than usual.")).toBeVisible();
    await expect(visitor.page.getByRole("listitem").filter({ hasText: "File Storage" })).toContainText("Degraded performance");

    const html = await visitor.page.content();
    const json = await (await visitor.request.get("/api/status")).text();
    const feed = await (await visitor.request.get("/status/feed.xml")).text();
    expect(feed).toContain(publicTitle);
    for (const leak of [key, title, "db-7", "@omar", "SECRET internal note", "oncall@rollcall.demo", "Omar On-call"]) {
      expect(html, `status page HTML leaks ${leak}`).not.toContain(leak);
      expect(json, `/api/status leaks ${leak}`).not.toContain(leak);
      expect(feed, `Atom feed leaks ${leak}`).not.toContain(leak);
    }
    // Put the service back so other specs see an operational page.
    await svc.getByRole("combobox").selectOption("operational");
    await svc.getByRole("button", { name: "Set" }).click();
  });

  test("the composer posts the customer notice to the status page; a signed-out page shows it live; an internal template cannot go there", async ({ page, loginAs, openContext }) => {
    const publicTitle = `Checkout hiccup ${uid()}`;
    await loginAs(page, "oncall");
    await declareIncident(page, { title: `Composer to status ${uid()}`, severity: "HIGH", services: ["Core API"] });
    const visitor = await openContext(null);
    await visitor.page.goto("/status");
    await expect(visitor.page.getByTestId("public-live")).toHaveAttribute("data-status", "live");

    const composer = page.getByRole("form", { name: "Send message" });
    await composer.getByLabel("Template").selectOption({ label: "Rollback initiated (internal) (internal)" });
    await composer.getByRole("checkbox", { name: /Status page/ }).check();
    const section = composer.getByRole("region", { name: "Status page update" });
    await expect(section.getByRole("alert")).toContainText("Only customer messages go on the public status page; this template is for internal.");
    await expect(composer.getByRole("button", { name: "Send" })).toBeDisabled();

    await composer.getByLabel("Template").selectOption({ label: "Customer notice (customers)" });
    await composer.getByRole("checkbox", { name: /Status page/ }).check();
    await expect(section.getByRole("alert")).toHaveCount(0);
    await section.getByLabel("Public title").fill(publicTitle);
    await section.getByLabel("Public status").selectOption("identified");
    // Its own words (other specs edit the shipped templates): the preview and the count follow them.
    const words = `Checkout is slow for some customers (${uid()}). We are rolling back and will update within 30 minutes.`;
    await composer.getByLabel("Message", { exact: true }).fill(words);
    await expect(section.getByLabel("Status page preview")).toContainText(words);
    await expect(section.getByTestId("status-page-length")).toContainText(`${words.length} / 2,000 characters`);
    await composer.getByRole("button", { name: "Send" }).click();
    await expect(composer.getByRole("status")).toHaveText("Published on the status page.");

    await expect(visitor.page.getByText(publicTitle)).toBeVisible({ timeout: 5_000 });
    await expect(visitor.page.getByText(words)).toBeVisible();
    await expect(page.getByRole("list", { name: "Timeline" })).toContainText(`Status page update (identified): ${publicTitle}`);
  });

  test("an unfilled placeholder cannot reach the status page: the form and the composer show the error next to the text and keep it", async ({ page, loginAs, openContext }) => {
    const publicTitle = `Checkout placeholder check ${uid()}`;
    await loginAs(page, "oncall");
    await declareIncident(page, { title: `Placeholder guard ${uid()}`, severity: "HIGH", services: ["Core API"] });

    const form = page.getByRole("form", { name: "Public update" });
    const text = "We expect normal service to resume within [eta]. Impact: {{ impact }}";
    await form.getByLabel("Public title").fill(publicTitle);
    await form.getByLabel("Update for the status page").fill(text);
    await form.getByRole("button", { name: "Publish update" }).click();
    const body = form.getByLabel("Update for the status page");
    await expect(body).toHaveAccessibleDescription("Unfilled placeholders [eta], {{ impact }}: fill them in or remove them before this goes to the status page.");
    await expect(body).toHaveValue(text);
    await expect(form.getByLabel("Public title")).toHaveValue(publicTitle);

    // The composer refuses it too: the customer notice as an incident without a rollback renders it
    // (own words: other specs edit the shipped templates).
    const composer = page.getByRole("form", { name: "Send message" });
    await composer.getByLabel("Template").selectOption({ label: "Customer notice (customers)" });
    await composer.getByRole("checkbox", { name: /Status page/ }).check();
    await composer.getByRole("region", { name: "Status page update" }).getByLabel("Public title").fill(publicTitle);
    const message = composer.getByLabel("Message", { exact: true });
    const notice = `We are currently experiencing technical difficulties (${uid()}).\nWe expect normal service to resume within [eta].`;
    await message.fill(notice);
    await composer.getByRole("button", { name: "Send" }).click();
    await expect(message).toHaveAccessibleDescription("Unfilled placeholder [eta]: fill it in or remove it before this goes to the status page.");
    await expect(message).toHaveValue(notice);

    const visitor = await openContext(null);
    await visitor.page.goto("/status");
    await expect(visitor.page.getByRole("heading", { level: 1, name: "Service status" })).toBeVisible();
    await expect(visitor.page.getByText(publicTitle)).toHaveCount(0);
    await expect(visitor.page.getByText("[eta]")).toHaveCount(0);
  });

  test("an open public incident sets its service's state and the overall state is not 'operational'; resolved without a resolution update, the page says 'Resolved'", async ({ page, loginAs, openContext }) => {
    const publicTitle = `Reports are slow ${uid()}`;
    await loginAs(page, "oncall");
    await declareIncident(page, { title: `Tracker check ${uid()}`, severity: "HIGH", services: ["Database"] });
    const visitor = await openContext(null);
    await visitor.page.goto("/status");
    await expect(visitor.page.getByTestId("public-live")).toHaveAttribute("data-status", "live");
    const database = visitor.page.getByRole("listitem").filter({ has: visitor.page.getByText("Database", { exact: true }) });

    // Nobody sets the service's state: the incident alone moves it (HIGH: partial outage).
    const form = page.getByRole("form", { name: "Public update" });
    await form.getByLabel("Public title").fill(publicTitle);
    await form.getByLabel("Public status").selectOption("investigating");
    await form.getByLabel("Update for the status page").fill("Reports load slowly for some customers. We are investigating.");
    await form.getByRole("button", { name: "Publish update" }).click();
    await expect(form.getByRole("status")).toHaveText("Published on the status page.");
    await expect(visitor.page.getByText(publicTitle)).toBeVisible({ timeout: 5_000 });
    await expect(database).toContainText("Partial outage");
    await expect(visitor.page.getByTestId("overall")).not.toHaveText("All systems operational");

    await form.getByLabel("Public status").selectOption("monitoring");
    await form.getByLabel("Update for the status page").fill("A fix is in place and we are monitoring the results.");
    await form.getByRole("button", { name: "Publish update" }).click();
    await expect(visitor.page.getByText("A fix is in place and we are monitoring the results.")).toBeVisible({ timeout: 5_000 });
    await expect(database).toContainText("Degraded performance");
    await expect(visitor.page.getByTestId("overall")).not.toHaveText("All systems operational");

    // Resolving asks for a resolution update; resolved without one, the page does not keep "monitoring".
    const statusForm = page.getByRole("form", { name: "Change status" });
    await statusForm.getByLabel("New status").selectOption("resolved");
    await expect(statusForm.getByRole("note", { name: "Resolution update" })).toContainText("This incident is on the status page.");
    await expect(statusForm.getByRole("link", { name: "Write the resolution update" })).toBeVisible();
    await statusForm.getByRole("button", { name: "Update status" }).click();
    await expect(statusForm.getByRole("status")).toHaveText("Status updated.");

    await visitor.page.reload();
    const resolved = visitor.page.getByRole("region", { name: "Resolved this week" }).getByRole("article").filter({ hasText: publicTitle });
    await expect(resolved).toContainText("Resolved");
    await expect(resolved).toContainText("This incident has been resolved.");
    await expect(resolved).not.toContainText("we are monitoring");
    await expect(visitor.page.getByRole("region", { name: "Current incidents" }).getByText(publicTitle)).toHaveCount(0);
  });

  test("a viewer sees no publishing forms (the server-side refusal is tested in lib/status)", async ({ page, loginAs }) => {
    await loginAs(page, "viewer");
    await page.goto("/incidents/INC-2026-1");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByRole("form", { name: "Public update" })).toHaveCount(0);
  });
});
