import type { Page } from "@playwright/test";
import { expect, submitLogin, test, uid } from "./fixtures";
import { FIRST_ADMIN } from "./first-admin";
import { addSlackChannel, startSlackReceiver, type SlackReceiver } from "./slack-receiver";
import { shoot } from "./shots";

// Day one in production, on the second e2e server: an empty database, no demo data, the first
// administrator from ADMIN_EMAIL/ADMIN_PASSWORD (as the README's production line starts it).
// The admin adds a service with its RTO/RPO and runbook, a Slack channel (a local receiver) with a
// test message, and invites an on-call engineer, who signs in and declares the first incident.

let receiver: SlackReceiver;
test.beforeAll(async () => {
  receiver = await startSlackReceiver();
});
test.afterAll(async () => {
  await receiver?.close();
});

const checklist = (page: Page) => page.getByRole("region", { name: "First-run checklist" });
const step = (page: Page, id: string) => checklist(page).locator(`li[data-item="${id}"]`);

test("from an empty database to a first declared incident, without the demo", async ({ page, browser, baseURL }) => {
  test.setTimeout(180_000);
  const phone = { width: 390, height: 844 };

  // 1. The first admin signs in: nothing exists yet, and the board says what to do first.
  await submitLogin(page, FIRST_ADMIN.email, FIRST_ADMIN.password);
  await expect(page.getByRole("heading", { name: "Command board" })).toBeVisible();
  await expect(checklist(page)).toBeVisible();
  await expect(step(page, "services").getByText("To do:")).toBeAttached();
  await expect(page.getByText("No services yet.")).toBeVisible();
  await shoot(page, "day-one-1-board-1280-light.png", "light");

  // Declaring cannot work yet, and the page says why instead of showing a form.
  await page.goto("/incidents/new");
  await expect(page.getByRole("heading", { name: "No services to declare an incident against" })).toBeVisible();
  await expect(page.getByRole("form", { name: "Declare incident" })).toHaveCount(0);

  // 2. A service with its recovery objectives and the runbook that rolls it back.
  await page.goto("/services");
  await expect(page.getByRole("heading", { name: "No services yet" })).toBeVisible();
  const form = page.getByRole("form", { name: "Add a service" });
  await expect(form).toBeVisible();
  await form.getByLabel("Name", { exact: true }).fill("Payments API");
  await form.getByLabel("Owner team").fill("Payments");
  await form.getByLabel("Tier").selectOption("Critical");
  await form.getByLabel("RTO (minutes)").fill("15");
  await form.getByLabel("RPO (minutes)").fill("5");
  await form.getByLabel("Last known good version").fill("v1.4.2");
  await form.getByLabel("Public name (optional)").fill("Payments");
  await form.getByLabel("Add a runbook").selectOption("application-only");
  await form.getByLabel("image (production)").fill("registry.example/payments-api");
  await shoot(page, "day-one-2-service-1280-light.png", "light");
  await form.getByRole("button", { name: "Add service" }).click();
  await expect(page.getByRole("form", { name: "Add a service" }).getByRole("status")).toContainText("Payments API added");
  const row = page.getByRole("row", { name: /Payments API/ });
  await expect(row).toContainText("15 min");
  await expect(row).toContainText("5 min");
  await expect(row).toContainText("application-only");

  // 3. A Slack channel pointing at a local receiver, and a test message that really arrives.
  const secret = `day-one-${uid()}`;
  await addSlackChannel(page, receiver.url, "#payments-incidents", secret);
  const channel = page.getByRole("list", { name: "Channels" }).getByRole("listitem").filter({ hasText: "#payments-incidents" });
  await channel.getByRole("button", { name: "Send test message" }).click();
  await expect(channel.getByRole("form", { name: "Test #payments-incidents" }).getByRole("status")).toHaveText("Delivered (HTTP 200).");
  expect(receiver.received.filter((r) => r.path.endsWith(secret))).toHaveLength(1);
  await shoot(page, "day-one-3-channel-1280-light.png", "light");

  // 4. Invite an on-call engineer: the link is shown once.
  const oncall = { name: "Olu On-call", email: `olu-${uid()}@example.test`, password: "correct horse battery staple" };
  await page.goto("/admin/users");
  const invite = page.getByRole("form", { name: "Invite user" });
  await invite.getByLabel("Name").fill(oncall.name);
  await invite.getByLabel("Email").fill(oncall.email);
  await invite.getByLabel("Role").selectOption("oncall");
  await invite.getByRole("button", { name: "Invite user" }).click();
  const box = page.getByRole("region", { name: `Invitation link for ${oncall.email}` });
  const link = await box.getByLabel("Invitation link").inputValue();
  expect(new URL(link).pathname).toMatch(/^\/invite\/[A-Za-z0-9_-]{20,}$/);
  await shoot(page, "day-one-4-invite-1280-light.png", "light");

  // The checklist ticked itself from real data: services and the channel test are done.
  await page.goto("/");
  await expect(step(page, "services").getByText("Done:")).toBeAttached();
  await expect(step(page, "channel").getByText("Done:")).toBeAttached();

  // 5. The on-call engineer, on a phone: accepts the invitation, signs in, declares the first incident.
  const context = await browser.newContext({ baseURL, viewport: phone, colorScheme: "dark" });
  try {
    const guest = await context.newPage();
    await guest.goto(link);
    const accept = guest.getByRole("form", { name: "Choose a password" });
    await accept.getByLabel("Password", { exact: true }).fill(oncall.password);
    await accept.getByLabel("Confirm password").fill(oncall.password);
    await accept.getByRole("button", { name: "Set password" }).click();
    const signIn = guest.getByRole("form", { name: "Sign in" });
    await expect(signIn.getByLabel("Email")).toHaveValue(oncall.email);
    await signIn.getByLabel("Password").fill(oncall.password);
    await signIn.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(guest.getByRole("heading", { name: "Command board" })).toBeVisible();
    await expect(checklist(guest)).toHaveCount(0);

    await guest.goto("/incidents/new");
    const declare = guest.getByRole("form", { name: "Declare incident" });
    await declare.getByLabel("Title").fill("Payments API returns 500 after v1.5.0");
    await declare.getByLabel("Severity").selectOption("HIGH");
    await declare.getByLabel("Describe the trigger").fill("Error rate > 5% for 5 minutes");
    await declare.getByRole("checkbox", { name: "Payments API" }).check();
    await shoot(guest, "day-one-5-declare-390-dark.png", "dark");
    await declare.getByRole("button", { name: "Declare incident" }).click();
    await expect(guest).toHaveURL(/\/incidents\/INC-\d{4}-1$/);
    await expect(guest.getByRole("heading", { level: 1, name: "Payments API returns 500 after v1.5.0" })).toBeVisible();
    // The service's own runbook is offered first for the rollback.
    await expect(guest.getByRole("form", { name: "Request rollback" }).getByLabel("Runbook")).toHaveValue("application-only");
    await shoot(guest, "day-one-6-incident-390-dark.png", "dark");
  } finally {
    await context.close();
  }

  // The admin's board shows the first incident.
  await page.goto("/");
  await expect(page.getByRole("link", { name: "Payments API returns 500 after v1.5.0" })).toBeVisible();
});
