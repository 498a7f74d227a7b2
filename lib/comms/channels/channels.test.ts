import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { channelFor, checkLength, type ChannelKind } from ".";
import { payload, sign } from "./webhook";

const configs: Record<ChannelKind, unknown> = {
  slack: { webhookUrl: "https://hooks.slack.com/services/T0/B0/secrettoken1234" },
  teams: { webhookUrl: "https://example.webhook.office.com/webhookb2/abc/IncomingWebhook/secretzz" },
  email: { smtpUrl: "smtp://user:p4ssw0rd@mail.example.com:587", from: "rollcall@example.com", to: ["ops@example.com"] },
  webhook: { url: "https://example.com/hook", secret: "0123456789abcdef-secret" },
};

describe("channel configs", () => {
  it.each(Object.entries(configs) as [ChannelKind, unknown][])("%s: valid config passes and its secret is masked", (kind, config) => {
    const c = channelFor(kind);
    expect(c.validateConfig(config).ok).toBe(true);
    const shown = JSON.stringify(c.redact(config));
    expect(shown).not.toMatch(/secrettoken1234|secretzz|p4ssw0rd|0123456789abcdef-secret/);
  });

  it.each([
    ["slack", { webhookUrl: "not a url" }, "webhookUrl"],
    ["teams", {}, "webhookUrl"],
    ["email", { smtpUrl: "http://x", from: "a@b.co", to: [] }, "smtpUrl"],
    ["webhook", { url: "https://x.test", secret: "short" }, "at least 16"],
  ] as [ChannelKind, unknown, string][])("%s: invalid config is refused", (kind, config, mentions) => {
    const r = channelFor(kind).validateConfig(config);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join(" ")).toContain(mentions);
  });
});

describe("length limits", () => {
  it.each([
    ["slack", 40_000],
    ["teams", 28_000],
    ["email", 100_000],
    ["webhook", 256 * 1024],
  ] as [ChannelKind, number][])("%s refuses a message over %i, naming the limit, without sending", async (kind, limit) => {
    const c = channelFor(kind);
    expect(checkLength(c, { subject: "s", body: "x".repeat(100) })).toBeNull();
    const long = { subject: "s", body: "x".repeat(limit + 1) };
    expect(checkLength(c, long)).toContain(`the limit is ${limit}`);
    // The URL points nowhere: a refused message must not even try to connect.
    const r = await c.send(long, configs[kind], AbortSignal.timeout(1000));
    expect(r).toMatchObject({ ok: false, retryable: false });
    expect(r.detail).toContain(`the limit is ${limit}`);
  });

  it("measures escaped text: '<' counts as '&lt;' on Slack", () => {
    const c = channelFor("slack");
    expect(c.measure({ subject: "", body: "<".repeat(10) })).toBe(c.measure({ subject: "", body: "x".repeat(40) }));
  });
});

describe("webhook signature", () => {
  it("is HMAC-SHA256 of the raw body and the body carries the timestamp", () => {
    const body = payload({ subject: "S", body: "B" }, 1_700_000_000);
    expect(JSON.parse(body)).toMatchObject({ timestamp: 1_700_000_000, subject: "S", body: "B" });
    expect(sign("k".repeat(16), body)).toBe(`sha256=${createHmac("sha256", "k".repeat(16)).update(body).digest("hex")}`);
  });
});
