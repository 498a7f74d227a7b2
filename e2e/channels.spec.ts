import type { Page } from "@playwright/test";
import { USERS, captureServerAction, declareIncident, expect, expectUniqueIds, replayServerAction, test, uid } from "./fixtures";
import { addSlackChannel, startSlackReceiver, type SlackReceiver } from "./slack-receiver";
import { SCHEMES, VIEWPORTS, shoot } from "./shots";

// Channel management at /admin/channels: a test message to a local Slack stand-in, edit (secrets
// write-only), disable/enable, delete with a typed confirmation; other roles are refused.

let receiver: SlackReceiver;
test.beforeAll(async () => {
  receiver = await startSlackReceiver();
});
test.afterAll(async () => {
  await receiver?.close();
});

function channelItem(page: Page, name: string) {
  return page.getByRole("list", { name: "Channels" }).getByRole("listitem").filter({ has: page.getByRole("heading", { level: 3, name, exact: true }) });
}

test("an admin tests a Slack channel, renames it, disables and enables it, and deletes it by typing its name", async ({ page, loginAs }) => {
  await loginAs(page, "admin");
  const id = uid();
  const name = `#ops-${id}`;
  const renamed = `#incidents-${id}`;
  const secret = `SECRET${id}`;
  const hookPath = `/services/T000/B000/${secret}`;
  await addSlackChannel(page, receiver.url, name, secret);

  let item = channelItem(page, name);
  await expect(item).toContainText("Last test: never tested");
  await expect(item).toContainText("Active");
  await expectUniqueIds(page);

  // A test message, sent at once: the admin sees the channel's real answer.
  await item.getByRole("button", { name: "Send test message" }).click();
  await expect(item.getByRole("form", { name: `Test ${name}` }).getByRole("status")).toHaveText("Delivered (HTTP 200).");
  const hits = () => receiver.received.filter((r) => r.path === hookPath);
  expect(hits()).toHaveLength(1);
  expect(hits()[0]!.body).toContain(`Rollcall test message for ${name}`);
  expect(hits()[0]!.body).toContain(`sent by ${USERS.admin.name}`);
  await expect(item).toContainText("Last test: delivered");

  // Edit: the secret field starts blank (the stored URL is write-only) and blank keeps it.
  await item.locator("summary", { hasText: `Edit ${name}` }).click();
  const edit = item.getByRole("form", { name: `Edit ${name}` });
  await expect(edit.getByLabel("Webhook URL (secret)")).toHaveValue("");
  await expect(edit).toContainText("Leave blank to keep the current value");
  await expect(edit).toContainText("cannot change");
  await edit.getByLabel("Name").fill(renamed);
  await edit.getByRole("button", { name: "Save changes" }).click();
  item = channelItem(page, renamed);
  await expect(item.getByRole("form", { name: `Edit ${renamed}` }).getByRole("status")).toHaveText(`Saved ${renamed}.`);
  await expect(channelItem(page, name)).toHaveCount(0);
  await item.getByRole("button", { name: "Send test message" }).click();
  await expect(item.getByRole("form", { name: `Test ${renamed}` }).getByRole("status")).toHaveText("Delivered (HTTP 200).");
  expect(hits()).toHaveLength(2);
  expect(hits()[1]!.body).toContain(`Rollcall test message for ${renamed}`);

  // Disable: refused for tests and not offered in the composer; enable brings it back.
  await item.getByRole("button", { name: "Disable" }).click();
  await expect(item.getByRole("form", { name: `Enable ${renamed}` }).getByRole("status")).toHaveText(`${renamed} is disabled.`);
  await expect(item).toContainText("Disabled");
  await item.getByRole("button", { name: "Send test message" }).click();
  await expect(item.getByRole("form", { name: `Test ${renamed}` }).getByRole("alert")).toHaveText(`“${renamed}” is disabled: enable it before sending a test message.`);
  expect(hits()).toHaveLength(2);

  const key = await declareIncident(page, { title: `Channels ${id}`, severity: "HIGH" });
  const composer = page.getByRole("form", { name: "Send message" });
  await expect(composer).toBeVisible();
  await expect(composer.getByRole("checkbox", { name: new RegExp(renamed) })).toHaveCount(0);

  await page.goto("/admin/channels");
  item = channelItem(page, renamed);
  await item.getByRole("button", { name: "Enable" }).click();
  await expect(item.getByRole("form", { name: `Disable ${renamed}` }).getByRole("status")).toHaveText(`${renamed} is enabled.`);
  await page.goto(`/incidents/${key}`);
  await expect(composer.getByRole("checkbox", { name: new RegExp(renamed) })).toBeVisible();

  // Delete: refused until the name is typed exactly.
  await page.goto("/admin/channels");
  item = channelItem(page, renamed);
  await item.locator("summary", { hasText: `Delete ${renamed}` }).click();
  const del = item.getByRole("form", { name: `Delete ${renamed}` });
  await del.getByLabel("Type the channel's name to confirm").fill(name);
  await del.getByRole("button", { name: "Delete channel" }).click();
  await expect(del.getByRole("alert")).toHaveText(`Type “${renamed}” exactly to delete this channel.`);
  await expect(del.getByLabel("Type the channel's name to confirm")).toHaveValue(name);
  await del.getByLabel("Type the channel's name to confirm").fill(renamed);
  await del.getByRole("button", { name: "Delete channel" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Deleted ${renamed}; its message history is kept.` })).toBeVisible();
  await expect(channelItem(page, renamed)).toHaveCount(0);
});

test("a viewer gets the not-allowed card and cannot test, edit, disable or delete a channel by replaying the admin's actions", async ({ page, loginAs, openContext }) => {
  const viewer = await openContext("viewer");
  await viewer.page.goto("/admin/channels");
  await expect(viewer.page.getByRole("heading", { name: "Administrators only" })).toBeVisible();
  await expect(viewer.page.getByRole("form", { name: "Add channel" })).toHaveCount(0);

  await loginAs(page, "admin");
  const id = uid();
  const name = `#guarded-${id}`;
  const secret = `GUARD${id}`;
  await addSlackChannel(page, receiver.url, name, secret);
  // One capture per page load: an aborted action leaves its form in an error state.
  const capture = async (act: (item: ReturnType<typeof channelItem>) => Promise<void>) => {
    await page.goto("/admin/channels");
    const item = channelItem(page, name);
    await expect(item).toBeVisible();
    return captureServerAction(page, () => act(item));
  };
  const testAction = await capture((item) => item.getByRole("button", { name: "Send test message" }).click());
  const disable = await capture((item) => item.getByRole("button", { name: "Disable" }).click());
  const edit = await capture(async (item) => {
    await item.locator("summary", { hasText: `Edit ${name}` }).click();
    const form = item.getByRole("form", { name: `Edit ${name}` });
    await form.getByLabel("Name").fill(`#taken-${id}`);
    await form.getByLabel("Webhook URL (secret)").fill("http://127.0.0.1:9/evil");
    await form.getByRole("button", { name: "Save changes" }).click();
  });
  const del = await capture(async (item) => {
    await item.locator("summary", { hasText: `Delete ${name}` }).click();
    const form = item.getByRole("form", { name: `Delete ${name}` });
    await form.getByLabel("Type the channel's name to confirm").fill(name);
    await form.getByRole("button", { name: "Delete channel" }).click();
  });

  for (const action of [testAction, disable, edit, del]) {
    const refused = await replayServerAction(viewer.request, action);
    expect(refused.body).toContain("may not");
    expect(refused.body).toContain("comms.manage");
  }
  expect(receiver.received.filter((r) => r.path.endsWith(secret))).toHaveLength(0);
  await page.goto("/admin/channels");
  const item = channelItem(page, name);
  await expect(item).toContainText("Active");
  await expect(item).toContainText("Last test: never tested");
  await expect(channelItem(page, `#taken-${id}`)).toHaveCount(0);
});

test("the channels page at phone and desktop width, light and dark", async ({ page, loginAs, openContext }) => {
  await loginAs(page, "admin");
  const name = `#shots-${uid()}`;
  // A closed port: the test message fails, so the page shows a failed last test.
  await addSlackChannel(page, "http://127.0.0.1:9/services", name, "T0/B0/shots");
  await channelItem(page, name).getByRole("button", { name: "Send test message" }).click();
  await expect(channelItem(page, name).getByRole("form", { name: `Test ${name}` }).getByRole("alert")).toContainText("Not delivered:");
  for (const viewport of VIEWPORTS) {
    for (const colorScheme of SCHEMES) {
      const { page: p } = await openContext("admin", { viewport, colorScheme });
      await p.goto("/admin/channels");
      const item = channelItem(p, name);
      await expect(item).toContainText("Last test: failed");
      await item.locator("summary", { hasText: `Edit ${name}` }).click();
      await item.locator("summary", { hasText: `Delete ${name}` }).click();
      await shoot(p, `admin-channels-${viewport.width}-${colorScheme}.png`, colorScheme);
    }
  }
});
