import { captureServerAction, expect, replayServerAction, test } from "./fixtures";

// A plan asks real systems (hosts resolve, clusters, databases, flag stores), so it is a POST for
// people who may start runs. The runbook page shows the runbook to anyone signed in; opening it
// (even with parameters in the address, which used to plan on every GET) plans nothing.

const PAGE = "/runbooks/feature-flag?flag=new-checkout&app_url=http://127.0.0.1:9";

test("a viewer reads the runbook but plans nothing and sees no resolved address; a replayed plan is refused", async ({ page, loginAs, openContext }) => {
  const viewer = await openContext("viewer");
  await viewer.page.goto(PAGE);
  await expect(viewer.page.getByRole("heading", { level: 1, name: "Feature-specific rollback (turn a flag off)" })).toBeVisible();
  await expect(viewer.page.getByRole("region", { name: "Steps" })).toContainText("Turn {{ params.flag }} off (feature-flag, idempotent)");
  await expect(viewer.page.getByRole("region", { name: "Parameters" })).toContainText("may point to {{ env.APP_URL }}");
  await expect(viewer.page.getByRole("form", { name: "Plan this runbook" })).toHaveCount(0);
  await expect(viewer.page.getByRole("region", { name: "Plan" })).toHaveCount(0);
  const main = viewer.page.getByRole("main");
  await expect(main).toContainText("Planning a runbook checks real systems");
  await expect(main).not.toContainText("resolves");
  await expect(main).not.toContainText("127.0.0.1 is");

  // The on-call engineer's GET of the same address plans nothing either: the form is filled in.
  await loginAs(page, "oncall");
  await page.goto(PAGE);
  const form = page.getByRole("form", { name: "Plan this runbook" });
  await expect(form.getByLabel("app_url", { exact: true })).toHaveValue("http://127.0.0.1:9");
  await expect(page.getByRole("region", { name: "Plan" })).toHaveCount(0);
  await expect(page.getByRole("main")).not.toContainText("resolves");

  // Sent, it plans: the flag store is read and the application's host is resolved.
  await form.getByRole("button", { name: "Plan", exact: true }).click();
  const plan = page.getByRole("region", { name: "Plan" });
  await expect(plan).toContainText("Plan for production (no side effects)");
  await expect(plan).toContainText("POST http://127.0.0.1:9/admin/cache/clear");
  await expect(plan).toContainText("ok url host resolves: 127.0.0.1 is 127.0.0.1");
  await expect(plan).toContainText("ok flag exists: new-checkout is");
  await expect(page.getByRole("form", { name: "Plan this runbook" }).getByLabel("app_url", { exact: true })).toHaveValue("http://127.0.0.1:9");

  // The same POST with the viewer's cookies is refused and returns no plan.
  const captured = await captureServerAction(page, () => page.getByRole("form", { name: "Plan this runbook" }).getByRole("button", { name: "Plan", exact: true }).click());
  const refused = await replayServerAction(viewer.request, captured);
  expect(refused.body).toContain("may not");
  expect(refused.body).toContain("run.start");
  expect(refused.body).not.toContain("resolves");
  const allowed = await replayServerAction((await openContext("oncall")).request, captured);
  expect(allowed.body).toContain("127.0.0.1 is 127.0.0.1");
});

test("a url parameter outside the runbook's allowed list is refused next to the field, naming where it may point", async ({ page, loginAs }) => {
  await loginAs(page, "teamlead");
  await page.goto("/runbooks/feature-flag");
  const form = page.getByRole("form", { name: "Plan this runbook" });
  await form.getByLabel("flag", { exact: true }).fill("new-checkout");
  await form.getByLabel("app_url", { exact: true }).fill("http://localhost:9/?x=");
  await form.getByRole("button", { name: "Plan", exact: true }).click();
  await expect(form.getByRole("alert").filter({ hasText: "app_url may only point to" })).toContainText("app_url may only point to http://127.0.0.1:9 in production; http://localhost:9 is not allowed");
  await expect(form.getByLabel("app_url", { exact: true })).toHaveValue("http://localhost:9/?x=");
  await expect(page.getByRole("region", { name: "Plan" })).toHaveCount(0);
});
