import type { Page } from "@playwright/test";
import { expect, expectLive, expectNotReloaded, markDocument, signInThroughForm, submitLogin, test, uid } from "./fixtures";

async function addUser(admin: Page, user: { name: string; email: string; role: string; password: string }) {
  await admin.goto("/admin/users");
  const form = admin.getByRole("form", { name: "Add user" });
  await form.getByLabel("Name").fill(user.name);
  await form.getByLabel("Email").fill(user.email);
  await form.getByLabel("Role").selectOption(user.role);
  await form.getByLabel("Initial password").fill(user.password);
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByRole("status")).toHaveText(`Added ${user.email}.`);
  // The form clears after a success so the next user starts from a blank form.
  await expect(form.getByLabel("Email")).toHaveValue("");
}

test.describe("user administration", () => {
  test("an administrator adds a user who can then sign in with the new role", async ({ page, loginAs, openContext }) => {
    const suffix = uid();
    const user = { name: `Nina New ${suffix}`, email: `nina-${suffix}@example.test`, role: "teamlead", password: `initial-pass-${suffix}` };
    await loginAs(page, "admin");
    await addUser(page, user);
    const row = page.getByRole("list", { name: "Users" }).getByRole("listitem").filter({ hasText: user.email });
    await expect(row).toContainText(user.name);
    await expect(row).toContainText("Team lead");

    const fresh = await openContext(null);
    await signInThroughForm(fresh.page, user.email, user.password);
    const banner = fresh.page.getByRole("banner");
    await expect(banner.getByText(user.name, { exact: true })).toBeVisible();
    await expect(banner.getByText("Team lead", { exact: true })).toBeVisible();
    await expect(fresh.page.getByRole("link", { name: "Declare incident" })).toBeVisible();
  });

  test("a duplicate email is refused and the form keeps what was typed (but not the password)", async ({ page, loginAs }) => {
    await loginAs(page, "admin");
    await page.goto("/admin/users");
    const form = page.getByRole("form", { name: "Add user" });
    await form.getByLabel("Name").fill("Second Omar");
    await form.getByLabel("Email").fill("oncall@rollcall.demo");
    await form.getByLabel("Initial password").fill("another-password-1");
    await form.getByRole("button", { name: "Add user" }).click();
    await expect(page.locator("#email-error")).toHaveText("Already in use.");
    await expect(form.getByLabel("Name")).toHaveValue("Second Omar");
    await expect(form.getByLabel("Email")).toHaveValue("oncall@rollcall.demo");
    await expect(form.getByLabel("Initial password")).toHaveValue("");
  });

  test("deactivating a user who has the board open sends them to the login page and locks them out", async ({ page, loginAs, openContext }) => {
    const suffix = uid();
    const user = { name: `Dora Doomed ${suffix}`, email: `dora-${suffix}@example.test`, role: "oncall", password: `initial-pass-${suffix}` };
    await loginAs(page, "admin");
    await addUser(page, user);

    const victim = await openContext(null);
    await signInThroughForm(victim.page, user.email, user.password);
    await expectLive(victim.page);
    await markDocument(victim.page);

    await page.reload();
    const row = page.getByRole("list", { name: "Users" }).getByRole("listitem").filter({ hasText: user.email });
    const confirms: string[] = [];
    page.once("dialog", (d) => {
      confirms.push(d.message());
      void d.accept();
    });
    await row.getByRole("button", { name: "Deactivate" }).click();
    await expect(row.getByRole("status")).toHaveText("Deactivated; their sessions were ended.");
    expect(confirms).toEqual([expect.stringContaining(`Deactivate ${user.name}?`)]);
    await expect(row).toContainText("Deactivated");
    await expect(row.getByRole("button", { name: "Reactivate" })).toBeVisible();

    // Pushed by the socket (session:ended), not by the victim doing anything.
    await expect(victim.page).toHaveURL(/\/login/, { timeout: 5_000 });
    await expect(victim.page.getByRole("form", { name: "Sign in" }).getByRole("alert")).toContainText("Sign in to continue.");
    await expectNotReloaded(victim.page);
    // Their old cookie no longer opens any page either.
    await victim.page.goto("/");
    await expect(victim.page).toHaveURL(/\/login/);

    await submitLogin(victim.page, user.email, user.password);
    await expect(victim.page.getByRole("form", { name: "Sign in" }).getByRole("alert")).toContainText("Wrong email or password, or the account is deactivated.");
    await expect(victim.page).toHaveURL(/\/login/);
  });

  test("an administrator cannot deactivate themselves", async ({ page, loginAs }) => {
    await loginAs(page, "admin");
    await page.goto("/admin/users");
    const own = page.getByRole("list", { name: "Users" }).getByRole("listitem").filter({ hasText: "admin@rollcall.demo" });
    await expect(own).toBeVisible();
    await expect(own.getByRole("button", { name: "Deactivate" })).toHaveCount(0);
  });
});
