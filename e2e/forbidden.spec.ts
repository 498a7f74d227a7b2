import { captureServerAction, declareIncident, expect, fillDeclareForm, replayServerAction, test, uid, USERS, type Role } from "./fixtures";

// Hidden buttons prove nothing on their own: every server action is a public POST endpoint.
// Each spec captures the real request an allowed user's form sends (aborted, so it has no
// effect), replays it with a forbidden user's cookies, checks nothing changed, and then replays
// it as the allowed user to prove the captured request was valid all along.

test.describe("forbidden roles", () => {
  test("a viewer cannot declare an incident, in the UI or by calling the action directly", async ({ page, loginAs, openContext }) => {
    const viewer = await openContext("viewer");
    await viewer.page.goto("/");
    await expect(viewer.page.getByRole("heading", { name: "Command board" })).toBeVisible();
    await expect(viewer.page.getByRole("link", { name: "Declare incident" })).toHaveCount(0);
    await viewer.page.goto("/incidents/new");
    await expect(viewer.page.getByRole("heading", { name: "You cannot declare incidents" })).toBeVisible();
    await expect(viewer.page.getByRole("form", { name: "Declare incident" })).toHaveCount(0);

    const title = `Forbidden declare ${uid()}`;
    await loginAs(page, "oncall");
    await page.goto("/incidents/new");
    const form = await fillDeclareForm(page, { title });
    const action = await captureServerAction(page, () => form.getByRole("button", { name: "Declare incident" }).click());
    expect(new URL(action.url).pathname).toBe("/incidents/new");

    const refused = await replayServerAction(viewer.request, action);
    expect(refused.body).toContain("may not");
    expect(refused.body).toContain("incident.declare");
    const oncall = await openContext("oncall");
    await oncall.page.goto(`/incidents?q=${encodeURIComponent(title)}`);
    await expect(oncall.page.getByText("No incidents match these filters.")).toBeVisible();
    await oncall.page.goto("/");
    await expect(oncall.page.getByRole("heading", { name: "Command board" })).toBeVisible();
    await expect(oncall.page.getByRole("link", { name: title })).toHaveCount(0);

    const allowed = await replayServerAction(oncall.request, action);
    expect(allowed.body).not.toContain("may not");
    await oncall.page.goto(`/incidents?q=${encodeURIComponent(title)}`);
    await expect(oncall.page.getByRole("list", { name: "Incidents" }).getByRole("link", { name: title })).toHaveCount(1);
  });

  for (const role of ["viewer", "productowner"] as const satisfies Role[]) {
    test(`a ${role} cannot change an incident's status, in the UI or by calling the action directly`, async ({ page, loginAs, openContext }) => {
      const title = `Forbidden status ${role} ${uid()}`;
      await loginAs(page, "oncall");
      const key = await declareIncident(page, { title });

      const other = await openContext(role);
      await other.page.goto(`/incidents/${key}`);
      await expect(other.page.getByRole("heading", { level: 1, name: title })).toBeVisible();
      await expect(other.page.getByRole("form", { name: "Change status" })).toHaveCount(0);
      await expect(other.page.getByRole("button", { name: "Update status" })).toHaveCount(0);

      const statusForm = page.getByRole("form", { name: "Change status" });
      await statusForm.getByLabel("New status").selectOption({ label: "Resolved" });
      const action = await captureServerAction(page, () => statusForm.getByRole("button", { name: "Update status" }).click());

      const refused = await replayServerAction(other.request, action);
      expect(refused.body).toContain("may not");
      expect(refused.body).toContain("incident.changeStatus");
      await other.page.reload();
      const header = other.page.getByRole("main").locator("header");
      await expect(header).toContainText("Detected");
      await expect(header).not.toContainText("Resolved");
      await expect(other.page.getByRole("list", { name: "Timeline" })).not.toContainText("Status:");

      const allowed = await replayServerAction((await openContext("oncall")).request, action);
      expect(allowed.body).toContain("Status updated.");
      await other.page.reload();
      await expect(header).toContainText("Resolved");
    });
  }

  test("a product owner sees impact read-only and cannot save it by calling the action directly", async ({ page, loginAs, openContext }) => {
    const title = `Forbidden impact ${uid()}`;
    await loginAs(page, "oncall");
    const key = await declareIncident(page, { title });

    const po = await openContext("productowner");
    await po.page.goto(`/incidents/${key}`);
    // Read as text: no form, no boxes that look editable.
    const poImpactList = po.page.getByTestId("impact-read");
    await expect(poImpactList).toContainText("Users affected");
    await expect(po.page.getByRole("form", { name: "Impact" })).toHaveCount(0);
    await expect(po.page.getByRole("button", { name: "Save impact" })).toHaveCount(0);

    const impact = page.getByRole("form", { name: "Impact" });
    await impact.getByLabel("Users affected").fill("4321");
    await impact.getByLabel("Revenue impact (USD)").fill("1500");
    const action = await captureServerAction(page, () => impact.getByRole("button", { name: "Save impact" }).click());

    const refused = await replayServerAction(po.request, action);
    expect(refused.body).toContain("may not");
    expect(refused.body).toContain("incident.update");
    await po.page.reload();
    await expect(poImpactList).toContainText("not known yet");
    await expect(po.page.getByRole("list", { name: "Timeline" })).not.toContainText("Impact updated");

    const allowed = await replayServerAction((await openContext("oncall")).request, action);
    expect(allowed.body).toContain("Impact saved.");
    await po.page.reload();
    await expect(poImpactList).toContainText("4,321");
  });

  test("a viewer cannot add a note, in the UI or by calling the action directly", async ({ page, loginAs, openContext }) => {
    const title = `Forbidden note ${uid()}`;
    const note = `Viewer note ${uid()}`;
    await loginAs(page, "productowner");
    await page.goto("/");
    // The product owner may not declare, so the incident comes from the on-call engineer.
    const oncall = await openContext("oncall");
    const key = await declareIncident(oncall.page, { title });

    const viewer = await openContext("viewer");
    await viewer.page.goto(`/incidents/${key}`);
    await expect(viewer.page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expect(viewer.page.getByRole("form", { name: "Add note" })).toHaveCount(0);

    await page.goto(`/incidents/${key}`);
    const noteForm = page.getByRole("form", { name: "Add note" });
    await noteForm.getByLabel("Add to the timeline").fill(note);
    const action = await captureServerAction(page, () => noteForm.getByRole("button", { name: "Add note" }).click());

    const refused = await replayServerAction(viewer.request, action);
    expect(refused.body).toContain("may not");
    expect(refused.body).toContain("incident.note");
    await viewer.page.reload();
    await expect(viewer.page.getByRole("list", { name: "Timeline" })).not.toContainText(note);

    const allowed = await replayServerAction(oncall.request, action);
    expect(allowed.body).not.toContain("may not");
    await viewer.page.reload();
    await expect(viewer.page.getByRole("list", { name: "Timeline" })).toContainText(note);
  });

  for (const role of ["teamlead", "viewer"] as const satisfies Role[]) {
    test(`a ${role} gets "Administrators only" at /admin/users and cannot add a user directly`, async ({ page, loginAs, openContext }) => {
      const other = await openContext(role);
      await other.page.goto("/");
      await expect(other.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })).toHaveCount(0);
      await other.page.goto("/admin/users");
      await expect(other.page.getByRole("heading", { name: "Administrators only" })).toBeVisible();
      await expect(other.page.getByRole("form", { name: "Add user" })).toHaveCount(0);
      await expect(other.page.getByText(USERS.admin.email)).toHaveCount(0);

      const email = `sneaky-${uid()}@example.test`;
      await loginAs(page, "admin");
      await page.goto("/admin/users");
      const form = page.getByRole("form", { name: "Add user" });
      await form.getByLabel("Name").fill("Sneaky Admin");
      await form.getByLabel("Email").fill(email);
      await form.getByLabel("Role").selectOption("admin");
      await form.getByLabel("Initial password").fill("sneaky-password-123");
      const action = await captureServerAction(page, () => form.getByRole("button", { name: "Add user" }).click());

      const refused = await replayServerAction(other.request, action);
      expect(refused.body).toContain("may not");
      expect(refused.body).toContain("user.manage");
      await page.goto("/admin/users");
      await expect(page.getByRole("list", { name: "Users" })).toBeVisible();
      await expect(page.getByText(email)).toHaveCount(0);

      const allowed = await replayServerAction(page.context().request, action);
      expect(allowed.body).toContain(`Added ${email}.`);
      await page.reload();
      await expect(page.getByRole("list", { name: "Users" }).getByText(email)).toBeVisible();
    });
  }

  test("a team lead cannot edit a service by calling the action directly", async ({ page, loginAs, openContext }) => {
    const lead = await openContext("teamlead");
    await lead.page.goto("/services");
    await expect(lead.page.getByRole("heading", { name: "Services" })).toBeVisible();
    await expect(lead.page.getByRole("heading", { name: "Edit services" })).toHaveCount(0);

    const owner = `Team ${uid()}`;
    await loginAs(page, "admin");
    await page.goto("/services");
    const openEdit = () => page.locator("summary").filter({ hasText: /^\s*Analytics\s*$/ }).click();
    await openEdit();
    const form = page.getByRole("form", { name: "Edit Analytics" });
    await form.getByLabel("Owner team").fill(owner);
    const action = await captureServerAction(page, () => form.getByRole("button", { name: "Save Analytics" }).click());

    const refused = await replayServerAction(lead.request, action);
    expect(refused.body).toContain("may not");
    expect(refused.body).toContain("service.manage");
    await lead.page.reload();
    const row = lead.page.getByRole("row", { name: /^Analytics/ });
    await expect(row).toContainText("Insights");
    await expect(row).not.toContainText(owner);

    const allowed = await replayServerAction(page.context().request, action);
    expect(allowed.body).toContain("Saved.");
    await lead.page.reload();
    await expect(row).toContainText(owner);

    // Put the demo owner back so no other spec sees this one's edit.
    await page.reload();
    await openEdit();
    await form.getByLabel("Owner team").fill("Insights");
    await form.getByRole("button", { name: "Save Analytics" }).click();
    await expect(form.getByRole("status")).toHaveText("Saved.");
  });
});

