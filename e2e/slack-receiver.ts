import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "@playwright/test";
import { expect } from "./fixtures";

// A local stand-in for Slack incoming webhooks: records every request the server sends it.
export type Received = { path: string; contentType: string; body: string };

export type SlackReceiver = { url: string; received: Received[]; close: () => Promise<void> };

export async function startSlackReceiver(): Promise<SlackReceiver> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push({ path: req.url ?? "", contentType: String(req.headers["content-type"] ?? ""), body });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000`;
  return { url, received, close: () => new Promise((r) => server.close(() => r())) };
}

/** Adds a Slack channel through the admin page as whoever `page` is (an admin); the URL ends in `secretPath`. */
export async function addSlackChannel(page: Page, hookUrl: string, name: string, secretPath: string) {
  await page.goto("/admin/channels");
  const form = page.getByRole("form", { name: "Add channel" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Kind").selectOption("slack");
  await form.getByLabel("Webhook URL (secret)").fill(`${hookUrl}/${secretPath}`);
  await form.getByRole("button", { name: "Add channel" }).click();
  await expect(form.getByRole("status")).toContainText("Channel added.");
  const listed = page.getByRole("list", { name: "Channels" }).getByRole("listitem").filter({ hasText: name });
  await expect(listed).toBeVisible();
  // The webhook URL is a secret: the page shows it masked.
  await expect(listed).not.toContainText(secretPath);
}
