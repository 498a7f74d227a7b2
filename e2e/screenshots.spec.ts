import path from "node:path";
import type { Page } from "@playwright/test";
import { declareIncident, expect, test, uid, type Role, bodyBrightness } from "./fixtures";

const OUT = path.join(import.meta.dirname, "screenshots");

const VIEWPORTS = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
] as const;
const SCHEMES = ["light", "dark"] as const;

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
      await form.getByLabel("Trigger", { exact: true }).fill("x");
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

          // Dark mode must really be dark (and light light), and no page may scroll sideways on a phone.
          const brightness = await bodyBrightness(page);
          if (colorScheme === "dark") expect(brightness, "body background brightness").toBeLessThan(60);
          else expect(brightness, "body background brightness").toBeGreaterThan(200);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect(overflow, "horizontal overflow in px").toBeLessThanOrEqual(0);

          // A scrolled page (autofocus, error focus) would put the sticky header mid-image.
          await page.evaluate(() => window.scrollTo(0, 0));
          await page.screenshot({ path: path.join(OUT, file), fullPage: true, animations: "disabled" });
        });
      }
    }
  }
});
