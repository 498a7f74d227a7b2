"use client";
import { CHANNEL_FORMATS, checkLength, emailHtml, slackText, teamsText, webhookPayload } from "@/lib/comms/channels/format";
import type { ChannelKind, ChannelMessage } from "@/lib/comms/channels/types";
import { escapeFor } from "@/lib/comms/templates";
import { PREVIEW_FRAME_CSS } from "@/lib/comms/preview-frame";

export type PreviewFormat = "plain" | ChannelKind;

export const FORMAT_LABELS: Record<PreviewFormat, string> = {
  plain: "Plain text",
  slack: "Slack",
  teams: "Teams",
  email: "Email",
  webhook: "Webhook",
};

const boxClass = "overflow-auto rounded-md border border-slate-200 bg-slate-50 p-3 text-sm whitespace-pre-wrap break-words dark:border-slate-700 dark:bg-slate-950";

// The HTML formats are shown as the receiver would render them, in an iframe with an empty
// sandbox (no scripts, no same-origin, no navigation); the text inside is already escaped. The
// frame inherits the page's CSP, which allows its one stylesheet by hash.
function HtmlFrame({ title, html, tall }: { title: string; html: string; tall: boolean }) {
  const doc = `<!doctype html><html><head><meta charset="utf-8"><style>${PREVIEW_FRAME_CSS}</style></head><body>${html}</body></html>`;
  return <iframe title={title} sandbox="" srcDoc={doc} className={`${tall ? "h-[36rem]" : "h-80"} w-full rounded-md border border-slate-200 bg-white dark:border-slate-700`} />;
}

const ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&amp;": "&" };
const unescapeSlack = (s: string) => s.replace(/&(lt|gt|amp);/g, (e) => ENTITIES[e] ?? e);

// Slack shows *bold* and its three entities; React escapes what is shown, so nothing here is HTML.
function SlackMrkdwn({ text }: { text: string }) {
  const parts = text.split(/(\*[^*\n]+\*)/g);
  return (
    <>
      {parts.map((p, i) =>
        p.length > 2 && p.startsWith("*") && p.endsWith("*") ? <strong key={i}>{unescapeSlack(p.slice(1, -1))}</strong> : <span key={i}>{unescapeSlack(p)}</span>,
      )}
    </>
  );
}

/** How a message (plain text, variables already filled) looks in one format. */
export function FormatPreview({ format, message, label, tall = false }: { format: PreviewFormat; message: ChannelMessage; label: string; tall?: boolean }) {
  const box = `${boxClass} ${tall ? "max-h-[36rem]" : "max-h-80"}`;
  switch (format) {
    case "plain":
      return (
        <div className={box} aria-label={label} role="document">
          <p className="mb-2 font-semibold">{message.subject}</p>
          {message.body}
        </div>
      );
    case "slack":
      return (
        <div className="space-y-1">
          <div className={box} aria-label={label} role="document">
            <SlackMrkdwn text={slackText(message)} />
          </div>
          <details className="text-xs">
            <summary className="cursor-pointer text-slate-600 dark:text-slate-400">mrkdwn as sent</summary>
            <pre className={`${box} mt-1 font-mono text-xs`}>{slackText(message)}</pre>
          </details>
        </div>
      );
    case "teams":
      return <HtmlFrame tall={tall} title={label} html={`<h1>${escapeFor("html", message.subject)}</h1><div>${teamsText(message)}</div>`} />;
    case "email":
      return <HtmlFrame tall={tall} title={label} html={`<p style="margin:0 0 8px;color:#475569">Subject: <strong>${escapeFor("html", message.subject)}</strong></p>${emailHtml(message)}`} />;
    case "webhook":
      return (
        <pre className={`${box} font-mono text-xs`} aria-label={label}>
          {JSON.stringify(JSON.parse(webhookPayload(message, 0)), null, 2)}
        </pre>
      );
  }
}

/** "1,234 / 40,000 characters" for a channel kind, and the refusal text when it is over. */
export function lengthFor(kind: ChannelKind, message: ChannelMessage) {
  const f = CHANNEL_FORMATS[kind];
  return { length: f.measure(message), limit: f.limits.maxLength, problem: checkLength(f, message) };
}

export function LengthMeter({ kind, message }: { kind: ChannelKind; message: ChannelMessage }) {
  const { length, limit, problem } = lengthFor(kind, message);
  const over = problem !== null;
  return (
    <span data-testid="length-meter" className={`text-xs tabular-nums ${over ? "font-semibold text-red-700 dark:text-red-400" : "text-slate-500 dark:text-slate-400"}`}>
      {length.toLocaleString("en-US")} / {limit.toLocaleString("en-US")}
      {over ? " — too long" : ""}
    </span>
  );
}
