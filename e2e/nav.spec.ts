import type { Page } from "@playwright/test";
import { USERS, expect, test } from "./fixtures";
import { SCHEMES, shoot } from "./shots";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const MAIN = ["Board", "Incidents", "Alerts", "Approvals", "Matrix", "Runbooks", "Services", "Status page"];
const ADMIN = ["Users", "Channels", "Templates", "Contacts", "Integrations", "Settings"];

const nav = (page: Page) => page.getByRole("navigation", { name: "Main" });

async function openBoard(page: Page) {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Command board" })).toBeVisible();
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
}

test.describe("navigation", () => {
  test("on a phone a Menu button opens the whole list with who is signed in; Escape and navigating close it", async ({ openContext }) => {
    const { page } = await openContext("admin", { viewport: PHONE });
    await openBoard(page);
    const menu = page.getByRole("button", { name: "Menu" });
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await expect(nav(page)).toBeHidden();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeHidden();

    // Keyboard: the button opens with Enter, Escape closes and leaves focus on the button.
    await menu.focus();
    await page.keyboard.press("Enter");
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    for (const name of [...MAIN, ...ADMIN]) await expect(nav(page).getByRole("link", { name, exact: name !== "Approvals" })).toBeVisible();
    const banner = page.getByRole("banner");
    await expect(banner.getByText(USERS.admin.name, { exact: true })).toBeVisible();
    await expect(banner.getByText(USERS.admin.label, { exact: true })).toBeVisible();
    await expect(banner.getByRole("button", { name: "Sign out" })).toBeVisible();
    // The open menu is a column that fits the phone: nothing scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await page.keyboard.press("Escape");
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await expect(menu).toBeFocused();
    await expect(nav(page)).toBeHidden();

    // Following a link closes the menu on the new page.
    await menu.click();
    await nav(page).getByRole("link", { name: "Runbooks" }).click();
    await expect(page).toHaveURL(/\/runbooks$/);
    await expect(page.getByRole("heading", { level: 1, name: "Runbooks" })).toBeVisible();
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await expect(nav(page)).toBeHidden();
    await menu.click();
    await expect(nav(page).getByRole("link", { name: "Runbooks" })).toHaveAttribute("aria-current", "page");
  });

  test("on a wide screen the main row fits without scrolling and the admin pages sit in an Admin group", async ({ openContext }) => {
    const { page } = await openContext("admin", { viewport: DESKTOP });
    await openBoard(page);
    await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
    const links = MAIN.map((name) => nav(page).getByRole("link", { name, exact: name !== "Approvals" }));
    for (const link of links) await expect(link).toBeVisible();
    // One row: every main link at the same height, and the row does not scroll.
    const tops = await Promise.all(links.map(async (l) => (await l.boundingBox())!.y));
    expect(new Set(tops).size, `link tops ${tops.join(", ")}`).toBe(1);
    expect(await nav(page).evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    await expect(page.getByRole("banner").getByText(USERS.admin.name, { exact: true })).toBeVisible();

    // The Admin group is closed until opened, by keyboard too; Escape closes it and returns focus.
    for (const name of ADMIN) await expect(nav(page).getByRole("link", { name })).toBeHidden();
    const admin = nav(page).getByText("Admin", { exact: true });
    await admin.focus();
    await page.keyboard.press("Enter");
    for (const name of ADMIN) await expect(nav(page).getByRole("link", { name })).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(nav(page).getByRole("link", { name: "Users" })).toBeHidden();
    await expect(admin).toBeFocused();

    // A click outside closes it; following one of its links closes it on the new page.
    await admin.click();
    await expect(nav(page).getByRole("link", { name: "Users" })).toBeVisible();
    await page.getByRole("heading", { level: 1, name: "Command board" }).click();
    await expect(nav(page).getByRole("link", { name: "Users" })).toBeHidden();
    await admin.click();
    await nav(page).getByRole("link", { name: "Users" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
    await expect(nav(page).getByRole("link", { name: "Channels" })).toBeHidden();
  });

  test("from 1024 px up the whole header is one row: logo, links, Admin, live status and Sign out", async ({ openContext }) => {
    const { page } = await openContext("admin", { viewport: { width: 1024, height: 768 } });
    await openBoard(page);
    const row = [page.getByRole("link", { name: "Rollcall" }), ...MAIN.map((name) => nav(page).getByRole("link", { name, exact: name !== "Approvals" })), nav(page).getByText("Admin", { exact: true }), page.getByRole("button", { name: "Sign out" })];
    const boxes = await Promise.all(row.map(async (l) => (await l.boundingBox())!));
    const middles = boxes.map((b) => Math.round(b.y + b.height / 2));
    expect(Math.max(...middles) - Math.min(...middles), `vertical centres ${middles.join(", ")}`).toBeLessThanOrEqual(2);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  });

  test("a viewer has no Admin group and no Approvals", async ({ openContext }) => {
    const { page } = await openContext("viewer", { viewport: DESKTOP });
    await openBoard(page);
    await expect(nav(page).getByText("Admin", { exact: true })).toHaveCount(0);
    for (const name of [...ADMIN, "Approvals", "Alerts"]) await expect(nav(page).getByRole("link", { name, includeHidden: true })).toHaveCount(0);
  });

  test("the first Tab reaches a skip link that moves focus to the main content", async ({ openContext }) => {
    const { page } = await openContext("oncall", { viewport: DESKTOP });
    await openBoard(page);
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to main content" });
    await expect(skip).toBeFocused();
    await expect(skip).toBeVisible();
    await page.keyboard.press("Enter");
    await expect(page.locator("main#main")).toBeFocused();
    // From there the next Tab is inside the page, not back in the header.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.closest("main")?.id)).toBe("main");
  });
});

test.describe("navigation screenshots", () => {
  for (const colorScheme of SCHEMES) {
    test(`board navigation screenshots, menu closed and open (${colorScheme})`, async ({ openContext }) => {
      for (const viewport of [PHONE, DESKTOP]) {
        const { page } = await openContext("admin", { viewport, colorScheme });
        await openBoard(page);
        await shoot(page, `nav-board-${viewport.width}-${colorScheme}-closed.png`, colorScheme);
        if (viewport === PHONE) await page.getByRole("button", { name: "Menu" }).click();
        else await nav(page).getByText("Admin", { exact: true }).click();
        await expect(nav(page).getByRole("link", { name: "Settings" })).toBeVisible();
        await shoot(page, `nav-board-${viewport.width}-${colorScheme}-open.png`, colorScheme);
      }
    });
  }
});
