import { mkdirSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { test as base, expect, type APIRequestContext, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "@playwright/test";

export { expect };

export type Role = "admin" | "oncall" | "teamlead" | "productowner" | "viewer";

export const DEMO_PASSWORD = "rollcall-demo";

export const USERS: Record<Role, { email: string; name: string; label: string }> = {
  admin: { email: "admin@rollcall.demo", name: "Ada Admin", label: "Administrator" },
  oncall: { email: "oncall@rollcall.demo", name: "Omar On-call", label: "On-call engineer" },
  teamlead: { email: "teamlead@rollcall.demo", name: "Tess Team-lead", label: "Team lead" },
  productowner: { email: "product@rollcall.demo", name: "Priya Product-owner", label: "Product owner" },
  viewer: { email: "viewer@rollcall.demo", name: "Vic Stakeholder", label: "Stakeholder (viewer)" },
};

export const ROLES = Object.keys(USERS) as Role[];

/** A short random suffix so every run creates data no other test or run has touched. */
export function uid(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
}

/** Signs in through the real login form; the caller asserts where that leads. */
export async function submitLogin(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

export async function signInThroughForm(page: Page, email: string, password: string) {
  await submitLogin(page, email, password);
  await expect(page.getByRole("heading", { name: "Command board" })).toBeVisible();
}

// The server starts on a fresh database with a fresh secret every run, so a state file from an
// earlier run is never trusted: each worker signs in once per role and rewrites the file.
// One folder per port, so runs against different servers at the same time keep their own cookies.
const AUTH_DIR = path.join(import.meta.dirname, ".auth", process.env.E2E_PORT ?? "default");
const signedIn = new Map<Role, Promise<string>>();

async function storageStateFor(browser: Browser, baseURL: string | undefined, role: Role): Promise<string> {
  let pending = signedIn.get(role);
  if (!pending) {
    pending = (async () => {
      mkdirSync(AUTH_DIR, { recursive: true });
      const file = path.join(AUTH_DIR, `${role}.json`);
      const context = await browser.newContext({ baseURL });
      try {
        await signInThroughForm(await context.newPage(), USERS[role].email, DEMO_PASSWORD);
        await context.storageState({ path: file });
      } finally {
        await context.close();
      }
      return file;
    })();
    pending.catch(() => signedIn.delete(role));
    signedIn.set(role, pending);
  }
  return pending;
}

export type RolePage = { context: BrowserContext; page: Page; request: APIRequestContext };

type Fixtures = {
  /** Signs `page`'s context in as a demo role (cookies from a form sign-in) and opens the board. */
  loginAs: (page: Page, role: Role) => Promise<void>;
  /** A second (third, …) browser context, signed in as `role` or signed out (null); closed after the test. */
  openContext: (role: Role | null, options?: BrowserContextOptions) => Promise<RolePage>;
};

export const test = base.extend<Fixtures>({
  loginAs: async ({ browser, baseURL }, provide) => {
    await provide(async (page, role) => {
      const file = await storageStateFor(browser, baseURL, role);
      const { readFile } = await import("node:fs/promises");
      const state = JSON.parse(await readFile(file, "utf8")) as { cookies: Parameters<BrowserContext["addCookies"]>[0] };
      await page.context().clearCookies();
      await page.context().addCookies(state.cookies);
      await page.goto("/");
      await expect(page.getByRole("heading", { name: "Command board" })).toBeVisible();
      await expect(page.getByRole("banner").getByText(USERS[role].label, { exact: true })).toBeVisible();
    });
  },
  openContext: async ({ browser, baseURL }, provide) => {
    const opened: BrowserContext[] = [];
    await provide(async (role, options = {}) => {
      const storageState = role ? await storageStateFor(browser, baseURL, role) : undefined;
      const context = await browser.newContext({ baseURL, ...options, storageState });
      opened.push(context);
      const page = await context.newPage();
      return { context, page, request: context.request };
    });
    for (const c of opened) await c.close();
  },
});

/** Waits until the page's socket is connected, so later events cannot be missed. */
export async function expectLive(page: Page) {
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
}

/** Marks the document; `expectNotReloaded` fails if a full page load replaced it since. */
export async function markDocument(page: Page) {
  await page.evaluate(() => {
    (window as unknown as { __e2eMark?: boolean }).__e2eMark = true;
  });
}

export async function expectNotReloaded(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __e2eMark?: boolean }).__e2eMark === true), "page was reloaded").toBe(true);
}

export type IncidentInput = { title: string; severity?: string; trigger?: string; services?: string[]; summary?: string };

