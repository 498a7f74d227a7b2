import type { Page } from "@playwright/test";
import { expect, signInThroughForm, test, uid, USERS, DEMO_PASSWORD, type Role } from "./fixtures";
import { SCHEMES, VIEWPORTS, shoot } from "./shots";

// Screenshots of the approval screens, named like e2e/screenshots.spec.ts: <name>-<width>-<scheme>.png.


// One pending MEDIUM request (declared and requested by the on-call engineer through the UI)
// serves every shot; it is rejected again after the last one so no other spec sees it.
let pending: Promise<{ key: string; title: string }> | undefined;

async function declarePending(page: Page): Promise<{ key: string; title: string }> {
  const title = `Checkout p95 latency tripled ${uid()}`;
  await page.goto("/incidents/new");
  const form = page.getByRole("form", { name: "Declare incident" });
  await form.getByLabel("Title", { exact: true }).fill(title);
  await form.getByLabel("Trigger", { exact: true }).selectOption({ label: "Performance degradation > 50%" });
  await form.getByLabel("Severity", { exact: true }).selectOption("MEDIUM");
  await form.getByRole("checkbox", { name: "Core API" }).check();
  await form.getByLabel("Summary").fill("p95 latency went from 180 ms to 620 ms right after v2.14.0.");
  await form.getByRole("button", { name: "Declare incident" }).click();
  await expect(page).toHaveURL(/\/incidents\/INC-\d{4}-\d+$/);
  const key = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
  // The matrix's runbook with its required parameters; it never runs (rejected after the shots).
  const request = page.getByRole("form", { name: "Request rollback" });
  await expect(request.getByLabel("Runbook")).toHaveValue("application-only");
  await request.getByLabel("image", { exact: true }).fill("registry.example.com/app-backend");
  await request.getByLabel("health_url", { exact: true }).fill("http://127.0.0.1:9/health");
  await request.getByLabel("Reason").fill("Latency tripled with the deploy; v2.13.4 was fine for a week.");
  await request.getByRole("button", { name: "Request rollback approval" }).click();
  await expect(page.getByRole("article", { name: `Rollback request for ${key}` }).getByTestId("request-status")).toHaveText("Awaiting approval");
  return { key, title };
}

type Shot = { name: string; role: Role; open: (page: Page, req: { key: string; title: string }) => Promise<void> };

const SHOTS: Shot[] = [
  {
    name: "approvals",
    role: "teamlead",
    open: async (page, req) => {
      await page.goto("/approvals");
      await expect(page.getByRole("heading", { level: 1, name: "Approvals" })).toBeVisible();
      const card = page.getByRole("list", { name: "Requests to decide" }).getByRole("article", { name: `Rollback request for ${req.key}` });
      await expect(card.getByRole("button", { name: "Approve", exact: true })).toBeVisible();
      await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
    },
  },
  {
    name: "matrix",
    role: "oncall",
    open: async (page) => {
      await page.goto("/matrix");
      await expect(page.getByRole("heading", { level: 1, name: "Decision matrix" })).toBeVisible();
      await page.getByRole("form", { name: "What-if inputs" }).getByRole("combobox", { name: /Trigger/ }).selectOption({ label: "Performance degradation > 50%" });
      await expect(page.getByRole("region", { name: "What-if decision" })).toContainText("Application rollback");
    },
  },
  {
    name: "incident-pending",
    role: "teamlead",
    open: async (page, req) => {
      await page.goto(`/incidents/${req.key}`);
      await expect(page.getByRole("heading", { level: 1, name: req.title })).toBeVisible();
      const card = page.getByRole("article", { name: `Rollback request for ${req.key}` });
      await expect(card.getByTestId("request-status")).toHaveText("Awaiting approval");
      await expect(card).toContainText("previous_tag = v2.13.4");
      await expect(card.getByRole("button", { name: "Approve", exact: true })).toBeVisible();
      await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
    },
  },
];


test.describe("approval screenshots", () => {
  test.afterAll(async ({ browser }, info) => {
    if (!pending) return;
    const req = await pending.catch(() => null);
    if (!req) return;
    const context = await browser.newContext({ baseURL: info.project.use.baseURL });
    try {
      const page = await context.newPage();
      await signInThroughForm(page, USERS.teamlead.email, DEMO_PASSWORD);
      await page.goto(`/incidents/${req.key}`);
      const card = page.getByRole("article", { name: `Rollback request for ${req.key}` });
      await card.getByLabel("Comment").fill("Screenshot fixture, not a real request.");
      await card.getByRole("button", { name: "Reject", exact: true }).click();
      await expect(card.getByTestId("request-status")).toHaveText("Rejected");
    } finally {
      await context.close();
    }
  });

  for (const shot of SHOTS) {
    for (const viewport of VIEWPORTS) {
      for (const colorScheme of SCHEMES) {
        const file = `${shot.name}-${viewport.width}-${colorScheme}.png`;
        test(file, async ({ openContext }) => {
          pending ??= openContext("oncall").then(({ page }) => declarePending(page));
          const req = await pending;
          const { page } = await openContext(shot.role, { viewport, colorScheme });
          await shot.open(page, req);

          await shoot(page, file, colorScheme);
        });
      }
    }
  }
});
