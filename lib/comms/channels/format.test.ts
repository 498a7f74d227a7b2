import { describe, expect, it } from "vitest";
import { CHANNEL_KINDS, channelFor } from ".";
import { CHANNEL_FORMATS, checkLength, emailHtml, isChannelKind, slackText, teamsText } from "./format";

// The composer and the template editor preview with these functions in the browser; the
// channels send with the same ones, so a preview cannot promise what a channel will not send.

const m = { subject: "Checkout <down> & out", body: "Line 1 <script>alert(1)</script>\nLine 2 *bold* & more" };

describe("channel formats", () => {
  it("are the ones the channels measure and limit with", () => {
    for (const kind of CHANNEL_KINDS) {
      const c = channelFor(kind);
      expect(c.limits).toEqual(CHANNEL_FORMATS[kind].limits);
      expect(c.label).toBe(CHANNEL_FORMATS[kind].label);
      expect(c.measure(m)).toBe(CHANNEL_FORMATS[kind].measure(m));
    }
    expect(isChannelKind("slack")).toBe(true);
    expect(isChannelKind("sms")).toBe(false);
  });

  it("escape each format's control characters", () => {
    expect(slackText(m)).toBe("*Checkout &lt;down&gt; &amp; out*\nLine 1 &lt;script&gt;alert(1)&lt;/script&gt;\nLine 2 *bold* &amp; more");
    expect(teamsText(m)).toBe("Line 1 &lt;script&gt;alert(1)&lt;/script&gt;<br>Line 2 *bold* &amp; more");
    expect(emailHtml(m)).not.toContain("<script>");
    expect(emailHtml(m)).toContain("&lt;script&gt;");
  });

  it("counts Teams in bytes (an emoji is four), Slack in characters", () => {
    const emoji = { subject: "", body: "🚨".repeat(10) };
    const plain = { subject: "", body: "" };
    expect(CHANNEL_FORMATS.teams.measure(emoji) - CHANNEL_FORMATS.teams.measure(plain)).toBe(40);
    expect(CHANNEL_FORMATS.slack.measure(emoji) - CHANNEL_FORMATS.slack.measure(plain)).toBe(20);
    expect(checkLength(CHANNEL_FORMATS.teams, { subject: "", body: "🚨".repeat(7_000) })).toContain("the limit is 28000");
  });
});
