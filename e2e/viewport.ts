import type { Locator, Page } from "@playwright/test";
import { expect } from "./fixtures";

/**
 * `loc` is on screen right now, without scrolling: inside the viewport and not under anything
 * (the sticky navigation, the phone's action bar). Nothing here scrolls; a failure says where it was.
 */
export async function expectInView(loc: Locator, what: string) {
  await expect(loc, `${what} is shown`).toBeVisible();
  const r = await loc.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const x = box.left + box.width / 2;
    const y = box.top + Math.min(box.height / 2, 20);
    const hit = y >= 0 && y < window.innerHeight ? document.elementFromPoint(x, y) : null;
    const mine = hit !== null && (hit === el || el.contains(hit) || hit.contains(el));
    return { top: Math.round(box.top), bottom: Math.round(box.bottom), height: window.innerHeight, covered: !mine, by: hit ? `${hit.tagName.toLowerCase()}${hit.id ? `#${hit.id}` : ""} "${(hit.textContent ?? "").trim().slice(0, 40)}"` : "nothing (off screen)" };
  });
  const where = `${what}: y ${r.top}–${r.bottom} in a ${r.height} px viewport`;
  expect(r.top, where).toBeGreaterThanOrEqual(0);
  expect(r.bottom, where).toBeLessThanOrEqual(r.height);
  expect(r.covered, `${where}, covered by ${r.by}`).toBe(false);
}

/** The page has not been scrolled: what is checked is the first screen a person sees. */
export async function expectAtTop(page: Page) {
  expect(await page.evaluate(() => window.scrollY), "scroll position").toBe(0);
}

/** What has keyboard focus: its role or tag, test id and text. */
export async function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: "body", role: null, testid: null, id: null, text: "" };
    return { tag: el.tagName.toLowerCase(), role: el.getAttribute("role"), testid: el.getAttribute("data-testid"), id: el.id || null, text: (el.textContent ?? "").trim().slice(0, 200) };
  });
}
