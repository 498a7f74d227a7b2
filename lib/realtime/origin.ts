import type { IncomingMessage } from "node:http";

/**
 * The origins allowed to open a cookie-authenticated websocket: the public URL's origin and the
 * configured extras. The Host header is never consulted: a client chooses it, so a page on
 * another site reached through a forged or rebound Host would otherwise pass.
 */
export function socketOrigins(publicUrl: string, extra: readonly string[] = []): string[] {
  return [...new Set([publicUrl, ...extra].map((u) => new URL(u).origin))];
}

/** True only for an Origin header that is exactly one of the allowed origins; missing is refused. */
export function originAllowed(req: Pick<IncomingMessage, "headers">, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  let parsed: string;
  try {
    parsed = new URL(origin).origin;
  } catch {
    return false;
  }
  // "null" (sandboxed frames, file://) parses to the opaque origin "null": never allowed.
  return parsed !== "null" && parsed === origin && allowed.includes(parsed);
}
