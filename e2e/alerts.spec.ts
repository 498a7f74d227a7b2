import type { APIRequestContext, Page } from "@playwright/test";
import { captureServerAction, expect, expectUniqueIds, replayServerAction, test, uid } from "./fixtures";
import { SCHEMES, VIEWPORTS, shoot } from "./shots";

// Alert integrations at /admin/integrations (token shown once, mapping checked at save, new token,
// delete) and /alerts listing groups live, unroutable ones included. Posts go to the real
// /api/alerts/<slug> with the token; shadow mode keeps the shared demo data untouched.

function integrationItem(page: Page, name: string) {
  return page.getByRole("list", { name: "Integrations" }).getByRole("listitem").filter({ has: page.getByRole("heading", { level: 3, name, exact: true }) });
}

function alertmanagerBody(groupKey: string, service: string, fingerprint: string) {
  return {
    version: "4", groupKey, status: "firing", receiver: "rollcall", groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: "http://am.test", truncatedAlerts: 0,
    alerts: [
      {
        status: "firing", labels: { alertname: `ErrorRate ${fingerprint}`, service }, annotations: { error_rate_pct: "42" },
        startsAt: new Date(Date.now() - 10 * 60_000).toISOString(), endsAt: "0001-01-01T00:00:00Z", generatorURL: "http://prometheus.test/graph", fingerprint,
      },
    ],
  };
}

/** A service of this test's own (so no other test's incident is touched), rolled back by demo-service to v1. */
async function addService(page: Page, name: string) {
  await page.goto("/services");
  const form = page.getByRole("form", { name: "Add a service" });
  if (!(await form.isVisible())) await page.getByText("Add a service", { exact: true }).click();
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("Owner team").fill("Checkout team");
  await form.getByLabel("Tier").selectOption("High");
  await form.getByLabel("RTO (minutes)").fill("15");
  await form.getByLabel("RPO (minutes)").fill("5");
  await form.getByLabel("Last known good version").fill("v1");
  await form.getByLabel("Add a runbook").selectOption("demo-service");
  await form.getByRole("button", { name: "Add service" }).click();
  await expect(page.getByRole("form", { name: "Add a service" }).getByRole("status")).toContainText(`${name} added`);
}

async function postAlert(request: APIRequestContext, slug: string, token: string, body: unknown) {
  return request.post(`/api/alerts/${slug}`, { headers: { authorization: `Bearer ${token}` }, data: body });
}

