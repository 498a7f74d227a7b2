import path from "node:path";
import type { Page } from "@playwright/test";
import {
  captureServerAction,
  declareIncident,
  expect,
  expectLive,
  expectNotReloaded,
  markDocument,
  replayServerAction,
  test,
  uid,
} from "./fixtures";
import { OUT, SCHEMES, VIEWPORTS, shoot } from "./shots";
import { addSlackChannel, startSlackReceiver, type SlackReceiver } from "./slack-receiver";

let slack: SlackReceiver;

test.beforeAll(async () => {
  slack = await startSlackReceiver();
});
test.afterAll(async () => {
  await slack.close();
});

test.describe("communications", () => {
  test("a commander previews the emergency notification per channel and sends it to Slack; the delivery appears on the timeline live", async ({ page, loginAs, openContext }) => {
    const channel = `#incidents-${uid()}`;
    const secret = `SECRET${uid()}`;
    const admin = await openContext("admin");
    await addSlackChannel(admin.page, slack.url, channel, secret);

    await loginAs(page, "oncall");
    const title = `Checkout <errors> & timeouts ${uid()}`;
    const key = await declareIncident(page, { title, severity: "HIGH", services: ["Core API"] });
    await expectLive(page);
    await markDocument(page);

    const composer = page.getByRole("form", { name: "Send message" });
    await composer.getByLabel("Template").selectOption({ label: "Emergency notification (stakeholders)" });
    await expect(composer.getByLabel("Subject")).toHaveValue(`🚨 [HIGH] Production rollback initiated: ${title} (${key})`);
    await expect(composer.getByLabel("Message")).toHaveValue(new RegExp(`Incident ID: ${key}`));

    // No preview until a channel is ticked; then Slack's own escaping and its limit are shown.
    await expect(composer.getByRole("region", { name: "Channel previews" })).toHaveCount(0);
    await composer.getByRole("checkbox", { name: channel }).check();
    const preview = composer.getByRole("group", { name: `Preview for ${channel}` });
    await expect(preview).toBeVisible();
    // Shown as Slack shows it (subject in bold, text as typed), with the escaped mrkdwn a click away.
    const slackText = preview.getByLabel(`${channel} preview`);
    await expect(slackText.locator("strong").first()).toHaveText(`🚨 [HIGH] Production rollback initiated: ${title} (${key})`);
    await expect(slackText).toContainText(`Incident ID: ${key}`);
    await preview.getByText("mrkdwn as sent").click();
    await expect(preview.locator("pre")).toContainText(`*🚨 [HIGH] Production rollback initiated: Checkout &lt;errors&gt; &amp; timeouts`);
    await expect(preview.getByTestId("length-meter")).toHaveText(/^[\d,]+ \/ 40,000$/);

    // The preview follows the typing.
    await composer.getByLabel("Message").press("ControlOrMeta+End");
    await composer.getByLabel("Message").pressSequentially("\nBridge: #war-room");
    await expect(slackText).toContainText("Bridge: #war-room");

    // Too long for Slack: refused in the composer, before sending, with the limit.
    const typed = await composer.getByLabel("Message").inputValue();
    await composer.getByLabel("Message").fill("x".repeat(40_001));
    const warning = composer.getByRole("alert").filter({ hasText: "Too long to send" });
    await expect(warning).toContainText(`${channel}: Message too long for Slack incoming webhook`);
    await expect(warning).toContainText("the limit is 40000");
    await expect(preview.getByTestId("length-meter")).toContainText("too long");
    await expect(composer.getByRole("button", { name: "Send" })).toBeDisabled();
    await composer.getByLabel("Message").fill(typed);
    await expect(warning).toHaveCount(0);

    await composer.getByRole("button", { name: "Send" }).click();
    await expect(composer.getByRole("status")).toHaveText("Queued: deliveries appear on the timeline.");

    // The receiver really got it, as Slack would: JSON with mrkdwn text naming the incident.
    await expect.poll(() => slack.received.filter((r) => r.path.endsWith(secret)).length, { timeout: 20_000 }).toBe(1);
    const got = slack.received.find((r) => r.path.endsWith(secret))!;
    expect(got.contentType).toContain("application/json");
    const payload = JSON.parse(got.body) as { text: string; mrkdwn: boolean };
    expect(payload.mrkdwn).toBe(true);
    expect(payload.text).toContain(`Incident ID: ${key}`);
    expect(payload.text).toContain("Checkout &lt;errors&gt; &amp; timeouts");
    expect(payload.text).toContain("Bridge: #war-room");

    const timeline = page.getByRole("list", { name: "Timeline" });
    await expect(timeline).toContainText(`Message sent to ${channel} (stakeholders)`);
    await expect(timeline).toContainText(`${channel}: delivered`, { timeout: 20_000 });
    await expectNotReloaded(page);
  });

  test("an admin's template edit with an unknown variable is refused at save time, listing the allowed names; a valid edit becomes a new version, and an old one can be restored", async ({ page, loginAs }) => {
    await loginAs(page, "admin");
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByText("Admin", { exact: true }).click();
    await nav.getByRole("link", { name: "Templates" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Templates" })).toBeVisible();
    await page.getByRole("navigation", { name: "Templates" }).getByRole("link", { name: /Rollback initiated \(internal\)/ }).click();
    const form = page.getByRole("form", { name: "Edit template" });
    await expect(form.getByRole("heading", { name: "Rollback initiated (internal)" })).toBeVisible();
    const version = form.getByTestId("template-version");
    const before = await version.textContent();
    const nextVersion = before === "built-in (never edited)" ? 1 : Number(before!.replace("version ", "")) + 1;

    // The preview renders as the admin types, with sample values.
    const preview = page.getByTestId("template-preview");
    await expect(preview).toContainText("ROLLBACK INITIATED");
    await expect(preview).toContainText("INC-2026-42");
    const body = form.getByLabel("Body");
    await body.press("ControlOrMeta+End");
    await body.pressSequentially("\nCustomer: {{ customerName }}");
    const issues = form.getByTestId("template-issues");
    await expect(issues).toContainText(/Body line \d+, column 11: Unknown variable "customerName"/);
    await expect(preview).toContainText("Fix the problems in the template to see the preview.");

    // Saving anyway: the server refuses it, names the allowed variables, and keeps the text.
    await form.getByRole("button", { name: "Save as new version" }).click();
    await expect(form.getByRole("alert").filter({ hasText: "The template has errors." })).toBeVisible();
    const bodyError = form.locator("#body-error");
    await expect(bodyError).toContainText('Unknown variable "customerName"; allowed: key, title, services, severity');
    await expect(bodyError).toContainText("validationResults");
    await expect(body).toHaveValue(/Customer: \{\{ customerName \}\}$/);
    await expect(version).toHaveText(before!);

    // A valid edit saves as the next version; the preview shows it filled.
    const value = await body.inputValue();
    await body.fill(value.replace("Customer: {{ customerName }}", "Bridge call led by {{ commander }}"));
    await expect(issues).toHaveCount(0);
    await expect(preview).toContainText("Bridge call led by Omar On-call");
    await page.getByRole("tab", { name: "Email" }).click();
    await expect(preview.frameLocator("iframe").locator("body")).toContainText("Bridge call led by Omar On-call");

    // A real open incident's values instead of the samples; what was typed stays.
    const sources = page.getByLabel("Values from");
    const incident = (await sources.locator("option").nth(1).getAttribute("value"))!;
    expect(incident).toMatch(/^INC-/);
    await sources.selectOption(incident);
    await expect(page).toHaveURL(new RegExp(`incident=${incident}`));
    await expect(preview.frameLocator("iframe").locator("body")).toContainText(`ROLLBACK INITIATED: ${incident}`);
    await expect(body).toHaveValue(/Bridge call led by \{\{ commander \}\}/);
    await form.getByRole("button", { name: "Save as new version" }).click();
    await expect(page.getByRole("status").filter({ hasText: `Saved rollback-initiated as version ${nextVersion}.` })).toBeVisible();
    await expect(version).toHaveText(`version ${nextVersion}`);
    await expect(page.getByRole("navigation", { name: "Templates" }).getByRole("link", { name: /Rollback initiated/ })).toContainText(`v${nextVersion}`);

    // Every version is kept; the built-in text can be restored as a newer version.
    const versions = page.getByRole("list", { name: "Versions" });
    await expect(versions.getByText(`Version ${nextVersion}`, { exact: true })).toBeVisible();
    await expect(versions.getByText("Built-in text", { exact: true })).toBeVisible();
    const builtIn = versions.getByRole("listitem").filter({ hasText: "Built-in text" });
    await builtIn.getByText("Built-in text", { exact: true }).click();
    await expect(builtIn).not.toContainText("Bridge call led by");
    await builtIn.getByRole("button", { name: "Restore the built-in text" }).click();
    await expect(page.getByRole("status").filter({ hasText: `Restored version 0 of rollback-initiated as version ${nextVersion + 1}.` })).toBeVisible();
    await expect(version).toHaveText(`version ${nextVersion + 1}`);
    await expect(body).not.toHaveValue(/Bridge call led by/);
    await expect(versions.getByRole("listitem")).toHaveCount(nextVersion + 2);

  });

  test("an admin creates a template; its name must be new", async ({ page, loginAs }) => {
    await loginAs(page, "admin");
    await page.goto("/admin/templates");
    await page.getByRole("link", { name: "+ New template" }).click();
    const form = page.getByRole("form", { name: "Edit template" });
    const name = `db-notice-${uid()}`;
    await form.getByLabel("Name").fill("emergency-notification");
    await form.getByLabel("Audience").selectOption("customers");
    await form.getByLabel("Subject").fill("Maintenance on {{ services }}");
    await form.getByLabel("Body").fill("We are restoring {{ services }}. Next update: {{ nextUpdateAt }}.");
    await expect(page.getByTestId("template-preview")).toContainText("We are restoring Checkout, Core API. Next update: 2026-11-23 08:40 UTC.");
    await form.getByRole("button", { name: "Create template" }).click();
    await expect(form.locator("#name-error")).toContainText("Already in use");
    await expect(form.getByLabel("Body")).toHaveValue(/We are restoring/);
    await form.getByLabel("Name").fill(name);
    await form.getByRole("button", { name: "Create template" }).click();
    await expect(page).toHaveURL(new RegExp(`t=${name}$`));
    await expect(page.getByRole("navigation", { name: "Templates" }).getByRole("link", { name: new RegExp(name) })).toContainText("customers · v1");
    await expect(page.getByRole("form", { name: "Edit template" }).getByTestId("template-version")).toHaveText("version 1");
  });

  test("a viewer or on-call engineer cannot open /admin/templates nor save a template by replaying the action", async ({ page, loginAs, openContext }) => {
    const viewer = await openContext("viewer");
    const oncall = await openContext("oncall");
    for (const other of [viewer, oncall]) {
      await other.page.goto("/");
      // Counted hidden or not: the admin links sit in a disclosure that may be closed.
      await expect(other.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Templates", includeHidden: true })).toHaveCount(0);
      await other.page.goto("/admin/templates");
      await expect(other.page.getByRole("heading", { name: "Administrators only" })).toBeVisible();
      await expect(other.page.getByRole("form", { name: "Edit template" })).toHaveCount(0);
    }

    await loginAs(page, "admin");
    await page.goto("/admin/templates?t=customer-notice");
    const form = page.getByRole("form", { name: "Edit template" });
    const version = await form.getByTestId("template-version").textContent();
    const marker = `Replayed ${uid()}`;
    await form.getByLabel("Body").fill(`${marker} {{ key }}`);
    const action = await captureServerAction(page, () => form.getByRole("button", { name: "Save as new version" }).click());

    for (const other of [viewer, oncall]) {
      const refused = await replayServerAction(other.request, action);
      expect(refused.body).toContain("may not");
      expect(refused.body).toContain("comms.manage");
    }
    await page.goto("/admin/templates?t=customer-notice");
    await expect(form.getByTestId("template-version")).toHaveText(version!);
    await expect(page.getByRole("list", { name: "Versions" })).not.toContainText(marker);

    const allowed = await replayServerAction(page.context().request, action);
    expect(allowed.body).toContain("Saved customer-notice as version");
    await page.reload();
    await expect(form.getByTestId("template-version")).not.toHaveText(version!);
    await expect(form.getByLabel("Body")).toHaveValue(`${marker} {{ key }}`);
  });
});


/** The sticky header would cover an element screenshot. Set through the DOM: the CSP refuses injected <style>. */
async function unstickHeader(page: Page) {
  await page.evaluate(() => document.querySelectorAll<HTMLElement>("header.sticky").forEach((h) => h.style.setProperty("position", "static", "important")));
}

test.describe("communications screenshots", () => {
  let incidentKey: string | undefined;
  let channel: string | undefined;

  for (const viewport of VIEWPORTS) {
    for (const colorScheme of SCHEMES) {
      test(`admin-templates-${viewport.width}-${colorScheme}.png`, async ({ openContext }) => {
        const { page } = await openContext("admin", { viewport, colorScheme });
        await page.goto("/admin/templates?t=emergency-notification");
        await expect(page.getByRole("heading", { level: 1, name: "Templates" })).toBeVisible();
        const form = page.getByRole("form", { name: "Edit template" });
        const body = form.getByLabel("Body");
        await body.press("ControlOrMeta+End");
        await body.pressSequentially("\n{{ bridge }}");
        await expect(form.getByTestId("template-issues")).toBeVisible();
        await form.getByRole("button", { name: "Save as new version" }).click();
        await expect(form.locator("#body-error")).toContainText('Unknown variable "bridge"');
        await shoot(page, `admin-templates-errors-${viewport.width}-${colorScheme}.png`, colorScheme);
        await form.getByLabel("Body").fill((await body.inputValue()).replace("\n{{ bridge }}", ""));
        await page.getByRole("tab", { name: "Slack" }).click();
        await expect(page.getByTestId("template-preview")).toContainText("PRODUCTION ROLLBACK INITIATED");
        await shoot(page, `admin-templates-${viewport.width}-${colorScheme}.png`, colorScheme);
        // The HTML formats render in a sandboxed frame: look at them too.
        await unstickHeader(page);
        for (const tab of ["Teams", "Email"]) {
          await page.getByRole("tab", { name: tab }).click();
          await expect(page.getByTestId("template-preview").frameLocator("iframe").locator("body")).toContainText("PRODUCTION ROLLBACK INITIATED");
          await page.getByTestId("template-preview").screenshot({ path: path.join(OUT, `admin-templates-${tab.toLowerCase()}-${viewport.width}-${colorScheme}.png`), animations: "disabled" });
        }
      });

      test(`composer-preview-${viewport.width}-${colorScheme}.png`, async ({ openContext }) => {
        if (!channel) {
          channel = `#screens-${uid()}`;
          const admin = await openContext("admin");
          await addSlackChannel(admin.page, slack.url, channel, `S${uid()}`);
        }
        const { page } = await openContext("oncall", { viewport, colorScheme });
        if (!incidentKey) {
          incidentKey = await declareIncident(page, { title: `Checkout 500s after v2.14.0 ${uid()}`, severity: "CRITICAL", services: ["Core API", "User Auth"] });
        } else {
          await page.goto(`/incidents/${incidentKey}`);
        }
        const composer = page.getByRole("form", { name: "Send message" });
        await composer.getByLabel("Template").selectOption({ label: "Emergency notification (stakeholders)" });
        await composer.getByRole("checkbox", { name: channel }).check();
        await expect(composer.getByRole("group", { name: `Preview for ${channel}` })).toBeVisible();
        await shoot(page, `composer-preview-${viewport.width}-${colorScheme}.png`, colorScheme);
        // The sticky header would cover the card in an element screenshot.
        await unstickHeader(page);
        await page.getByRole("region", { name: "Communicate" }).screenshot({ path: path.join(OUT, `composer-card-${viewport.width}-${colorScheme}.png`), animations: "disabled" });
      });
    }
  }
});

