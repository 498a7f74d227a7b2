import type { APIResponse, Page } from "@playwright/test";
import { test, expect, expectLive, signInThroughForm, USERS, DEMO_PASSWORD } from "./fixtures";

/** The policy's directives by name: "script-src" -> ["'self'", "'nonce-…'", …]. */
function directives(csp: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of csp.split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name.toLowerCase(), values);
  }
  return map;
}

/** Asserts the headers of one HTML page and returns its nonce. */
async function expectSecureHtml(res: APIResponse, path: string): Promise<string> {
  expect(res.status(), `${path} status`).toBe(200);
  const h = res.headers();
  expect(h["x-content-type-options"], `${path} X-Content-Type-Options`).toBe("nosniff");
  expect(h["x-frame-options"], `${path} X-Frame-Options`).toBe("DENY");
  expect(h["referrer-policy"], `${path} Referrer-Policy`).toBe("same-origin");
  const csp = h["content-security-policy"];
  expect(csp, `${path} has a Content-Security-Policy`).toBeTruthy();
  const d = directives(csp!);
  const script = d.get("script-src") ?? [];
  const nonceSource = script.find((s) => /^'nonce-[A-Za-z0-9+/=_-]{16,}'$/.test(s));
  expect(nonceSource, `${path} script-src has a nonce: ${csp}`).toBeTruthy();
  expect(script).toContain("'strict-dynamic'");
  expect(script, "no inline or eval escape hatch for scripts").not.toContain("'unsafe-inline'");
  expect(script).not.toContain("'unsafe-eval'");
  expect(d.get("style-src"), "style elements need the nonce").toContain(nonceSource);
  expect(d.get("style-src")).not.toContain("'unsafe-inline'");
  expect(d.get("object-src")).toEqual(["'none'"]);
  expect(d.get("base-uri")).toEqual(["'none'"]);
  expect(d.get("frame-ancestors")).toEqual(["'none'"]);
  expect(d.get("form-action")).toEqual(["'self'"]);
  expect(d.get("default-src")).toEqual(["'self'"]);
  // Served over plain http here: upgrading would send the page's own requests to https.
  expect(d.has("upgrade-insecure-requests")).toBe(false);

  const nonce = nonceSource!.slice("'nonce-".length, -1);
  const html = await res.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length, `${path} has scripts`).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag, `${path}: every script carries the nonce`).toContain(`nonce="${nonce}"`);
  return nonce;
}

/** Records every CSP violation the browser reports in this page, frames included. */
async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(m.text())) seen.push(`console: ${m.text()}`);
  });
  await page.exposeFunction("__reportCsp", (line: string) => seen.push(line));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      void (window as unknown as { __reportCsp: (l: string) => Promise<void> }).__reportCsp(`${location.pathname}: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sample}) at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return seen;
}

test.describe("security headers", () => {
  test("login, the public status page, the board and an incident page carry a nonce-based CSP and the other security headers; nonces differ per response", async ({ page, request, loginAs }) => {
    const loginNonce = await expectSecureHtml(await request.get("/login"), "/login");
    const statusNonce = await expectSecureHtml(await request.get("/status"), "/status");
    const again = await expectSecureHtml(await request.get("/status"), "/status");
    expect(new Set([loginNonce, statusNonce, again]).size).toBe(3);

    await loginAs(page, "viewer");
    await expectSecureHtml(await page.request.get("/"), "/");
    const href = await page.locator('a[href^="/incidents/INC-"]').first().getAttribute("href");
    expect(href).toBeTruthy();
    await expectSecureHtml(await page.request.get(href!), href!);
    // A page that does not exist is rendered per request too, so its scripts carry a nonce.
    const missing = await page.request.get("/no-such-page");
    expect(missing.status()).toBe(404);
    expect(missing.headers()["content-security-policy"]).toContain("'nonce-");
  });

  test("under the policy the main pages work without a single violation: sign-in, live board and incident page, template preview, public status page", async ({ page, openContext }) => {
    const violations = await watchViolations(page);
    await signInThroughForm(page, USERS.admin.email, DEMO_PASSWORD);
    // The live indicator needs hydrated scripts and the websocket (connect-src).
    await expectLive(page);

    await page.locator('a[href^="/incidents/INC-"]').first().click();
    await expect(page).toHaveURL(/\/incidents\/INC-/);
    await expect(page.getByRole("list", { name: "Timeline" })).toBeVisible();
    await expectLive(page);

    // The email preview renders in a sandboxed srcdoc frame with its own stylesheet.
    await page.goto("/admin/templates");
    await page.getByRole("tab", { name: "Email" }).click();
    await expect(page.getByTestId("template-preview").frameLocator("iframe").locator("body")).toContainText("ROLLBACK INITIATED");

    const visitor = await openContext(null);
    const visitorViolations = await watchViolations(visitor.page);
    await visitor.page.goto("/status");
    await expect(visitor.page.getByTestId("public-live")).toHaveAttribute("data-status", "live");
    await visitor.page.goto("/login");
    await expect(visitor.page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled();

    expect(violations).toEqual([]);
    expect(visitorViolations).toEqual([]);
  });
});
