import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test, uid } from "./fixtures";

// The incident page charts the metric an automatic decision read, against the policy's bands, with
// the readings as a table, readable at phone width in both colour schemes. The service has no
// runbook, so automation declares the incident and asks a person: the shared demo is not touched.

async function addServiceWithoutRunbook(page: Page, name: string) {
  await page.goto("/services");
  const form = page.getByRole("form", { name: "Add a service" });
  if (!(await form.isVisible())) await page.getByText("Add a service", { exact: true }).click();
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("Owner team").fill("Charts team");
  await form.getByLabel("Tier").selectOption("High");
  await form.getByLabel("RTO (minutes)").fill("15");
  await form.getByLabel("RPO (minutes)").fill("5");
  await form.getByRole("button", { name: "Add service" }).click();
  await expect(page.getByRole("form", { name: "Add a service" }).getByRole("status")).toContainText(`${name} added`);
}

test("an alert's reading is charted on the incident it declared, against the warning and critical bands, with a data table; no axe violations at phone width, light and dark", async ({ page, loginAs }) => {
  await loginAs(page, "admin");
  const id = uid();
  const service = `Charted ${id}`;
  await addServiceWithoutRunbook(page, service);
  await page.goto("/admin/integrations");
  const add = page.getByRole("form", { name: "Add integration" });
  await add.getByLabel("Name", { exact: true }).fill(`Chart source ${id}`);
  await add.getByLabel("URL name (optional)").fill(`chart-${id}`);
  await add.getByRole("button", { name: "Add integration" }).click();
  const token = await page.getByRole("region", { name: `Token for chart-${id}` }).getByTestId("integration-token").inputValue();

  // 42 % for ten minutes: the policy says roll back (seed 002); with no runbook a person decides.
  const labels = { alertname: `ErrorRateAbove10Percent`, service: `charted-${id}`, severity: "critical" };
  const res = await page.request.post(`/api/alerts/chart-${id}`, {
    headers: { authorization: `Bearer ${token}` },
    data: {
      version: "4", groupKey: `{}:{service="charted-${id}"}`, status: "firing", receiver: "rollcall", groupLabels: { service: labels.service }, commonLabels: labels, commonAnnotations: { error_rate_pct: "42" },
      externalURL: "http://alertmanager.test", truncatedAlerts: 0,
      alerts: [{ status: "firing", labels, annotations: { error_rate_pct: "42" }, startsAt: new Date(Date.now() - 10 * 60_000).toISOString(), endsAt: "0001-01-01T00:00:00Z", generatorURL: "http://prometheus.test/graph?g0.expr=rate_pct+%3E+10", fingerprint: `f${id}` }],
    },
  });
  expect(res.status()).toBe(200);
  const { groups } = (await res.json()) as { groups: { outcome: string; incidentKey: string | null }[] };
  expect(groups[0]).toMatchObject({ outcome: "hold" });
  expect(groups[0]!.incidentKey).toMatch(/^INC-/);

  await loginAs(page, "oncall");
  await page.setViewportSize({ width: 390, height: 844 });
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(`/incidents/${groups[0]!.incidentKey}`);
    const card = page.getByRole("region", { name: "Metrics behind the automatic decision" });
    const figure = card.getByRole("figure", { name: /^Error rate/ });
    await expect(figure).toContainText("read 42.0% by the last automatic decision (hold)");
    await expect(figure).toContainText("warning ≥ 1% and ≤ 2%, critical > 2%");
    await expect(figure).toContainText("Readings from the alerts only (the integration names no Prometheus URL).");
    await figure.getByText("Error rate: the readings as a table (1)").click();
    const table = figure.getByRole("table", { name: /Error rate over time/ });
    await expect(table.getByRole("row").nth(1)).toContainText("42.0%");
    await expect(table.getByRole("row").nth(1)).toContainText("Alert, decision: hold");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, "horizontal overflow in px").toBeLessThanOrEqual(0);
    const axe = await new AxeBuilder({ page }).include('section[aria-labelledby="metrics-h"]').withTags(["wcag2a", "wcag2aa"]).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  }
});
