import { DEMO_PASSWORD, ROLES, USERS, expect, expectLive, signInThroughForm, submitLogin, test } from "./fixtures";

test.describe("signing in", () => {
  for (const role of ROLES) {
    test(`${role} signs in through the form and sees the board with their role`, async ({ page }) => {
      await signInThroughForm(page, USERS[role].email, DEMO_PASSWORD);
      await expect(page).toHaveURL(/\/$/);
      const banner = page.getByRole("banner");
      await expect(banner.getByText(USERS[role].name, { exact: true })).toBeVisible();
      await expect(banner.getByText(USERS[role].label, { exact: true })).toBeVisible();
      await expectLive(page);
      const nav = page.getByRole("navigation", { name: "Main" });
      for (const link of ["Board", "Incidents", "Services"]) await expect(nav.getByRole("link", { name: link, exact: true })).toBeVisible();
      // Counted hidden or not: the admin links sit in the closed "Admin" disclosure.
      await expect(nav.getByRole("link", { name: "Users", exact: true, includeHidden: true })).toHaveCount(role === "admin" ? 1 : 0);
      const mayDeclare = role === "oncall" || role === "teamlead" || role === "admin";
      await expect(page.getByRole("link", { name: "Declare incident" })).toHaveCount(mayDeclare ? 1 : 0);
    });
  }

  test("a wrong password shows an error and stays on the login page", async ({ page }) => {
    await submitLogin(page, USERS.oncall.email, "not-the-password");
    await expect(page.getByRole("form", { name: "Sign in" }).getByRole("alert")).toContainText("Wrong email or password");
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByRole("heading", { name: "Command board" })).toHaveCount(0);
    // The real password still works afterwards: one failure does not lock the account.
    await signInThroughForm(page, USERS.oncall.email, DEMO_PASSWORD);
  });

  test("a signed-out visit to /incidents is sent to the login page", async ({ page }) => {
    await page.goto("/incidents");
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Incidents" })).toHaveCount(0);
  });

  test("the login page shows the demo accounts, marked DEMO", async ({ page }) => {
    await page.goto("/login");
    const hint = page.getByRole("complementary", { name: "Demo accounts" });
    await expect(hint).toBeVisible();
    await expect(hint).toContainText("DEMO");
    await expect(hint).toContainText(DEMO_PASSWORD);
    for (const role of ROLES) await expect(hint).toContainText(USERS[role].email);
  });

  // Signing out: e2e/sessions.spec.ts (with its own session: signing out ends only that one).
});
