import type { Page } from "@playwright/test";
import { expect, test, uid, USERS, DEMO_PASSWORD } from "./fixtures";

// Admin settings and contacts. The status-page switch is put back to public in `finally`, so a
// failure here cannot leave the other specs (status.spec.ts) facing a sign-in-only page.

async function setVisibility(page: Page, label: "Public" | "Signed-in users only") {
  await page.goto("/admin/settings");
  const form = page.getByRole("form", { name: "Status page visibility" });
  await form.getByRole("radio", { name: new RegExp(`^${label}`) }).check();
  await form.getByRole("button", { name: "Save visibility" }).click();
  await expect(form.getByRole("status")).toContainText(label === "Public" ? "public" : "signed-in users only");
}

test.describe("status page visibility", () => {
  test("an admin makes the status page sign-in only: signed-out visitors are sent to login (HTML) or get 401 (JSON, feed); then public again", async ({ page, loginAs, openContext }) => {
    await loginAs(page, "admin");
    await page.goto("/admin/settings");
    await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
    await expect(page.getByTestId("status-visibility")).toHaveText("public");

    const watching = await openContext(null);
    await watching.page.goto("/status");
    await expect(watching.page.getByRole("heading", { level: 1, name: "Service status" })).toBeVisible();
    await expect(watching.page.getByTestId("public-live")).toHaveAttribute("data-status", "live");

    try {
      await setVisibility(page, "Signed-in users only");
      await page.reload();
      await expect(page.getByTestId("status-visibility")).toHaveText("signed-in users only");
      // The open status page of a signed-out visitor loses its socket at once and goes to the login page.
      await expect(watching.page).toHaveURL(/\/login\?callbackUrl=%2Fstatus$/);
      await expect(watching.page.getByRole("heading", { name: "Service status" })).toHaveCount(0);

      const visitor = await openContext(null);
      await visitor.page.goto("/status");
      await expect(visitor.page).toHaveURL(/\/login\?callbackUrl=%2Fstatus$/);
      await expect(visitor.page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
      const api = await visitor.request.get("/api/status");
      expect(api.status()).toBe(401);
      expect(await api.text()).not.toContain("services");
      const feed = await visitor.request.get("/status/feed.xml");
      expect(feed.status()).toBe(401);
      expect(await feed.text()).not.toContain("<feed");

      // Signing in from there comes back to the status page.
      await visitor.page.getByLabel("Email").fill(USERS.viewer.email);
      await visitor.page.getByLabel("Password").fill(DEMO_PASSWORD);
      await visitor.page.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect(visitor.page).toHaveURL(/\/status$/);
      await expect(visitor.page.getByRole("heading", { level: 1, name: "Service status" })).toBeVisible();
      await expect(visitor.page.getByTestId("public-live")).toHaveAttribute("data-status", "live");
      expect((await visitor.request.get("/api/status")).status()).toBe(200);
      expect((await visitor.request.get("/status/feed.xml")).status()).toBe(200);

      await setVisibility(page, "Public");
      const again = await openContext(null);
      const res = await again.page.goto("/status");
      expect(res?.status()).toBe(200);
      await expect(again.page.getByRole("heading", { level: 1, name: "Service status" })).toBeVisible();
      await expect(again.page.getByTestId("public-live")).toHaveAttribute("data-status", "live");
      expect((await again.request.get("/api/status")).status()).toBe(200);
      expect((await again.request.get("/status/feed.xml")).status()).toBe(200);
    } finally {
      await setVisibility(page, "Public");
    }
  });
});

test.describe("contacts and the escalation path", () => {
  test("an admin adds a contact and puts them on the escalation path; mistakes keep what was typed", async ({ page, loginAs }) => {
    await loginAs(page, "admin");
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByText("Admin", { exact: true }).click();
    await nav.getByRole("link", { name: "Contacts" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Contacts and escalation" })).toBeVisible();
    const list = page.getByRole("list", { name: "Contacts" });
    for (const name of ["On-Call Engineer", "DevOps Lead", "CTO", "CEO"]) await expect(list.getByText(name, { exact: true })).toBeVisible();
    await expect(list).toContainText("+1-555-0201");
    const source = page.getByTestId("path-source");
    await expect(source).toContainText(/In use: version (\d+), saved by/);
    const before = Number(/version (\d+)/.exec((await source.textContent()) ?? "")?.[1]);

    const name = `Nia Night-shift ${uid()}`;
    const add = page.getByRole("form", { name: "Add contact" });
    await add.getByLabel("Name").fill(name);
    await add.getByLabel("Role or title").fill("Site reliability engineer");
    await add.getByLabel("Email", { exact: true }).fill("nia-at-example");
    await add.getByLabel("Phone").fill("+1-555-0177");
    await add.getByRole("button", { name: "Add contact" }).click();
    await expect(add.locator("#new-contact-email-error")).toHaveText("Enter a valid email address, or leave it empty.");
    await expect(add.getByLabel("Name")).toHaveValue(name);
    await expect(add.getByLabel("Phone")).toHaveValue("+1-555-0177");
    await add.getByLabel("Email", { exact: true }).fill("nia@example.com");
    await add.getByRole("button", { name: "Add contact" }).click();
    await expect(add.getByRole("status")).toHaveText(`Added ${name}.`);
    await expect(list.getByText(name, { exact: true })).toBeVisible();
    await expect(list.getByRole("listitem").filter({ hasText: name })).toContainText(`No active channel: escalations to ${name} are recorded as not delivered.`);

    const path = page.getByRole("form", { name: "Escalation path" });
    const step2 = path.getByRole("listitem", { name: "Step 2" });
    const step3 = path.getByRole("listitem", { name: "Step 3" });
    await step2.getByRole("checkbox", { name }).check();
    await step3.getByLabel("After (minutes)").fill("10");
    await step3.getByLabel("Step name").fill("Chief technology officer");
    await path.getByRole("button", { name: "Save escalation path" }).click();
    await expect(path.getByRole("alert").first()).toBeVisible();
    await expect(step3.getByRole("alert")).toHaveText("Must be later than step 2 (15 min).");
    await expect(step2.getByRole("checkbox", { name })).toBeChecked();
    await expect(step3.getByLabel("Step name")).toHaveValue("Chief technology officer");
    await expect(step3.getByLabel("After (minutes)")).toHaveValue("10");

    await step3.getByLabel("After (minutes)").fill("30");
    await path.getByRole("button", { name: "Save escalation path" }).click();
    await expect(path.getByRole("status")).toHaveText(`Saved as version ${before + 1}. Escalations use it from now on.`);
    await expect(source).toContainText(`In use: version ${before + 1}, saved by ${USERS.admin.name}`);
    await expect(page.getByRole("list", { name: "Saved versions" })).toContainText(`Version ${before + 1} by ${USERS.admin.name}`);
    await expect(path.getByRole("listitem", { name: "Step 2" }).getByRole("checkbox", { name })).toBeChecked();

    // On the path, the contact cannot be deleted.
    page.once("dialog", (d) => void d.accept());
    const item = list.getByRole("listitem").filter({ hasText: name });
    await item.getByRole("form", { name: `Delete ${name}` }).getByRole("button", { name: "Delete" }).click();
    await expect(item.getByRole("alert")).toContainText(`${name} is on the escalation path (step 2, DevOps lead)`);

    // Put the demo path back (step 3 name, no extra contact) so other specs see the seed's path.
    await path.getByRole("listitem", { name: "Step 2" }).getByRole("checkbox", { name }).uncheck();
    await path.getByRole("listitem", { name: "Step 3" }).getByLabel("Step name").fill("CTO");
    await path.getByRole("button", { name: "Save escalation path" }).click();
    await expect(path.getByRole("status")).toHaveText(`Saved as version ${before + 2}. Escalations use it from now on.`);
    page.once("dialog", (d) => void d.accept());
    await item.getByRole("form", { name: `Delete ${name}` }).getByRole("button", { name: "Delete" }).click();
    await expect(list.getByText(name, { exact: true })).toHaveCount(0);
  });
});
