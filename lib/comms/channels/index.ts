import { email } from "./email";
import { slack } from "./slack";
import { teams } from "./teams";
import type { Channel, ChannelKind, ChannelMessage, ConfigCheck, SendResult } from "./types";
import { checkLength } from "./format";
import { webhook } from "./webhook";

export type { ChannelKind, ChannelMessage, SendResult } from "./types";
export { checkLength } from "./format";

/** A channel whose config is checked at the boundary, so callers can hold any kind. */
export type AnyChannel = {
  kind: ChannelKind;
  label: string;
  limits: { maxLength: number };
  measure: (message: ChannelMessage) => number;
  validateConfig: (raw: unknown) => ConfigCheck<unknown>;
  redact: (raw: unknown) => Record<string, string>;
  send: (message: ChannelMessage, raw: unknown, signal: AbortSignal) => Promise<SendResult>;
};

function erase<C>(c: Channel<C>): AnyChannel {
  return {
    kind: c.kind,
    label: c.label,
    limits: c.limits,
    measure: c.measure,
    validateConfig: c.validateConfig,
    redact: (raw) => {
      const v = c.validateConfig(raw);
      return v.ok ? c.redact(v.config) : { config: "invalid" };
    },
    send: async (message, raw, signal) => {
      const v = c.validateConfig(raw);
      if (!v.ok) return { ok: false, status: null, detail: `Invalid channel config: ${v.errors.join("; ")}`, retryable: false };
      const tooLong = checkLength(c, message);
      if (tooLong) return { ok: false, status: null, detail: tooLong, retryable: false };
      return c.send(message, v.config, signal);
    },
  };
}

export const CHANNEL_KINDS: readonly ChannelKind[] = ["slack", "teams", "email", "webhook"];

const registry: Record<ChannelKind, AnyChannel> = {
  slack: erase(slack),
  teams: erase(teams),
  email: erase(email),
  webhook: erase(webhook),
};

export function channelFor(kind: ChannelKind): AnyChannel {
  return registry[kind];
}
