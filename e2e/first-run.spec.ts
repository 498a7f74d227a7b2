import type { Page } from "@playwright/test";
import { captureServerAction, expect, replayServerAction, test, uid } from "./fixtures";
import { shoot } from "./shots";

// The admin's first-run checklist on the board, the policy review on /matrix that ticks one of its
// items, and the /incidents empty state for filters that match nothing. The server runs the demo
// data: services, contacts, an escalation path and a user per role exist; no policy review does.

const ITEMS = [
  { id: "services", name: "Add your services", href: "/services" },
  { id: "matrix", name: "Check the decision matrix", href: "/matrix" },
  { id: "channel", name: "Add a channel and send a test message", href: "/admin/channels" },
  { id: "contacts", name: "Add contacts and the escalation path", href: "/admin/contacts" },
  { id: "team", name: "Invite your team", href: "/admin/users" },
  { id: "drill", name: "Run a drill", href: "/runbooks" },
] as const;

const checklist = (page: Page) => page.getByRole("region", { name: "First-run checklist" });
const item = (page: Page, id: string) => checklist(page).locator(`li[data-item="${id}"]`);

async function doneCount(page: Page): Promise<number> {
  const text = await checklist(page).getByTestId("checklist-progress").textContent();
  const m = /^(\d) of 6 done$/.exec(text ?? "");
  expect(m, `progress text "${text}"`).not.toBeNull();
  return Number(m![1]);
}

test.describe("first-run checklist", () => {
  test("admins see it with a link to each item's page and the done ones ticked; other roles never see it", async ({ page, loginAs, openContext }) => {
    await loginAs(page, "admin");
    const list = checklist(page);
    await expect(list).toBeVisible();
    for (const i of ITEMS) await expect(list.getByRole("link", { name: i.name, exact: true })).toHaveAttribute("href", i.href);
    await expect(list.getByText("or point SERVICES_FILE at a catalogue file")).toBeVisible();

    // The demo has services; nobody has reviewed the policy yet.
    await expect(item(page, "services")).toHaveAttribute("data-done", "true");
    await expect(item(page, "services").getByText("Done:")).toBeAttached();
    await expect(item(page, "matrix")).toHaveAttribute("data-done", "false");
    await expect(item(page, "matrix").getByText("To do:")).toBeAttached();
    await expect(item(page, "matrix")).toContainText("make sure those rules are yours");
    const done = await doneCount(page);
    expect(done).toBeLessThan(6);
    await expect(list.getByRole("progressbar", { name: "Setup progress" })).toHaveAttribute("aria-valuenow", String(done));
    await expect(list.locator('li[data-done="true"]')).toHaveCount(done);

    // The item's link goes to its page.
    await list.getByRole("link", { name: "Run a drill", exact: true }).click();
    await expect(page).toHaveURL(/\/runbooks$/);
    await expect(page.getByRole("heading", { level: 1, name: "Runbooks" })).toBeVisible();

    for (const role of ["viewer", "oncall", "teamlead", "productowner"] as const) {
      const other = await openContext(role);
      await other.page.goto("/");
      await expect(other.page.getByRole("heading", { level: 1, name: "Command board" })).toBeVisible();
      await expect(checklist(other.page)).toHaveCount(0);
      await expect(other.page.getByText("Set up Rollcall")).toHaveCount(0);
    }
  });

  test("on a 390 px phone it fits the width and folds away", async ({ openContext }) => {
    for (const colorScheme of ["light", "dark"] as const) {
      const { page } = await openContext("admin", { viewport: { width: 390, height: 844 }, colorScheme });
      await page.goto("/");
      await expect(checklist(page)).toBeVisible();
      await shoot(page, `first-run-board-390-${colorScheme}.png`, colorScheme);
      const link = checklist(page).getByRole("link", { name: "Check the decision matrix" });
      await expect(link).toBeVisible();
      await checklist(page).getByText("Set up Rollcall").click();
      await expect(link).toBeHidden();
      await expect(checklist(page).getByTestId("checklist-progress")).toBeVisible();
    }
  });

  test("marking the policy as reviewed on /matrix ticks its item on the board; a viewer's replay of the action is refused", async ({ page, loginAs, openContext }) => {
    await loginAs(page, "admin");
    await expect(item(page, "matrix")).toHaveAttribute("data-done", "false");
    const before = await doneCount(page);

    await checklist(page).getByRole("link", { name: "Check the decision matrix" }).click();
    await expect(page).toHaveURL(/\/matrix$/);
    const version = /version (\w+)/.exec((await page.getByText(/· version \w+ ·/).textContent()) ?? "")![1]!;
    const review = page.getByRole("form", { name: "Policy review" });
    await expect(page.getByTestId("policy-review-status")).toHaveText("No administrator has marked this policy as reviewed yet.");
    await expect(review).toContainText(`You are looking at version ${version}`);

    // Someone without settings.manage replaying the admin's request changes nothing.
    const viewer = await openContext("viewer");
    const captured = await captureServerAction(page, () => review.getByRole("button", { name: "Mark this policy as reviewed" }).click());
    const refused = await replayServerAction(viewer.request, captured);
    expect(refused.body).toContain("may not");
    expect(refused.body).toContain("settings.manage");
    await viewer.page.goto("/matrix");
    await expect(viewer.page.getByTestId("policy-review-status")).toHaveText("No administrator has marked this policy as reviewed yet.");
    await expect(viewer.page.getByRole("button", { name: "Mark this policy as reviewed" })).toHaveCount(0);

    await page.reload();
    await page.getByRole("form", { name: "Policy review" }).getByRole("button", { name: "Mark this policy as reviewed" }).click();
    await expect(page.getByRole("form", { name: "Policy review" }).getByRole("status")).toHaveText(`Marked version ${version} as reviewed.`);
    await expect(page.getByTestId("policy-review-status")).toContainText(`Reviewed by Ada Admin at `);
    await expect(page.getByTestId("policy-review-status")).toContainText(`(version ${version}).`);
    await expect(page.getByTestId("policy-review-status")).toHaveText(/at \d{1,2}:\d{2}/);
    await viewer.page.reload();
    await expect(viewer.page.getByTestId("policy-review-status")).toContainText(`Reviewed by Ada Admin at`);

    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1, name: "Command board" })).toBeVisible();
    if (before === 5) {
      // The review was the last item missing: the checklist is done and gone.
      await expect(checklist(page)).toHaveCount(0);
    } else {
      await expect(item(page, "matrix")).toHaveAttribute("data-done", "true");
      expect(await doneCount(page)).toBe(before + 1);
    }
  });
});

test.describe("empty states", () => {
  test("/incidents with filters that match nothing says so and offers to clear them", async ({ page, loginAs }) => {
    await loginAs(page, "oncall");
    await page.goto(`/incidents?q=${encodeURIComponent(`nothing-matches-${uid()}`)}&severity=LOW`);
    const empty = page.getByTestId("incidents-no-match");
    await expect(empty).toContainText("No incidents match these filters.");
    await expect(page.getByTestId("incidents-empty")).toHaveCount(0);
    await expect(page.getByRole("list", { name: "Incidents" })).toHaveCount(0);
    await empty.getByRole("link", { name: "clear filters" }).click();
    await expect(page).toHaveURL(/\/incidents$/);
    await expect(page.getByRole("list", { name: "Incidents" }).getByRole("link").first()).toBeVisible();
    await expect(page.getByTestId("incidents-no-match")).toHaveCount(0);
  });
});
