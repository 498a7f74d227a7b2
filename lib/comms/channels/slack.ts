import { z } from "zod";
import { maskUrl, postBody } from "./http";
import { zodCheck, type Channel } from "./types";
import { CHANNEL_FORMATS, slackText } from "./format";

export const ZSlackConfig = z.object({ webhookUrl: z.url({ protocol: /^https?$/ }) });
export type SlackConfig = z.infer<typeof ZSlackConfig>;

export const slack: Channel<SlackConfig> = {
  kind: "slack",
  ...CHANNEL_FORMATS.slack,
  validateConfig: (raw) => zodCheck(ZSlackConfig, raw),
  redact: (c) => ({ webhookUrl: maskUrl(c.webhookUrl) }),
  send: (m, c, signal) => postBody(c.webhookUrl, JSON.stringify({ text: slackText(m), mrkdwn: true }), {}, signal),
};
