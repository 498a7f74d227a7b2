import { createHmac } from "node:crypto";
import { z } from "zod";
import { mask } from "../crypto";
import { maskUrl, postBody } from "./http";
import { zodCheck, type Channel } from "./types";
import { CHANNEL_FORMATS, webhookPayload } from "./format";

export const ZWebhookConfig = z.object({
  url: z.url({ protocol: /^https?$/ }),
  secret: z.string().min(16, "must be at least 16 characters"),
});
export type WebhookConfig = z.infer<typeof ZWebhookConfig>;

export const SIGNATURE_HEADER = "X-Rollcall-Signature";
export const TIMESTAMP_HEADER = "X-Rollcall-Timestamp";

/** "sha256=<hex>" of HMAC-SHA256(secret, raw body). The body repeats the timestamp, so it is signed too. */
export function sign(secret: string, rawBody: string): string {
  return `sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}`;
}

/** The signed body; the timestamp is inside, so it is signed too. */
export const payload = webhookPayload;

export const webhook: Channel<WebhookConfig> = {
  kind: "webhook",
  ...CHANNEL_FORMATS.webhook,
  validateConfig: (raw) => zodCheck(ZWebhookConfig, raw),
  redact: (c) => ({ url: maskUrl(c.url), secret: mask(c.secret) }),
  send: (m, c, signal) => {
    const timestamp = Math.floor(Date.now() / 1000);
    const body = payload(m, timestamp);
    return postBody(c.url, body, { [SIGNATURE_HEADER]: sign(c.secret, body), [TIMESTAMP_HEADER]: String(timestamp) }, signal);
  },
};