test("an admin adds an integration, sees its token once, and its alerts appear live on /alerts (unroutable kept, shadow mode does nothing)", async ({ page, loginAs, openContext }) => {
  await loginAs(page, "admin");
  const id = uid();
  const name = `Prometheus ${id}`;
  const service = `Alerting ${id}`;
  await addService(page, service);
  await page.goto("/admin/integrations");
  await expect(page.getByRole("heading", { level: 1, name: "Integrations" })).toBeVisible();
  const add = page.getByRole("form", { name: "Add integration" });
  await add.getByLabel("Name", { exact: true }).fill(name);
  await add.getByLabel("URL name (optional)").fill(`prom-${id}`);
  // A mapping naming a metric the policy lacks is refused at save, next to the box, keeping what was typed.
  await add.getByLabel("Metric readings (one per line)").fill("cpu_pct annotation cpu");
  await add.getByRole("button", { name: "Add integration" }).click();
  await expect(page.getByRole("form", { name: "Add integration" }).getByText(/Line 1: The active policy has no metric “cpu_pct”/)).toBeVisible();
  await expect(page.getByRole("form", { name: "Add integration" }).getByLabel("Name", { exact: true })).toHaveValue(name);

  const form = page.getByRole("form", { name: "Add integration" });
  await form.getByLabel("Metric readings (one per line)").fill("error_rate_pct annotation error_rate_pct");
  await form.getByLabel(/Shadow mode/).check();
  await form.getByRole("button", { name: "Add integration" }).click();
  const tokenBox = page.getByRole("region", { name: `Token for prom-${id}` });
  await expect(tokenBox).toContainText("shown only once");
  const token = await tokenBox.getByTestId("integration-token").inputValue();
  expect(token).toMatch(/^rca_/);
  await expect(tokenBox).toContainText(`/api/alerts/prom-${id}`);
  await expectUniqueIds(page);
  const item = integrationItem(page, name);
  await expect(item).toContainText("Shadow mode");
  await expect(item).toContainText(`••••${token.slice(-4)}`);
  await page.reload();
  await expect(page.getByTestId("integration-token")).toHaveCount(0);
  await expect(page.locator("body")).not.toContainText(token);

  // An on-call engineer watches /alerts while alerts arrive.
  const oncall = await openContext("oncall");
  await oncall.page.goto("/alerts");
  await expect(oncall.page.getByRole("heading", { level: 1, name: "Alerts" })).toBeVisible();
  await expect(oncall.page.getByTestId("live-status")).toHaveAttribute("data-status", "live");

  expect((await postAlert(page.request, `prom-${id}`, "rca_wrong", alertmanagerBody(`g-${id}`, "ghost", `x-${id}`))).status()).toBe(401);
  const ghost = `ghost-${id}`;
  const unroutable = await postAlert(page.request, `prom-${id}`, token, alertmanagerBody(`ghost-${id}`, ghost, `u-${id}`));
  expect(unroutable.status()).toBe(200);
  const unroutableList = oncall.page.getByRole("list", { name: "Unroutable alert groups" });
  await expect(unroutableList.getByTestId("alert-group").filter({ hasText: `ErrorRate u-${id}` })).toContainText(`“${ghost}” is no service`);
  await expect(unroutableList.getByTestId("alert-group").filter({ hasText: `ErrorRate u-${id}` }).getByTestId("decision")).toHaveAttribute("data-outcome", "inconclusive");

  // The policy says roll back (42 % for 10 minutes, seed 002) but shadow mode only records it.
  const shadowed = await postAlert(page.request, `prom-${id}`, token, alertmanagerBody(`svc-${id}`, `alerting-${id}`, `s-${id}`));
  expect(shadowed.status()).toBe(200);
  const json = (await shadowed.json()) as { groups: { outcome: string; incidentKey: string | null }[] };
  expect(json.groups[0]).toMatchObject({ outcome: "act", incidentKey: null });
  const group = oncall.page.getByRole("list", { name: "Alert groups" }).getByTestId("alert-group").filter({ hasText: `ErrorRate s-${id}` });
  await expect(group).toContainText("shadow mode: nothing done");
  await expect(group).toContainText("Readings: error_rate_pct 42");
  await expect(group).toContainText("Incident: none");

  // A new token: the old one stops working at once.
  page.once("dialog", (d) => void d.accept());
  await item.getByRole("button", { name: "New token" }).click();
  const fresh = await item.getByTestId("integration-token").inputValue();
  expect(fresh).not.toBe(token);
  expect((await postAlert(page.request, `prom-${id}`, token, alertmanagerBody(`ghost-${id}`, ghost, `u-${id}`))).status()).toBe(401);
  expect((await postAlert(page.request, `prom-${id}`, fresh, alertmanagerBody(`ghost-${id}`, ghost, `u-${id}`))).status()).toBe(200);

  // Delete by typing the name; the alert groups stay on /alerts.
  await item.locator("summary", { hasText: `Delete ${name}` }).click();
  const del = item.getByRole("form", { name: `Delete ${name}` });
  await del.getByLabel("Type the integration's name to confirm").fill(name);
  await del.getByRole("button", { name: `Delete ${name}` }).click();
  await expect(page.getByRole("status").filter({ hasText: `Deleted ${name}` })).toBeVisible();
  expect((await postAlert(page.request, `prom-${id}`, fresh, alertmanagerBody(`ghost-${id}`, ghost, `u-${id}`))).status()).toBe(401);
  await oncall.page.reload();
  await expect(oncall.page.getByTestId("alert-group").filter({ hasText: `ErrorRate s-${id}` })).toHaveCount(1);
});

