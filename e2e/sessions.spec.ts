import type { Page } from "@playwright/test";
import { captureServerAction, DEMO_PASSWORD, expect, expectLive, replayServerAction, signInThroughForm, submitLogin, test, uid, USERS } from "./fixtures";

// Sessions end when people say so (issue 12 item 5), and sign-in sends people only to Rollcall
// itself (item 3). Every test signs in through the form for a session of its own: signing out or
// changing a password must not end the shared per-role sessions other specs use.

const WRONG = "Wrong email or password, or the account is deactivated.";

type Person = { name: string; email: string; password: string };

/** An admin adds a user with a password on /admin/users; returns who it is. */
async function addUser(admin: Page): Promise<Person> {
  const suffix = uid();
  const p = { name: `Sam Session ${suffix}`, email: `sam-${suffix}@example.test`, password: `first-password-${suffix}` };
  await admin.goto("/admin/users");
  const form = admin.getByRole("form", { name: "Add user" });
  await form.getByLabel("Name").fill(p.name);
  await form.getByLabel("Email").fill(p.email);
  await form.getByLabel("Role").selectOption("oncall");
  await form.getByLabel("Initial password").fill(p.password);
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(admin.getByRole("form", { name: "Add user" }).getByRole("status")).toHaveText(`Added ${p.email}.`);
  return p;
}

async function changePassword(page: Page, current: string, next: string, confirm = next) {
  const form = page.getByRole("form", { name: "Change password" });
  await form.getByLabel(/^Current/).fill(current);
  await form.getByLabel("New password", { exact: true }).fill(next);
  await form.getByLabel("Confirm new password").fill(confirm);
  await form.getByRole("button", { name: "Change password" }).click();
}

async function expectLoginPage(page: Page) {
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Command board" })).toHaveCount(0);
}

