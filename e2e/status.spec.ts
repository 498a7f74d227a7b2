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

  test("a viewer sees no publishing forms (the server-side refusal is tested in lib/status)", async ({ page, loginAs }) => {
    await loginAs(page, "viewer");
    await page.goto("/incidents/INC-2026-1");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByRole("form", { name: "Public update" })).toHaveCount(0);
  });
});
