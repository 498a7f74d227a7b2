import path from "node:path";
import type { Page } from "@playwright/test";
import { bodyBrightness, expect } from "./fixtures";

// Screenshots are named <name>-<width>-<scheme>.png and written to e2e/screenshots/ (not committed).

export const OUT = path.join(import.meta.dirname, "screenshots");

export const VIEWPORTS = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
] as const;
export const SCHEMES = ["light", "dark"] as const;
export type Scheme = (typeof SCHEMES)[number];

/**
 * Dark mode must really be dark (and light light), and no page may scroll sideways on a phone;
 * then a full-page screenshot from the top (a scrolled page would put the sticky header mid-image).
 */
export async function shoot(page: Page, file: string, colorScheme: Scheme) {
  const brightness = await bodyBrightness(page);
  if (colorScheme === "dark") expect(brightness, "body background brightness").toBeLessThan(60);
  else expect(brightness, "body background brightness").toBeGreaterThan(200);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, "horizontal overflow in px").toBeLessThanOrEqual(0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(OUT, file), fullPage: true, animations: "disabled" });
}
