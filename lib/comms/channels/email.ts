import nodemailer from "nodemailer";
import { z } from "zod";
import { zodCheck, type Channel, type ChannelMessage } from "./types";
import { CHANNEL_FORMATS, emailHtml } from "./format";

export const ZEmailConfig = z.object({
  smtpUrl: z.string().regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL"),
  from: z.email(),
  to: z.array(z.email()).min(1, "at least one recipient"),
});
export type EmailConfig = z.infer<typeof ZEmailConfig>;

function maskSmtpUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = "****";
    return u.toString();
  } catch {
    return "••••";
  }
}

async function send(m: ChannelMessage, c: EmailConfig, signal: AbortSignal) {
  const transport = nodemailer.createTransport({ url: c.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  // nodemailer has no AbortSignal support: closing the transport aborts the attempt.
  const onAbort = () => transport.close();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    if (signal.aborted) throw new Error("aborted");
    const info = await transport.sendMail({ from: c.from, to: c.to, subject: m.subject, text: m.body, html: emailHtml(m) });
    const code = Number.parseInt(String(info.response).slice(0, 3), 10);
    return { ok: true, status: Number.isNaN(code) ? null : code, detail: String(info.response), retryable: false };
  } catch (e) {
    const err = e as { message?: string; responseCode?: number; code?: string };
    const status = typeof err.responseCode === "number" ? err.responseCode : null;
    // 5xx replies are permanent (bad recipient, refused sender); connection trouble and 4xx are not.
    const retryable = status === null || status < 500;
    return { ok: false, status, detail: [err.code, err.message].filter(Boolean).join(": ") || String(e), retryable };
  } finally {
    signal.removeEventListener("abort", onAbort);
    transport.close();
  }
}

export const email: Channel<EmailConfig> = {
  kind: "email",
  ...CHANNEL_FORMATS.email,
  validateConfig: (raw) => zodCheck(ZEmailConfig, raw),
  redact: (c) => ({ smtpUrl: maskSmtpUrl(c.smtpUrl), from: c.from, to: c.to.join(", ") }),
  send,
};
