import { escapeFor } from "../templates";
import type { ChannelKind, ChannelMessage } from "./types";

// What each channel sends, as text, with no I/O: the channels send exactly this, and the editor
// and composer preview it in the browser, so the preview and the length check cannot drift.

const bytes = (s: string) => new TextEncoder().encode(s).length;

export function slackText(m: ChannelMessage): string {
  return `*${escapeFor("slack", m.subject)}*\n${escapeFor("slack", m.body)}`;
}

// MessageCard text is rendered as markdown/HTML: escape, and keep line breaks with <br>.
export function teamsText(m: ChannelMessage): string {
  return escapeFor("html", m.body).replace(/\r?\n/g, "<br>");
}

export function teamsCard(m: ChannelMessage): string {
  return JSON.stringify({
    "@type": "MessageCard",
    "@context": "https://schema.org/extensions",
    summary: m.subject,
    title: escapeFor("html", m.subject),
    text: teamsText(m),
  });
}

export function emailHtml(m: ChannelMessage): string {
  return `<div style="font-family:system-ui,sans-serif;white-space:pre-wrap">${escapeFor("html", m.body)}</div>`;
}

export function webhookPayload(m: ChannelMessage, timestamp: number): string {
  return JSON.stringify({
    type: "rollcall.message",
    timestamp,
    messageId: m.meta?.messageId ?? null,
    deliveryId: m.meta?.deliveryId ?? null,
    incidentId: m.meta?.incidentId ?? null,
    audience: m.meta?.audience ?? null,
    subject: m.subject,
    body: m.body,
  });
}

export type ChannelFormat = {
  label: string;
  /** maxLength applies to measure(message): the text as this channel would send it. */
  limits: { maxLength: number };
  measure: (m: ChannelMessage) => number;
};

export const CHANNEL_FORMATS: Record<ChannelKind, ChannelFormat> = {
  // Slack truncates message text beyond 40,000 characters.
  slack: { label: "Slack incoming webhook", limits: { maxLength: 40_000 }, measure: (m) => slackText(m).length },
  // Teams rejects webhook payloads above about 28 KB.
  teams: { label: "Microsoft Teams incoming webhook", limits: { maxLength: 28_000 }, measure: (m) => bytes(teamsCard(m)) },
  email: { label: "Email (SMTP)", limits: { maxLength: 100_000 }, measure: (m) => m.subject.length + emailHtml(m).length },
  webhook: { label: "Signed JSON webhook", limits: { maxLength: 256 * 1024 }, measure: (m) => bytes(webhookPayload(m, 0)) },
};

export function isChannelKind(kind: string): kind is ChannelKind {
  return Object.prototype.hasOwnProperty.call(CHANNEL_FORMATS, kind);
}

/** null when it fits; otherwise the message naming the channel's limit. */
export function checkLength(c: Pick<ChannelFormat, "label" | "limits" | "measure">, message: ChannelMessage): string | null {
  const length = c.measure(message);
  if (length <= c.limits.maxLength) return null;
  return `Message too long for ${c.label}: ${length} characters, the limit is ${c.limits.maxLength}`;
}
