import { z } from "zod";
import { escapeFor } from "../templates";
import { maskUrl, postBody } from "./http";
import { zodCheck, type Channel, type ChannelMessage } from "./types";

export const ZSlackConfig = z.object({ webhookUrl: z.url({ protocol: /^https?$/ }) });
export type SlackConfig = z.infer<typeof ZSlackConfig>;

function text(m: ChannelMessage) {
  return `*${escapeFor("slack", m.subject)}*\n${escapeFor("slack", m.body)}`;
}

export const slack: Channel<SlackConfig> = {
  kind: "slack",
  label: "Slack incoming webhook",
  // Slack truncates message text beyond 40,000 characters.
  limits: { maxLength: 40_000 },
  measure: (m) => text(m).length,
  validateConfig: (raw) => zodCheck(ZSlackConfig, raw),
  redact: (c) => ({ webhookUrl: maskUrl(c.webhookUrl) }),
  send: (m, c, signal) => postBody(c.webhookUrl, JSON.stringify({ text: text(m), mrkdwn: true }), {}, signal),
};