test("the automation kill switch is switched off and on at /admin/settings with a reason, and /alerts says so", async ({ page, loginAs }) => {
  await loginAs(page, "admin");
  await page.goto("/admin/settings");
  const card = page.locator("#automation");
  await expect(card.getByTestId("automation-enabled")).toHaveText("on");
  const off = card.getByRole("form", { name: "Automation for every service" });
  await off.getByRole("button", { name: "Switch automation off" }).click();
  await expect(card.getByText("Say why (at least 3 characters)")).toBeVisible();
  await card.getByLabel("Why switch automation off").fill("e2e: maintenance window");
  await card.getByRole("button", { name: "Switch automation off" }).click();
  await expect(card.getByTestId("automation-enabled")).toHaveText("off for every service");
  await page.goto("/alerts");
  await expect(page.getByTestId("automation-state")).toContainText("off for every service");
  await page.goto("/admin/settings");
  await page.locator("#automation").getByLabel("Why switch automation back on").fill("e2e: maintenance over");
  await page.locator("#automation").getByRole("button", { name: "Switch automation on" }).click();
  await expect(page.locator("#automation").getByTestId("automation-enabled")).toHaveText("on");
});

test("a viewer cannot see /alerts or manage integrations, in the UI or by calling the action directly", async ({ page, loginAs, openContext }) => {
  const viewer = await openContext("viewer");
  await viewer.page.goto("/admin/integrations");
  await expect(viewer.page.getByRole("heading", { name: "Administrators only" })).toBeVisible();
  await expect(viewer.page.getByRole("form", { name: "Add integration" })).toHaveCount(0);
  await viewer.page.goto("/alerts");
  await expect(viewer.page.getByRole("heading", { name: "Not available to your role" })).toBeVisible();
  await expect(viewer.page.getByRole("link", { name: "Alerts", exact: true })).toHaveCount(0);

  await loginAs(page, "admin");
  await page.goto("/admin/integrations");
  const name = `Forbidden ${uid()}`;
  const form = page.getByRole("form", { name: "Add integration" });
  await form.getByLabel("Name", { exact: true }).fill(name);
  const action = await captureServerAction(page, () => form.getByRole("button", { name: "Add integration" }).click());
  const refused = await replayServerAction(viewer.request, action);
  expect(refused.body).toContain("may not");
  expect(refused.body).toContain("integrations.manage");
  await page.goto("/admin/integrations");
  await expect(integrationItem(page, name)).toHaveCount(0);
});

/** An integration made through the form (shadow mode, so nothing is declared); its URL name and token. */
async function addIntegration(page: Page, name: string, slug: string): Promise<string> {
  await page.goto("/admin/integrations");
  const form = page.getByRole("form", { name: "Add integration" });
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("URL name (optional)").fill(slug);
  await form.getByLabel(/Shadow mode/).check();
  await form.getByRole("button", { name: "Add integration" }).click();
  return page.getByRole("region", { name: `Token for ${slug}` }).getByTestId("integration-token").inputValue();
}

test.describe("alerts screenshots", () => {
  for (const viewport of VIEWPORTS) {
    for (const colorScheme of SCHEMES) {
      test(`screenshot: alerts and integrations ${viewport.width} ${colorScheme}`, async ({ page, loginAs, openContext }) => {
        await loginAs(page, "admin");
        const id = uid();
        const service = `Shots ${id}`;
        await addService(page, service);
        const token = await addIntegration(page, `Shots Alertmanager ${id}`, `shots-${id}`);
        expect((await postAlert(page.request, `shots-${id}`, token, alertmanagerBody(`g1-${id}`, `shots-${id}`, `a-${id}`))).status()).toBe(200);
        expect((await postAlert(page.request, `shots-${id}`, token, alertmanagerBody(`g2-${id}`, `nowhere-${id}`, `b-${id}`))).status()).toBe(200);
        const oncall = await openContext("oncall", { viewport, colorScheme });
        await oncall.page.goto("/alerts");
        await expect(oncall.page.getByRole("heading", { level: 1, name: "Alerts" })).toBeVisible();
        await expect(oncall.page.getByTestId("alert-group").filter({ hasText: `ErrorRate a-${id}` })).toBeVisible();
        await expect(oncall.page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
        await shoot(oncall.page, `alerts-${viewport.width}-${colorScheme}.png`, colorScheme);
        const admin = await openContext("admin", { viewport, colorScheme });
        await admin.page.goto("/admin/integrations");
        await expect(admin.page.getByRole("heading", { level: 1, name: "Integrations" })).toBeVisible();
        await expect(admin.page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
        await shoot(admin.page, `integrations-${viewport.width}-${colorScheme}.png`, colorScheme);
      });
    }
  }
});
