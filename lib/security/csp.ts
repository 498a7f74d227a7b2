import { createHash } from "node:crypto";
import { PREVIEW_FRAME_CSS } from "../comms/preview-frame.ts";

export type CspOptions = {
  nonce: string;
  /** Development: React's debugging needs eval, and the dev overlay injects styles without a nonce. */
  dev: boolean;
  /** Served over https (NEXTAUTH_URL): ask browsers to upgrade any stray http subresource. */
  https: boolean;
};

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
const PREVIEW_STYLE = sha256(PREVIEW_FRAME_CSS);

/** A fresh, unguessable nonce for one response (128 bits). */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

/**
 * Next's documented nonce policy (app/guides/content-security-policy), with three choices of ours:
 * style attributes (progress bars' widths, React style props) are allowed by style-src-attr while
 * style elements need the nonce; the message preview's stylesheet is allowed by its hash; and
 * connect-src 'self' covers the same-origin socket.io websocket.
 */
export function contentSecurityPolicy({ nonce, dev, https }: CspOptions): string {
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    ["script-src", "'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(dev ? ["'unsafe-eval'"] : [])],
    ["style-src", "'self'", ...(dev ? ["'unsafe-inline'"] : [`'nonce-${nonce}'`, PREVIEW_STYLE])],
    ["style-src-attr", "'unsafe-inline'"],
    ["img-src", "'self'", "blob:", "data:"],
    ["font-src", "'self'"],
    ["connect-src", "'self'"],
    ["object-src", "'none'"],
    ["base-uri", "'none'"],
    ["form-action", "'self'"],
    ["frame-ancestors", "'none'"],
    ...(https ? ([["upgrade-insecure-requests"]] as [string][]) : []),
  ];
  return directives.map((d) => d.join(" ")).join("; ");
}
