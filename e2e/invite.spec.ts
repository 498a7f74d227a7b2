import type { Page } from "@playwright/test";
import { captureServerAction, expect, expectUniqueIds, replayServerAction, submitLogin, test, uid, USERS } from "./fixtures";
import { shoot, type Scheme } from "./shots";

const NOT_VALID = "This invitation link is not valid any more: ask an administrator for a new one.";
const WRONG = "Wrong email or password, or the account is deactivated.";

type Invitee = { name: string; email: string; role: string };

function invitee(role = "oncall"): Invitee {
  const suffix = uid();
  return { name: `Ivy Invited ${suffix}`, email: `ivy-${suffix}@example.test`, role };
}

/** Invites through the form on /admin/users and returns the link the page shows once. */
async function invite(admin: Page, who: Invitee): Promise<string> {
  await admin.goto("/admin/users");
  const form = admin.getByRole("form", { name: "Invite user" });
  await form.getByLabel("Name").fill(who.name);
  await form.getByLabel("Email").fill(who.email);
  await form.getByLabel("Role").selectOption(who.role);
  await form.getByRole("button", { name: "Invite user" }).click();
  const box = admin.getByRole("region", { name: `Invitation link for ${who.email}` });
  await expect(box.getByRole("status")).toHaveText(`Invited ${who.email}.`);
  await expect(box).toContainText("It is shown only once and expires in 7 days.");
  await expect(box.getByRole("button", { name: "Copy link" })).toBeVisible();
  // The form is blank again for the next person.
  await expect(form.getByLabel("Email")).toHaveValue("");
  return box.getByLabel("Invitation link").inputValue();
}

function row(admin: Page, email: string) {
  return admin.getByRole("list", { name: "Users" }).getByRole("listitem").filter({ hasText: email });
}

async function choosePassword(page: Page, password: string, confirm = password) {
  const form = page.getByRole("form", { name: "Choose a password" });
  await form.getByLabel("Password", { exact: true }).fill(password);
  await form.getByLabel("Confirm password").fill(confirm);
  await form.getByRole("button", { name: "Set password" }).click();
}

