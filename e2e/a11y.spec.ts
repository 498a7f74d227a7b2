import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { declareIncident, expect, test, uid, type Role } from "./fixtures";
import { SCHEMES } from "./shots";

// WCAG 2 A and AA as axe checks them, on every page, in both colour schemes. A failure lists each
// violation with the elements it found and, for contrast, the colours and ratio, so it can be fixed.

type Result = Awaited<ReturnType<AxeBuilder["analyze"]>>;

function report(violations: Result["violations"]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes.map((n) => {
        const data = n.any.find((c) => c.id === "color-contrast")?.data as
          | { fgColor?: string; bgColor?: string; contrastRatio?: number; expectedContrastRatio?: string; fontSize?: string }
          | undefined;
        const contrast = data?.contrastRatio ? ` — ${data.fgColor} on ${data.bgColor}: ${data.contrastRatio}:1, needs ${data.expectedContrastRatio} (${data.fontSize})` : "";
        return `    ${n.target.join(" ")}${contrast}\n      ${n.failureSummary?.replace(/\n/g, " ") ?? ""}`;
      });
      return `  ${v.id} (${v.impact}): ${v.help}\n${nodes.join("\n")}`;
    })
    .join("\n");
}

async function expectNoViolations(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  expect(result.violations, `axe found WCAG A/AA violations on ${new URL(page.url()).pathname}:\n${report(result.violations)}`).toEqual([]);
}

/** The page's own heading is shown and, on signed-in pages, the live connection is up (its badge settles). */
async function ready(page: Page, heading: string | RegExp) {
  await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
}

type Visit = { path: string; role: Role | null; heading: string | RegExp; open?: (page: Page) => Promise<void> };

const PAGES: Visit[] = [
  { path: "/login", role: null, heading: "Rollcall" },
  { path: "/", role: "admin", heading: "Command board" },
  { path: "/incidents", role: "admin", heading: "Incidents" },
  { path: "/incidents/new", role: "admin", heading: "Declare an incident" },
  {
    path: "/incidents/<key>",
    role: "oncall",
    heading: /^Axe incident /,
    open: async (page) => {
      await declareIncident(page, { title: `Axe incident ${uid()}`, severity: "HIGH", services: ["Core API"] });
    },
  },
  { path: "/approvals", role: "admin", heading: "Approvals" },
  { path: "/matrix", role: "admin", heading: "Decision matrix" },
  { path: "/runbooks", role: "admin", heading: "Runbooks" },
  { path: "/services", role: "admin", heading: "Services" },
  { path: "/status", role: null, heading: "Service status" },
  { path: "/admin/users", role: "admin", heading: "Users" },
  { path: "/admin/channels", role: "admin", heading: "Channels" },
  { path: "/admin/templates", role: "admin", heading: "Templates" },
  { path: "/admin/contacts", role: "admin", heading: "Contacts and escalation" },
  { path: "/admin/settings", role: "admin", heading: "Settings" },
  { path: "/admin/integrations", role: "admin", heading: "Integrations" },
  { path: "/alerts", role: "oncall", heading: "Alerts" },
];

test.describe("accessibility (axe, WCAG 2 A and AA)", () => {
  for (const colorScheme of SCHEMES) {
    for (const visit of PAGES) {
      test(`${visit.path} has no violations (${colorScheme})`, async ({ openContext }) => {
        const { page } = await openContext(visit.role, { colorScheme });
        if (visit.open) await visit.open(page);
        else await page.goto(visit.path);
        await ready(page, visit.heading);
        if (visit.role) await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
        await expectNoViolations(page);
      });
    }

    test(`the phone menu, open, has no violations (${colorScheme})`, async ({ openContext }) => {
      const { page } = await openContext("admin", { colorScheme, viewport: { width: 390, height: 844 } });
      await page.goto("/");
      await ready(page, "Command board");
      await page.getByRole("button", { name: "Menu" }).click();
      await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" })).toBeVisible();
      await expectNoViolations(page);
    });

    test(`the Admin group, open, has no violations (${colorScheme})`, async ({ openContext }) => {
      const { page } = await openContext("admin", { colorScheme });
      await page.goto("/incidents");
      await ready(page, "Incidents");
      await page.getByRole("navigation", { name: "Main" }).getByText("Admin", { exact: true }).click();
      await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })).toBeVisible();
      await expectNoViolations(page);
    });
  }
});
