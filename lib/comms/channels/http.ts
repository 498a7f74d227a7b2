import type { SendResult } from "./types";

/** POST a body; 2xx is delivered, 4xx (but 408/429) is a config problem not worth retrying. */
export async function postBody(url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<SendResult> {
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body, signal, redirect: "error" });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : "";
    return { ok: false, status: null, detail: `${e instanceof Error ? e.message : String(e)}${cause}`, retryable: true };
  }
  const text = (await res.text().catch(() => "")).slice(0, 300);
  const detail = `HTTP ${res.status}${text ? `: ${text}` : ""}`;
  if (res.ok) return { ok: true, status: res.status, detail, retryable: false };
  const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
  return { ok: false, status: res.status, detail, retryable };
}

/** https://host/…last4 — enough to recognise a webhook without revealing its token. */
export function maskUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}/••••${raw.slice(-4)}`;
  } catch {
    return "••••";
  }
}
