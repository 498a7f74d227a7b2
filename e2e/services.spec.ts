import type { Page } from "@playwright/test";
import { captureServerAction, expect, replayServerAction, test, uid } from "./fixtures";
import { SCHEMES, VIEWPORTS, shoot } from "./shots";

/** Fills "Add a service" (the page must be /services, as an admin) without submitting. */
async function fillNewService(page: Page, s: { name: string; rto?: string; runbook?: string; production?: string }) {
  const form = page.getByRole("form", { name: "Add a service" });
  if (!(await form.isVisible())) await page.getByText("Add a service", { exact: true }).click();
  await form.getByLabel("Name", { exact: true }).fill(s.name);
  await form.getByLabel("Owner team").fill("Payments team");
  await form.getByLabel("Tier").selectOption("High");
  await form.getByLabel("RTO (minutes)").fill(s.rto ?? "15");
  await form.getByLabel("RPO (minutes)").fill("5");
  await form.getByLabel("Environments").fill("production, staging");
  await form.getByLabel("Public name (optional)").fill(`${s.name} (public)`);
  if (s.runbook) {
    await form.getByLabel("Add a runbook").selectOption(s.runbook);
    if (s.production) await form.getByLabel("target_version (production)").fill(s.production);
  }
  return form;
}

test.describe("service catalogue", () => {
  test("an admin adds a service with RTO/RPO and its rollback runbook; it can be declared against, archived and restored", async ({ page, loginAs }) => {
    const name = `Payments ${uid()}`;
    await loginAs(page, "admin");
    await page.goto("/services");
    let form = await fillNewService(page, { name, rto: "soon", runbook: "demo-service", production: "v1" });
    await form.getByRole("button", { name: "Add service" }).click();
    // Refused with the reason next to the field, and nothing typed is lost.
    await expect(form.getByText("RTO must be a number of minutes.")).toBeVisible();
    form = page.getByRole("form", { name: "Add a service" });
    await expect(form.getByLabel("Name", { exact: true })).toHaveValue(name);
    await expect(form.getByLabel("target_version (production)")).toHaveValue("v1");
    await form.getByLabel("RTO (minutes)").fill("15");
    await form.getByRole("button", { name: "Add service" }).click();
    await expect(page.getByRole("form", { name: "Add a service" }).getByRole("status")).toContainText(`${name} added`);

    const row = page.getByRole("row", { name: new RegExp(name) });
    await expect(row).toContainText("15 min");
    await expect(row).toContainText("demo-service");
    await expect(row).toContainText("production, staging");

    await page.goto("/incidents/new");
    await expect(page.getByRole("form", { name: "Declare incident" }).getByRole("checkbox", { name })).toBeVisible();
    await page.goto("/status");
    await expect(page.getByText(`${name} (public)`)).toBeVisible();

    await page.goto("/services");
    await page.locator("summary", { hasText: name }).click();
    await page.getByRole("button", { name: `Archive ${name}` }).click();
    // It moves to the archived list, with its incident count and a way back.
    await expect(page.getByRole("region", { name: "Archived" }).getByRole("button", { name: `Restore ${name}` })).toBeVisible();
    await page.goto("/incidents/new");
    await expect(page.getByRole("checkbox", { name })).toHaveCount(0);
    await page.goto("/status");
    await expect(page.getByText(`${name} (public)`)).toHaveCount(0);

    await page.goto("/services");
    const archived = page.getByRole("region", { name: "Archived" });
    await archived.getByRole("button", { name: `Restore ${name}` }).click();
    await expect(page.getByRole("row", { name: new RegExp(name) })).toBeVisible();
  });

  test("an admin imports a Backstage catalog: components become services, other kinds are skipped with a reason", async ({ page, loginAs }) => {
    const id = uid();
    const text = [
      `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ledger-${id}\n  title: Ledger ${id}\n  annotations:\n    rollcall.dev/rto-minutes: "30"\n    rollcall.dev/rpo-minutes: "5"\n    rollcall.dev/runbooks: application-only\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/finance\n  system: billing`,
      `apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: ledger-api-${id}\nspec:\n  type: openapi\n  owner: finance`,
    ].join("\n---\n");
    await loginAs(page, "admin");
    await page.goto("/services");
    await page.getByText("Import a Backstage catalog").click();
    const form = page.getByRole("form", { name: "Import a Backstage catalog" });
    await form.getByLabel("…or paste its contents").fill(text);
    await form.getByRole("button", { name: "Import" }).click();
    await expect(form.getByRole("status").first()).toContainText("Imported: 1 added, 0 updated, 0 unchanged, 1 skipped.");
    await expect(form.getByText(`api:default/ledger-api-${id}`)).toContainText("only Component is imported");
    const row = page.getByRole("row", { name: new RegExp(`Ledger ${id}`) });
    await expect(row).toContainText("30 min");
    await expect(row).toContainText("finance");
    await expect(row).toContainText("imported");
  });

  test("a viewer sees the catalogue but no way to change it, and an on-call engineer's replayed create is refused", async ({ page, loginAs, openContext }) => {
    const viewer = await openContext("viewer");
    await viewer.page.goto("/services");
    await expect(viewer.page.getByRole("heading", { level: 1, name: "Services" })).toBeVisible();
    await expect(viewer.page.getByRole("row", { name: /Core API/ })).toBeVisible();
    await expect(viewer.page.getByRole("form", { name: "Add a service" })).toHaveCount(0);
    await expect(viewer.page.getByText("Edit services")).toHaveCount(0);

    const name = `Replayed ${uid()}`;
    await loginAs(page, "admin");
    await page.goto("/services");
    const form = await fillNewService(page, { name });
    const action = await captureServerAction(page, () => form.getByRole("button", { name: "Add service" }).click());
    const oncall = await openContext("oncall");
    const refused = await replayServerAction(oncall.request, action);
    expect(refused.body).toContain("may not");
    expect(refused.body).toContain("service.manage");
    await page.goto("/services");
    await expect(page.getByRole("row", { name: new RegExp(name) })).toHaveCount(0);
    const allowed = await replayServerAction(page.context().request, action);
    expect(allowed.body).not.toContain("may not");
    await page.goto("/services");
    await expect(page.getByRole("row", { name: new RegExp(name) })).toHaveCount(1);
  });

  for (const viewport of VIEWPORTS) {
    for (const colorScheme of SCHEMES) {
      test(`screenshot: services ${viewport.width} ${colorScheme}`, async ({ openContext }) => {
        const admin = await openContext("admin", { viewport, colorScheme });
        await admin.page.goto("/services");
        await expect(admin.page.getByRole("heading", { level: 1, name: "Services" })).toBeVisible();
        await admin.page.getByText("Add a service", { exact: true }).click();
        await admin.page.getByRole("form", { name: "Add a service" }).getByLabel("Add a runbook").selectOption("demo-service");
        await shoot(admin.page, `services-${viewport.width}-${colorScheme}.png`, colorScheme);
      });
    }
  }
});
