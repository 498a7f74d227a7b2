import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PREVIEW_FRAME_CSS } from "../comms/preview-frame";
import { contentSecurityPolicy, newNonce } from "./csp";

const directive = (csp: string, name: string) => csp.split("; ").find((d) => d.split(" ")[0] === name)?.split(" ").slice(1);

describe("content security policy", () => {
  it("allows scripts and style elements only by this response's nonce in production", () => {
    const csp = contentSecurityPolicy({ nonce: "abc123", dev: false, https: false });
    expect(directive(csp, "script-src")).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'"]);
    expect(directive(csp, "style-src")).toContain("'nonce-abc123'");
    expect(directive(csp, "style-src")).not.toContain("'unsafe-inline'");
    expect(directive(csp, "upgrade-insecure-requests")).toBeUndefined();
  });
  it("allows the message preview's stylesheet by its hash", () => {
    const hash = createHash("sha256").update(PREVIEW_FRAME_CSS).digest("base64");
    expect(directive(contentSecurityPolicy({ nonce: "n", dev: false, https: false }), "style-src")).toContain(`'sha256-${hash}'`);
  });
  it("adds eval and inline styles only in development, and upgrades requests only over https", () => {
    const dev = contentSecurityPolicy({ nonce: "n", dev: true, https: true });
    expect(directive(dev, "script-src")).toContain("'unsafe-eval'");
    expect(directive(dev, "style-src")).toContain("'unsafe-inline'");
    expect(directive(dev, "upgrade-insecure-requests")).toEqual([]);
  });
  it("makes a different 128-bit nonce each time", () => {
    const a = newNonce();
    expect(Buffer.from(a, "base64")).toHaveLength(16);
    expect(newNonce()).not.toBe(a);
  });
});