test.describe("invitations", () => {
  test("an admin invites an on-call engineer, who sets a password from the link and signs in; the link then stops working", async ({
    page,
    loginAs,
    openContext,
    baseURL,
  }) => {
    const who = invitee("oncall");
    const password = `chosen-by-ivy-${uid()}`;
    await loginAs(page, "admin");
    const link = await invite(page, who);
    expect(link).toMatch(new RegExp(`^${baseURL}/invite/[A-Za-z0-9_-]{43}$`));
    await expect(row(page, who.email)).toContainText("On-call engineer");
    await expect(row(page, who.email)).toContainText("Invitation pending, expires in 7 days");

    const guest = await openContext(null);
    // Before accepting, the account fails to sign in exactly like a wrong password would.
    await submitLogin(guest.page, who.email, password);
    await expect(guest.page.getByRole("form", { name: "Sign in" }).getByRole("alert")).toHaveText(WRONG);

    await guest.page.goto(link);
    await expect(guest.page.getByText(`Welcome, ${who.name}: you were invited as On-call engineer.`)).toBeVisible();
    const form = guest.page.getByRole("form", { name: "Choose a password" });
    await expect(form.getByLabel("Email")).toHaveValue(who.email);

    // A mismatch is caught next to the field, and does not use the link up.
    await choosePassword(guest.page, password, `${password}-typo`);
    await expect(guest.page.locator("#confirm-error")).toHaveText("The two passwords differ.");
    await choosePassword(guest.page, password);

    await expect(guest.page).toHaveURL(/\/login\?/);
    const url = new URL(guest.page.url());
    expect(url.searchParams.get("email")).toBe(who.email);
    const signIn = guest.page.getByRole("form", { name: "Sign in" });
    await expect(signIn.getByRole("status")).toHaveText("Password set; sign in.");
    await expect(signIn.getByLabel("Email")).toHaveValue(who.email);
    await signIn.getByLabel("Password").fill(password);
    await signIn.getByRole("button", { name: "Sign in", exact: true }).click();

    await expect(guest.page.getByRole("heading", { name: "Command board" })).toBeVisible();
    const banner = guest.page.getByRole("banner");
    await expect(banner.getByText(who.name, { exact: true })).toBeVisible();
    await expect(banner.getByText("On-call engineer", { exact: true })).toBeVisible();
    await expect(guest.page.getByRole("link", { name: "Declare incident" })).toBeVisible();
    await expect(guest.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Approvals" })).toBeVisible();
    await expect(guest.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })).toHaveCount(0);

    // The link was for one use only.
    await guest.page.goto(link);
    await expect(guest.page.getByRole("alert", { name: "Invitation not valid" })).toContainText(NOT_VALID);
    await expect(guest.page.getByRole("form", { name: "Choose a password" })).toHaveCount(0);
    await expect(guest.page.getByText(who.name)).toHaveCount(0);

    await page.reload();
    await expect(row(page, who.email)).not.toContainText("Invitation pending");
    await expect(row(page, who.email).getByRole("button", { name: "Deactivate" })).toBeVisible();
  });

  test("a new link replaces the old one, and revoking kills it and deactivates the account", async ({ page, loginAs, openContext }) => {
    const who = invitee("productowner");
    await loginAs(page, "admin");
    const first = await invite(page, who);
    await page.reload();

    const r = row(page, who.email);
    await r.getByRole("button", { name: "New link" }).click();
    const box = r.getByRole("region", { name: `Invitation link for ${who.email}` });
    await expect(box.getByRole("status")).toHaveText("New link created; the old one no longer works.");
    const second = await box.getByLabel("Invitation link").inputValue();
    expect(second).not.toBe(first);

    const guest = await openContext(null);
    await guest.page.goto(first);
    await expect(guest.page.getByRole("alert", { name: "Invitation not valid" })).toContainText(NOT_VALID);
    await guest.page.goto(second);
    await expect(guest.page.getByText(`Welcome, ${who.name}: you were invited as Product owner.`)).toBeVisible();

    const confirms: string[] = [];
    page.once("dialog", (d) => {
      confirms.push(d.message());
      void d.accept();
    });
    await r.getByRole("button", { name: "Revoke invitation" }).click();
    await expect(r).toContainText("Deactivated");
    await expect(r).not.toContainText("Invitation pending");
    expect(confirms).toEqual([expect.stringContaining(`Revoke the invitation for ${who.name}?`)]);

    // A page opened before the revocation cannot use the link either.
    await choosePassword(guest.page, `too-late-${uid()}`);
    await expect(guest.page.getByRole("alert", { name: "Invitation not valid" })).toContainText(NOT_VALID);
    await guest.page.goto(second);
    await expect(guest.page.getByRole("alert", { name: "Invitation not valid" })).toContainText(NOT_VALID);
  });

  test("inviting an email already in use says so next to the field and keeps what was typed", async ({ page, loginAs }) => {
    await loginAs(page, "admin");
    await page.goto("/admin/users");
    await expectUniqueIds(page);
    const form = page.getByRole("form", { name: "Invite user" });
    await form.getByLabel("Name").fill("Omar Again");
    await form.getByLabel("Email").fill(USERS.oncall.email);
    await form.getByRole("button", { name: "Invite user" }).click();
    await expect(page.locator("#invite-email-error")).toHaveText("Already in use.");
    await expect(form.getByLabel("Name")).toHaveValue("Omar Again");
    await expect(form.getByLabel("Email")).toHaveValue(USERS.oncall.email);
    await expect(page.getByRole("region", { name: /Invitation link/ })).toHaveCount(0);
  });

  test("a viewer cannot see /admin/users nor invite by calling the action directly", async ({ page, loginAs, openContext }) => {
    const viewer = await openContext("viewer");
    await viewer.page.goto("/");
    await expect(viewer.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })).toHaveCount(0);
    await viewer.page.goto("/admin/users");
    await expect(viewer.page.getByRole("heading", { name: "Administrators only" })).toBeVisible();
    await expect(viewer.page.getByRole("form", { name: "Invite user" })).toHaveCount(0);

    const who = invitee("admin");
    await loginAs(page, "admin");
    await page.goto("/admin/users");
    const form = page.getByRole("form", { name: "Invite user" });
    await form.getByLabel("Name").fill(who.name);
    await form.getByLabel("Email").fill(who.email);
    await form.getByLabel("Role").selectOption("admin");
    const action = await captureServerAction(page, () => form.getByRole("button", { name: "Invite user" }).click());

    const refused = await replayServerAction(viewer.request, action);
    expect(refused.body).toContain("may not");
    expect(refused.body).toContain("user.manage");
    expect(refused.body).not.toContain("/invite/");
    await page.goto("/admin/users");
    await expect(page.getByRole("list", { name: "Users" })).toBeVisible();
    await expect(page.getByText(who.email)).toHaveCount(0);
  });

  for (const colorScheme of ["light", "dark"] as const satisfies Scheme[]) {
    test(`the invitation pages fit a 390 px phone (${colorScheme})`, async ({ page, loginAs, openContext }) => {
      await loginAs(page, "admin");
      await page.setViewportSize({ width: 390, height: 844 });
      await page.emulateMedia({ colorScheme });
      const who = invitee("teamlead");
      const link = await invite(page, who);
      await shoot(page, `invite-admin-390-${colorScheme}.png`, colorScheme);

      const guest = await openContext(null, { viewport: { width: 390, height: 844 }, colorScheme });
      await guest.page.goto(link);
      await expect(guest.page.getByRole("form", { name: "Choose a password" })).toBeVisible();
      await shoot(guest.page, `invite-accept-390-${colorScheme}.png`, colorScheme);
      await guest.page.goto(`/invite/${"x".repeat(43)}`);
      await expect(guest.page.getByRole("alert", { name: "Invitation not valid" })).toContainText(NOT_VALID);
      await shoot(guest.page, `invite-invalid-390-${colorScheme}.png`, colorScheme);
    });
  }
});