/** Fills the declare form (page must be on /incidents/new) without submitting. */
export async function fillDeclareForm(page: Page, input: IncidentInput) {
  const form = page.getByRole("form", { name: "Declare incident" });
  await form.getByLabel("Title").fill(input.title);
  await form.getByLabel("Severity").selectOption(input.severity ?? "HIGH");
  await form.getByLabel("Describe the trigger").fill(input.trigger ?? "Error rate > 5% for 5 minutes");
  for (const s of input.services ?? ["Core API"]) {
    await form.getByRole("checkbox", { name: s }).check();
  }
  await form.getByLabel("Summary").fill(input.summary ?? "Declared by an end-to-end test.");
  return form;
}

/** Declares an incident through the form as whoever `page` is signed in as; returns its key. */
export async function declareIncident(page: Page, input: IncidentInput): Promise<string> {
  await page.goto("/incidents/new");
  const form = await fillDeclareForm(page, input);
  await form.getByRole("button", { name: "Declare incident" }).click();
  await expect(page).toHaveURL(/\/incidents\/INC-\d{4}-\d+$/);
  await expect(page.getByRole("heading", { level: 1, name: input.title })).toBeVisible();
  return decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
}

export type CapturedAction = { url: string; headers: Record<string, string>; body: Buffer };

/**
 * Records the server-action POST that `trigger` causes on `page` (a request with a
 * `next-action` header) and aborts it, so only a replay can have any effect.
 */
export async function captureServerAction(page: Page, trigger: () => Promise<void>): Promise<CapturedAction> {
  let resolve!: (c: CapturedAction) => void;
  const captured = new Promise<CapturedAction>((r) => (resolve = r));
  const matcher = (url: URL) => !url.pathname.startsWith("/_next/") && !url.pathname.startsWith("/api/");
  await page.route(matcher, async (route) => {
    const req = route.request();
    const headers = await req.allHeaders();
    if (req.method() !== "POST" || !headers["next-action"]) return route.fallback();
    resolve({ url: req.url(), headers, body: req.postDataBuffer() ?? Buffer.alloc(0) });
    await route.abort();
  });
  await trigger();
  const result = await captured;
  await page.unroute(matcher);
  expect(result.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
  return result;
}

/** Sends a captured server-action request again with another context's cookies. */
export async function replayServerAction(request: APIRequestContext, action: CapturedAction) {
  const keep = ["next-action", "content-type", "accept", "next-router-state-tree", "origin"];
  const headers = Object.fromEntries(keep.filter((h) => action.headers[h]).map((h) => [h, action.headers[h]!]));
  const res = await request.post(action.url, { headers, data: action.body, maxRedirects: 0 });
  return { status: res.status(), body: await res.text(), headers: res.headers() };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// React sends a form action's FormData as multipart parts named "_<argument index>_<field>"
// (useActionState's action gets the form as its second argument: "_1_mode").
function fieldPattern(name: string) {
  return new RegExp(`(name="(?:_?\\d+_)?${escapeRe(name)}"\\r\\n\\r\\n)([^\\r]*)(\\r\\n)`);
}

/** The value of a single-line form field in a captured action's multipart body. */
export function formField(action: CapturedAction, name: string): string | null {
  return fieldPattern(name).exec(action.body.toString("utf8"))?.[2] ?? null;
}

/** A copy of a captured action with one form field's value changed (the field must be there). */
export function withFormField(action: CapturedAction, name: string, value: string): CapturedAction {
  const text = action.body.toString("utf8");
  expect(formField(action, name), `the captured action has a form field "${name}"`).not.toBeNull();
  return { ...action, body: Buffer.from(text.replace(fieldPattern(name), (_m, head: string, _old: string, tail: string) => `${head}${value}${tail}`), "utf8") };
}

/** A copy of a captured action with an extra form field, named the way the form's own fields are. */
export function addFormField(action: CapturedAction, name: string, value: string): CapturedAction {
  const boundary = /boundary=(.+)$/.exec(action.headers["content-type"] ?? "")?.[1];
  expect(boundary, "multipart boundary").toBeTruthy();
  const text = action.body.toString("utf8");
  const prefix = /name="(_?\d+_)[^"]*"/.exec(text)?.[1] ?? "";
  const end = `--${boundary!}--`;
  expect(text).toContain(end);
  const part = `--${boundary!}\r\nContent-Disposition: form-data; name="${prefix}${name}"\r\n\r\n${value}\r\n`;
  return { ...action, body: Buffer.from(text.replace(end, `${part}${end}`), "utf8") };
}

/** Relative brightness (0–255) of the body background, whatever colour space the CSS uses. */
export async function bodyBrightness(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext("2d")!;
    ctx.fillStyle = getComputedStyle(document.body).backgroundColor;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  });
}

/** Labels find their control by id: two controls with one id leave the second unlabelled. */
export async function expectUniqueIds(page: Page) {
  const dupes = await page.evaluate(() => {
    const seen = new Map<string, number>();
    for (const el of document.querySelectorAll("[id]")) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  });
  expect(dupes, "element ids used more than once").toEqual([]);
}