test.describe("sessions", () => {
  test("signing out ends the session on the server: the old cookie, replayed in another browser, gets the login page", async ({ openContext }) => {
    const a = await openContext(null);
    await signInThroughForm(a.page, USERS.viewer.email, DEMO_PASSWORD);
    await expectLive(a.page);
    const cookies = await a.context.cookies();
    expect(cookies.map((c) => c.name)).toContain("next-auth.session-token");

    // A copy of the cookie works while the session is open...
    const copy = await openContext(null);
    await copy.context.addCookies(cookies);
    await copy.page.goto("/incidents");
    await expect(copy.page.getByRole("heading", { level: 1, name: "Incidents" })).toBeVisible();

    await a.page.getByRole("button", { name: "Sign out" }).click();
    await expectLoginPage(a.page);

    // ...and not after sign-out: not in a fresh browser with the captured cookie,
    const replay = await openContext(null);
    await replay.context.addCookies(cookies);
    await replay.page.goto("/incidents");
    await expectLoginPage(replay.page);
    // nor in the browser that held the copy, whose live socket was dropped too.
    await copy.page.goto("/");
    await expectLoginPage(copy.page);
  });

  test("a person changes their password at /account: wrong current password refused, other sessions end, the old password stops working", async ({
    page,
    loginAs,
    openContext,
  }) => {
    await loginAs(page, "admin");
    const sam = await addUser(page);
    const here = await openContext(null);
    await signInThroughForm(here.page, sam.email, sam.password);
    const elsewhere = await openContext(null);
    await signInThroughForm(elsewhere.page, sam.email, sam.password);

    // The account page is one click from the name in the header.
    await here.page.getByRole("banner").getByRole("link", { name: sam.name }).click();
    await expect(here.page).toHaveURL(/\/account$/);
    await expect(here.page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();

    const next = `second-password-${uid()}`;
    await changePassword(here.page, "not-my-password-at-all", next);
    await expect(here.page.locator("#current-error")).toHaveText("That is not your current password.");
    await changePassword(here.page, sam.password, next, `${next}-typo`);
    await expect(here.page.locator("#confirm-error")).toHaveText("The two passwords differ.");
    await changePassword(here.page, sam.password, next);
    await expect(here.page.getByRole("form", { name: "Change password" }).getByRole("status")).toHaveText("Password changed. Your other session was signed out.");
    // Nothing typed is kept in the form.
    await expect(here.page.getByRole("form", { name: "Change password" }).getByLabel("New password", { exact: true })).toHaveValue("");

    // This browser stays signed in; the other one is signed out.
    await here.page.goto("/incidents");
    await expect(here.page.getByRole("heading", { level: 1, name: "Incidents" })).toBeVisible();
    await elsewhere.page.goto("/incidents");
    await expectLoginPage(elsewhere.page);

    await submitLogin(elsewhere.page, sam.email, sam.password);
    await expect(elsewhere.page.getByRole("form", { name: "Sign in" }).getByRole("alert")).toHaveText(WRONG);
    await signInThroughForm(elsewhere.page, sam.email, next);
  });

  test("after an admin resets a password, the person is signed out and must choose a new one before anything else works", async ({ page, loginAs, openContext }) => {
    await loginAs(page, "admin");
    const sam = await addUser(page);
    const user = await openContext(null);
    await signInThroughForm(user.page, sam.email, sam.password);

    // The admin resets it; the temporary password is shown once.
    await page.goto("/admin/users");
    const row = page.getByRole("list", { name: "Users" }).getByRole("listitem").filter({ hasText: sam.email });
    page.once("dialog", (d) => void d.accept());
    await row.getByRole("button", { name: "Reset password" }).click();
    const box = row.getByRole("region", { name: `Temporary password for ${sam.email}` });
    await expect(box.getByRole("status")).toHaveText(`Password of ${sam.email} reset; they are signed out everywhere.`);
    const temporary = await box.getByLabel("Temporary password").inputValue();
    expect(temporary.length).toBeGreaterThanOrEqual(12);
    await page.reload();
    await expect(page.getByRole("region", { name: `Temporary password for ${sam.email}` })).toHaveCount(0);

    // Their open session has ended, and the old password is gone.
    await user.page.goto("/incidents");
    await expectLoginPage(user.page);
    await submitLogin(user.page, sam.email, sam.password);
    await expect(user.page.getByRole("form", { name: "Sign in" }).getByRole("alert")).toHaveText(WRONG);

    // The temporary password signs in to the password page, and only to it.
    await submitLogin(user.page, sam.email, temporary);
    await expect(user.page).toHaveURL(/\/account\/password$/);
    await expect(user.page.getByRole("heading", { level: 1, name: "Choose a new password" })).toBeVisible();
    for (const path of ["/", "/incidents", "/account", "/admin/users", "/login"]) {
      await user.page.goto(path);
      await expect(user.page).toHaveURL(/\/account\/password$/);
    }
    // A server action sent with this session is refused: here, the admin's "Add user", replayed.
    const captured = await captureServerAction(page, async () => {
      await page.goto("/admin/users");
      await page.getByRole("form", { name: "Add user" }).getByLabel("Name").fill("Never Added");
      await page.getByRole("form", { name: "Add user" }).getByLabel("Email").fill(`never-${uid()}@example.test`);
      await page.getByRole("form", { name: "Add user" }).getByLabel("Initial password").fill("never-used-password");
      await page.getByRole("form", { name: "Add user" }).getByRole("button", { name: "Add user" }).click();
    });
    const refused = await replayServerAction(user.request, captured);
    expect(refused.body).toContain("Choose a new password first");

    const mine = `my-own-password-${uid()}`;
    await changePassword(user.page, temporary, mine);
    await expect(user.page.getByRole("heading", { name: "Command board" })).toBeVisible();
    await user.page.goto("/incidents");
    await expect(user.page.getByRole("heading", { level: 1, name: "Incidents" })).toBeVisible();
    await user.page.goto("/account/password");
    await expect(user.page).toHaveURL(/\/account$/);

    // The temporary password stops working.
    const again = await openContext(null);
    await submitLogin(again.page, sam.email, temporary);
    await expect(again.page.getByRole("form", { name: "Sign in" }).getByRole("alert")).toHaveText(WRONG);
  });
});

test.describe("where sign-in leads", () => {
  for (const callbackUrl of ["/\\evil.example", "//evil.example", "https://evil.example/", "/\t/evil.example", "javascript:alert(1)"]) {
    test(`callbackUrl ${JSON.stringify(callbackUrl)} lands on Rollcall's board`, async ({ openContext, baseURL }) => {
      const { page } = await openContext(null);
      await page.goto(`/login?callbackUrl=${encodeURIComponent(callbackUrl)}`);
      await page.getByLabel("Email").fill(USERS.viewer.email);
      await page.getByLabel("Password").fill(DEMO_PASSWORD);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect(page.getByRole("heading", { name: "Command board" })).toBeVisible();
      expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
    });
  }

  test("a path on Rollcall is kept", async ({ openContext }) => {
    const { page } = await openContext(null);
    await page.goto(`/login?callbackUrl=${encodeURIComponent("/incidents?severity=HIGH")}`);
    await page.getByLabel("Email").fill(USERS.viewer.email);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/incidents\?severity=HIGH$/);
  });
});
