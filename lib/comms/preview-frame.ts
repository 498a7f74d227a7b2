/**
 * The stylesheet of the sandboxed frame that previews HTML messages. A srcdoc frame inherits the
 * page's Content-Security-Policy, so the policy allows exactly this text by its hash
 * (lib/security/csp.ts): change it here and the hash follows.
 */
export const PREVIEW_FRAME_CSS =
  "body{margin:12px;font:14px/1.45 system-ui,sans-serif;color:#0f172a;background:#fff;overflow-wrap:anywhere}h1{font-size:16px;margin:0 0 8px}";
