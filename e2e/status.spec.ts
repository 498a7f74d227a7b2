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

  test("a viewer sees no publishing forms (the server-side refusal is tested in lib/status)", async ({ page, loginAs }) => {
    await loginAs(page, "viewer");
    await page.goto("/incidents/INC-2026-1");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByRole("form", { name: "Public update" })).toHaveCount(0);
  });
});