test.describe("forbidden roles: contacts, escalation path, settings", () => {
  for (const role of ["teamlead", "oncall"] as const satisfies Role[]) {
    test(`a ${role} gets "Administrators only" at /admin/contacts and cannot add a contact or save the escalation path directly`, async ({ page, loginAs, openContext }) => {
      const other = await openContext(role);
      await other.page.goto("/");
      await expect(other.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Contacts" })).toHaveCount(0);
      await other.page.goto("/admin/contacts");
      await expect(other.page.getByRole("heading", { name: "Administrators only" })).toBeVisible();
      await expect(other.page.getByRole("form", { name: "Add contact" })).toHaveCount(0);
      await expect(other.page.getByText("+1-555-0201")).toHaveCount(0);

      const name = `Sneaky Contact ${uid()}`;
      await loginAs(page, "admin");
      await page.goto("/admin/contacts");
      const add = page.getByRole("form", { name: "Add contact" });
      await add.getByLabel("Name").fill(name);
      await add.getByLabel("Role or title").fill("Not really");
      const addAction = await captureServerAction(page, () => add.getByRole("button", { name: "Add contact" }).click());

      // A fresh page: the aborted request leaves the first one in an error state.
      await page.goto("/admin/contacts");
      const path = page.getByRole("form", { name: "Escalation path" });
      await path.getByRole("listitem", { name: "Step 3" }).getByLabel("Step name").fill(`Sneaky step ${uid()}`);
      const pathAction = await captureServerAction(page, () => path.getByRole("button", { name: "Save escalation path" }).click());

      for (const action of [addAction, pathAction]) {
        const refused = await replayServerAction(other.request, action);
        expect(refused.body).toContain("may not");
        expect(refused.body).toContain("contacts.manage");
      }
      await page.goto("/admin/contacts");
      await expect(page.getByRole("list", { name: "Contacts" }).getByText(name)).toHaveCount(0);
      const source = await page.getByTestId("path-source").textContent();

      const allowed = await replayServerAction(page.context().request, addAction);
      expect(allowed.body).toContain(`Added ${name}.`);
      await page.reload();
      await expect(page.getByRole("list", { name: "Contacts" }).getByText(name, { exact: true })).toBeVisible();
      await expect(page.getByTestId("path-source")).toHaveText(source ?? "");

      page.once("dialog", (d) => void d.accept());
      const item = page.getByRole("list", { name: "Contacts" }).getByRole("listitem").filter({ hasText: name });
      await item.getByRole("button", { name: "Delete" }).click();
      await expect(page.getByRole("list", { name: "Contacts" }).getByText(name, { exact: true })).toHaveCount(0);
    });
  }

  test("a team lead cannot make the status page sign-in only by calling the action directly", async ({ page, loginAs, openContext }) => {
    const lead = await openContext("teamlead");
    await lead.page.goto("/admin/settings");
    await expect(lead.page.getByRole("heading", { name: "Administrators only" })).toBeVisible();
    await expect(lead.page.getByRole("form", { name: "Status page visibility" })).toHaveCount(0);

    await loginAs(page, "admin");
    await page.goto("/admin/settings");
    const form = page.getByRole("form", { name: "Status page visibility" });
    await form.getByRole("radio", { name: /^Signed-in users only/ }).check();
    const action = await captureServerAction(page, () => form.getByRole("button", { name: "Save visibility" }).click());

    const refused = await replayServerAction(lead.request, action);
    expect(refused.body).toContain("may not");
    expect(refused.body).toContain("settings.manage");
    const visitor = await openContext(null);
    expect((await visitor.request.get("/api/status")).status()).toBe(200);

    try {
      const allowed = await replayServerAction(page.context().request, action);
      expect(allowed.body).toContain("now for signed-in users only");
      expect((await visitor.request.get("/api/status")).status()).toBe(401);
    } finally {
      await page.goto("/admin/settings");
      await form.getByRole("radio", { name: /^Public/ }).check();
      await form.getByRole("button", { name: "Save visibility" }).click();
      await expect(form.getByRole("status")).toContainText("public");
    }
    expect((await visitor.request.get("/api/status")).status()).toBe(200);
  });
});
