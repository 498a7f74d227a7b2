/**
 * Where to send someone after sign-in: a path on this app, never another origin. The value is
 * parsed against the app's own origin (as a browser would) instead of tested as text, so "/\evil",
 * "/\t/evil" and "https:evil" cannot slip through; what is returned is the parsed path only.
 */
export function safeCallbackUrl(raw: unknown, appOrigin: string): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2048) return "/";
  // Browsers drop tabs and newlines inside URLs and read "\" as "/": refuse rather than guess.
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return "/";
  let origin: string;
  let url: URL;
  try {
    origin = new URL(appOrigin).origin;
    // With a scheme it must be a whole URL on its own: "https:evil" is not a path here.
    url = /^[a-z][a-z0-9+.-]*:/i.test(raw) ? new URL(raw) : new URL(raw, `${origin}/`);
  } catch {
    return "/";
  }
  if (url.origin !== origin) return "/";
  // "/.//evil" parses to the path "//evil", which as a relative URL would name a host.
  const path = `${url.pathname.replace(/^\/+/, "/")}${url.search}${url.hash}`;
  return new URL(path, `${origin}/`).origin === origin ? path : "/";
}
