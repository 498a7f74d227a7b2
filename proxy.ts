import { NextResponse, type NextRequest } from "next/server";
import { env } from "./lib/env.ts";
import { contentSecurityPolicy, newNonce } from "./lib/security/csp.ts";

// A fresh nonce per page response: Next reads it from the request's Content-Security-Policy header
// and puts it on its own scripts and styles (pages are rendered per request; see app/layout.tsx).
export function proxy(request: NextRequest) {
  const e = env();
  const policy = contentSecurityPolicy({
    nonce: newNonce(),
    dev: e.NODE_ENV === "development",
    https: e.NEXTAUTH_URL?.startsWith("https:") ?? false,
  });
  const headers = new Headers(request.headers);
  headers.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      // Pages only: not API routes (JSON, next-auth), static files or link prefetches.
      source: "/((?!api|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
