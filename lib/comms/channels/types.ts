import type { z } from "zod";

export type ChannelKind = "slack" | "teams" | "email" | "webhook";

/** Plain text as the commander approved it; each channel escapes it for its own format. */
export type ChannelMessage = {
  subject: string;
  body: string;
  meta?: { messageId?: string; deliveryId?: string; incidentId?: string | null; audience?: string };
};

/** status: the HTTP status or SMTP reply code when there was one. retryable=false: do not retry. */
export type SendResult = { ok: boolean; status: number | null; detail: string; retryable: boolean };

export type ConfigCheck<C> = { ok: true; config: C } | { ok: false; errors: string[] };

export type Channel<C> = {
  kind: ChannelKind;
  label: string;
  /** maxLength applies to measure(message): the text as this channel would send it. */
  limits: { maxLength: number };
  measure: (message: ChannelMessage) => number;
  validateConfig: (raw: unknown) => ConfigCheck<C>;
  /** The config safe to show in a page: secrets masked. */
  redact: (config: C) => Record<string, string>;
  send: (message: ChannelMessage, config: C, signal: AbortSignal) => Promise<SendResult>;
};

export function zodCheck<S extends z.ZodType>(schema: S, raw: unknown): ConfigCheck<z.infer<S>> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, errors: parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`) };
}
