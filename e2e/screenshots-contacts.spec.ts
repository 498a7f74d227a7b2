import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { SCHEMES, VIEWPORTS, shoot } from "./shots";

// Screenshots of the contacts and settings admin pages, named like e2e/screenshots.spec.ts.


const SHOTS: { name: string; open: (page: Page) => Promise<void> }[] = [
  {
    name: "admin-contacts",
    open: async (page) => {
      await page.goto("/admin/contacts");
      await expect(page.getByRole("heading", { level: 1, name: "Contacts and escalation" })).toBeVisible();
      await expect(page.getByRole("form", { name: "Escalation path" })).toBeVisible();
    },
  },
  {
    name: "admin-contacts-errors",
    open: async (page) => {
      await page.goto("/admin/contacts");
      const path = page.getByRole("form", { name: "Escalation path" });
      await path.getByRole("listitem", { name: "Step 3" }).getByLabel("After (minutes)").fill("5");
      await path.getByRole("listitem", { name: "Step 2" }).getByLabel("Step name").fill("");
      await path.getByRole("button", { name: "Save escalation path" }).click();
      await expect(path.getByRole("listitem", { name: "Step 3" }).getByRole("alert")).toBeVisible();
      const add = page.getByRole("form", { name: "Add contact" });
      await add.getByLabel("Email").fill("nope");
      await add.getByRole("button", { name: "Add contact" }).click();
      await expect(add.locator("#new-contact-name-error")).toBeVisible();
    },
  },
  {
    name: "admin-settings",
    open: async (page) => {
      await page.goto("/admin/settings");
      await expect(page.getByRole("form", { name: "Status page visibility" })).toBeVisible();
    },
  },
];

test.describe("screenshots: contacts and settings", () => {
  for (const shot of SHOTS) {
    for (const viewport of VIEWPORTS) {
      for (const colorScheme of SCHEMES) {
        const file = `${shot.name}-${viewport.width}-${colorScheme}.png`;
        test(file, async ({ openContext }) => {
          const { page } = await openContext("admin", { viewport, colorScheme });
          await shot.open(page);
          await shoot(page, file, colorScheme);
        });
      }
    }
  }
});
