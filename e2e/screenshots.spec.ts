import type { Page } from "@playwright/test";
import { declareIncident, expect, test, uid, type Role } from "./fixtures";
import { SCHEMES, VIEWPORTS, shoot } from "./shots";



type Shot = { name: string; role: Role | null; open: (page: Page) => Promise<void> };

const SHOTS: Shot[] = [
  {
    name: "login",
    role: null,
    open: async (page) => {
      await page.goto("/login");
      await expect(page.getByRole("heading", { level: 1, name: "Rollcall" })).toBeVisible();
      await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
    },
  },
  {
    name: "board",
    role: "oncall",
    open: async (page) => {
      await page.goto("/");
      await expect(page.getByRole("heading", { level: 1, name: "Command board" })).toBeVisible();
      await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
    },
  },
  {
    name: "incidents",
    role: "oncall",
    open: async (page) => {
      await page.goto("/incidents");
      await expect(page.getByRole("heading", { level: 1, name: "Incidents" })).toBeVisible();
      await expect(page.getByRole("list", { name: "Incidents" }).getByRole("link").first()).toBeVisible();
    },
  },
  {
    name: "declare-errors",
    role: "oncall",
    open: async (page) => {
      await page.goto("/incidents/new");
      await expect(page.getByRole("heading", { level: 1, name: "Declare an incident" })).toBeVisible();
      const form = page.getByRole("form", { name: "Declare incident" });
      await form.getByLabel("Describe the trigger").fill("x");
      await form.getByRole("button", { name: "Declare incident" }).click();
      await expect(page.locator("#title-error")).toBeVisible();
      await expect(page.locator("#serviceIds-error")).toBeVisible();
    },
  },
  {
    name: "incident",
    role: "oncall",
    open: async (page) => {
      const title = `Screenshot incident ${uid()}`;
      await declareIncident(page, { title, severity: "CRITICAL", services: ["Core API", "User Auth"], summary: "Error rate jumped after the deploy; rolling back." });
      await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
      await expect(page.getByRole("list", { name: "Timeline" })).toBeVisible();
    },
  },
  {
    name: "services",
    role: "admin",
    open: async (page) => {
      await page.goto("/services");
      await expect(page.getByRole("heading", { level: 1, name: "Services" })).toBeVisible();
    },
  },
  {
    name: "admin-users",
    role: "admin",
    open: async (page) => {
      await page.goto("/admin/users");
      await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
      await expect(page.getByRole("form", { name: "Add user" })).toBeVisible();
    },
  },
  {
    name: "404",
    role: "viewer",
    open: async (page) => {
      const res = await page.goto("/incidents/INC-2026-999999");
      expect(res?.status()).toBe(404);
      await expect(page.getByRole("heading", { level: 1, name: "Not found" })).toBeVisible();
    },
  },
];


test.describe("screenshots", () => {
  for (const shot of SHOTS) {
    for (const viewport of VIEWPORTS) {
      for (const colorScheme of SCHEMES) {
        const file = `${shot.name}-${viewport.width}-${colorScheme}.png`;
        test(file, async ({ openContext }) => {
          const { page } = await openContext(shot.role, { viewport, colorScheme });
          await shot.open(page);

          await shoot(page, file, colorScheme);
        });
      }
    }
  }
});
