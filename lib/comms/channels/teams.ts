import { z } from "zod";
import { escapeFor } from "../templates";
import { maskUrl, postBody } from "./http";
import { zodCheck, type Channel, type ChannelMessage } from "./types";

export const ZTeamsConfig = z.object({ webhookUrl: z.url({ protocol: /^https?$/ }) });
export type TeamsConfig = z.infer<typeof ZTeamsConfig>;

// MessageCard text is rendered as markdown/HTML: escape, and keep line breaks with <br>.
const text = (m: ChannelMessage) => escapeFor("html", m.body).replace(/\r?\n/g, "<br>");

function card(m: ChannelMessage) {
  return JSON.stringify({
    "@type": "MessageCard",
    "@context": "https://schema.org/extensions",
    summary: m.subject,
    title: escapeFor("html", m.subject),
    text: text(m),
  });
}

export const teams: Channel<TeamsConfig> = {
  kind: "teams",
  label: "Microsoft Teams incoming webhook",
  // Teams rejects webhook payloads above about 28 KB.
  limits: { maxLength: 28_000 },
  measure: (m) => Buffer.byteLength(card(m)),
  validateConfig: (raw) => zodCheck(ZTeamsConfig, raw),
  redact: (c) => ({ webhookUrl: maskUrl(c.webhookUrl) }),
  send: (m, c, signal) => postBody(c.webhookUrl, card(m), {}, signal),
};
