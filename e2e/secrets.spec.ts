import type { Page } from "@playwright/test";
import { declareIncident, expect, test, uid } from "./fixtures";
import { addSlackChannel } from "./slack-receiver";

// Channel secrets (a Slack webhook URL, an SMTP password, a webhook signing secret) are stored
// encrypted and shown masked. Here: none of them comes back in any response the browser receives —
// HTML, React Server Component payloads, server action results, JSON and feeds — for an admin or an
// on-call engineer, on every page that touches channels.

type Seen = { url: string; text: string };

/** Records the text of every response the page receives (documents, RSC, actions, JSON, feeds). */
function recordResponses(page: Page, into: Seen[]) {
  page.on("response", (r) => {
    const type = r.headers()["content-type"] ?? "";
    if (!/text|json|x-component|xml/.test(type)) return;
    r.text().then(
      (text) => into.push({ url: r.url(), text }),
      () => {},
    );
  });
}

test("secrets saved for channels never appear in any page, RSC payload, action result or API response", async ({ page, loginAs, openContext }) => {
  const seen: Seen[] = [];
  recordResponses(page, seen);
  await loginAs(page, "admin");

  const slackSecret = `T0SLACK${uid()}`;
  const smtpPassword = `smtpPw${uid()}`;
  const signingSecret = `whsec${uid()}${uid()}${uid()}`;
  const secrets = [slackSecret, smtpPassword, signingSecret];

  await addSlackChannel(page, "http://127.0.0.1:9/services", `#secrets-${uid()}`, slackSecret);
  const form = page.getByRole("form", { name: "Add channel" });
  await page.goto("/admin/channels");
  await form.getByLabel("Name").fill(`smtp-${uid()}`);
  await form.getByLabel("Kind").selectOption("email");
  await form.getByLabel("SMTP URL (secret)").fill(`smtp://rollcall:${smtpPassword}@127.0.0.1:2525`);
  await form.getByLabel("From").fill("rollcall@example.test");
  await form.getByLabel("To (comma separated)").fill("stakeholders@example.test");
  await form.getByRole("button", { name: "Add channel" }).click();
  await expect(form.getByRole("status")).toContainText("Channel added.");
  // A fresh form: the one just used re-mounts after its success and would drop what is typed meanwhile.
  await page.goto("/admin/channels");
  await form.getByLabel("Name").fill(`hook-${uid()}`);
  await form.getByLabel("Kind").selectOption("webhook");
  await form.getByLabel("URL", { exact: true }).fill("http://127.0.0.1:9/hook");
  await form.getByLabel("Signing secret (at least 16 characters)").fill(signingSecret);
  await form.getByRole("button", { name: "Add channel" }).click();
  await expect(form.getByRole("status")).toContainText("Channel added.");

  const key = await declareIncident(page, { title: `Secrets ${uid()}`, severity: "HIGH" });
  const paths = ["/admin/channels", "/admin/contacts", "/admin/templates", "/admin/settings", `/incidents/${key}`, "/", "/approvals", "/matrix", "/status", "/api/status", "/status/feed.xml", "/api/health"];
  for (const p of paths) await page.goto(p);

  const oncall = await openContext("oncall");
  recordResponses(oncall.page, seen);
  for (const p of ["/", "/admin/channels", "/status", `/incidents/${key}`]) await oncall.page.goto(p);
  // The composer on the incident page lists the channels (names and kinds only).
  await expect(oncall.page.getByRole("form", { name: "Send message" }).getByRole("checkbox", { name: /#secrets-/ })).toBeVisible();

  await expect.poll(() => seen.length).toBeGreaterThan(paths.length);
  const leaks = seen.flatMap((s) => secrets.filter((x) => s.text.includes(x)).map((x) => `${x} in ${s.url}`));
  expect(leaks).toEqual([]);
  // The check is only worth something if the pages that list channels were seen.
  expect(seen.some((s) => s.url.endsWith("/admin/channels") && s.text.includes("#secrets-"))).toBe(true);
});
