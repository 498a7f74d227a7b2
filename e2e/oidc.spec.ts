import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { FIRST_ADMIN } from "./first-admin";
import { startIdp, type Idp, type IdpAccount } from "./oidc-idp";

// Single sign-on end to end, on the third e2e server (OIDC_* pointing at a real OpenID provider that
// this spec starts): the browser goes Rollcall login -> provider login and consent -> Rollcall's
// next-auth callback, every redirect real, the ID token signed by the provider and checked by Rollcall.

const ACCOUNTS: Record<string, IdpAccount> = {
  sam: { email: "sam.sre@idp.test", emailVerified: true, name: "Sam Sre", groups: ["staff", "sre"] },
  lee: { email: "lee.lead@idp.test", emailVerified: true, name: "Lee Lead", groups: ["sre", "leads"] },
  // The provider vouches for this person, but not for the address they typed into their profile.
  mallory: { email: FIRST_ADMIN.email, emailVerified: false, name: "Mallory", groups: ["leads"] },
  newbie: { email: "newbie@idp.test", emailVerified: false, name: "Unverified Newbie", groups: ["sre"] },
  // The first administrator's own identity at the provider.
  ada: { email: FIRST_ADMIN.email, emailVerified: true, name: "Ada at the IdP", groups: [] },
};

let idp: Idp;
test.beforeAll(async () => {
  idp = await startIdp(ACCOUNTS);
});
test.afterAll(async () => {
  await idp?.close();
});

/** A fresh browser (no provider session) through the whole authorization-code flow. */
async function ssoSignIn(browser: Browser, baseURL: string | undefined, login: keyof typeof ACCOUNTS): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in with single sign-on" }).click();
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\//);
  await page.getByPlaceholder("Enter any login").fill(login);
  await page.getByPlaceholder("and password").fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  return page;
}

async function sessionOf(page: Page): Promise<{ user?: { email?: string; role?: string } }> {
  return (await page.request.get("/api/auth/session")).json();
}

test.describe("single sign-on", () => {
  test("a new person is created on first sign-in with the highest role their groups map to", async ({ browser, baseURL }) => {
    const sam = await ssoSignIn(browser, baseURL, "sam");
    await expect(sam.getByRole("heading", { name: "Command board" })).toBeVisible();
    const banner = sam.getByRole("banner");
    await expect(banner.getByText("Sam Sre", { exact: true })).toBeVisible();
    await expect(banner.getByText("On-call engineer", { exact: true })).toBeVisible();
    expect((await sessionOf(sam)).user).toMatchObject({ email: "sam.sre@idp.test", role: "oncall" });

    const lee = await ssoSignIn(browser, baseURL, "lee");
    await expect(lee.getByRole("heading", { name: "Command board" })).toBeVisible();
    await expect(lee.getByRole("banner").getByText("Team lead", { exact: true })).toBeVisible();
    await sam.context().close();
    await lee.context().close();
  });

  test("an unverified email that matches an existing account does not sign in to it", async ({ browser, baseURL }) => {
    const page = await ssoSignIn(browser, baseURL, "mallory");
    await expect(page).toHaveURL(/\/login\?/);
    await expect(page.getByText("Your identity provider has not verified your email address")).toBeVisible();
    expect((await sessionOf(page)).user).toBeUndefined();
    await page.goto("/");
    await expect(page).toHaveURL(/\/login/);
    await page.context().close();
  });

  test("an unverified email creates no account; the verified owner of an existing account keeps its role", async ({ browser, baseURL }) => {
    const newbie = await ssoSignIn(browser, baseURL, "newbie");
    await expect(newbie).toHaveURL(/\/login\?/);
    await expect(newbie.getByText("Your identity provider has not verified your email address")).toBeVisible();
    expect((await sessionOf(newbie)).user).toBeUndefined();
    await newbie.context().close();

    // The first administrator signs in through the provider with a verified address: their own
    // account, still an administrator (no mapped group), and no account for the unverified person.
    const ada = await ssoSignIn(browser, baseURL, "ada");
    await expect(ada.getByRole("heading", { name: "Command board" })).toBeVisible();
    expect((await sessionOf(ada)).user).toMatchObject({ email: FIRST_ADMIN.email, role: "admin" });
    await ada.goto("/admin/users");
    const users = ada.getByRole("list", { name: "Users" });
    await expect(users.getByRole("listitem").filter({ hasText: FIRST_ADMIN.email })).toBeVisible();
    await expect(users.getByRole("listitem").filter({ hasText: "newbie@idp.test" })).toHaveCount(0);
    await ada.context().close();
  });
});
