import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { db } from "../db/client.ts";
import { decrypt } from "../comms/crypto.ts";
import { commsKey } from "../comms/key.ts";
import { parseAlertBody, pagerDutyRoutingKey, type IntegrationKind } from "./payloads.ts";
import { ingestAlerts } from "./ingest.ts";

// POST /api/alerts/<slug>: the route handler is this function. Order: who (401), how big (413),
// what (400, nothing stored), then ingest (200). Every refusal names its reason and stores nothing.

export const MAX_ALERT_BODY_BYTES = 1024 * 1024;
/** Grafana's HMAC timestamp may be this old at most (replay protection when the header is set). */
const SIGNATURE_MAX_AGE_MS = 5 * 60_000;

export const GRAFANA_SIGNATURE_HEADER = "x-grafana-alerting-signature";
export const GRAFANA_TIMESTAMP_HEADER = "x-grafana-alerting-timestamp";

export function tokenHash(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Constant-time comparison of a presented token with a stored SHA-256 (hex). */
export function tokenMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(tokenHash(presented), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

// Compared against when the slug is unknown, so a miss costs what a wrong token costs.
const NO_SUCH_HASH = tokenHash("rollcall: no such integration");

function answer(status: number, body: Record<string, unknown>): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
}

const unauthorized = () => answer(401, { error: "Unknown integration or wrong token: send Authorization: Bearer <the integration's token>." });
const tooLarge = () => answer(413, { error: `Body over ${MAX_ALERT_BODY_BYTES} bytes (1 MB): send fewer alerts per post.`, field: "body" });
const bad = (field: string, error: string) => answer(400, { error, field });

function bearer(request: Request): string | null {
  const h = request.headers.get("authorization");
  const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m ? m[1]! : null;
}

/** Reads at most `limit` bytes; null when the body is larger (the rest is not read). */
async function readLimited(request: Request, limit: number): Promise<Buffer | null> {
  const declared = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > limit) return null;
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function signatureOk(secret: string, raw: Buffer, signature: string, timestamp: string | null, now: Date): string | null {
  if (timestamp !== null) {
    const ts = Number(timestamp);
    if (!Number.isFinite(ts) || Math.abs(now.getTime() - ts * 1000) > SIGNATURE_MAX_AGE_MS) return "The signature's timestamp is missing, malformed or more than 5 minutes off.";
  }
  const mac = createHmac("sha256", secret);
  if (timestamp !== null) mac.update(`${timestamp}:`);
  const expected = mac.update(raw).digest();
  const given = /^[0-9a-f]+$/i.test(signature) ? Buffer.from(signature, "hex") : Buffer.alloc(0);
  return given.length === expected.length && timingSafeEqual(given, expected) ? null : "The HMAC signature does not match the body.";
}

export async function handleAlertPost(request: Request, slug: string, now: Date = new Date()): Promise<Response> {
  const integration = /^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)
    ? await db().alertIntegration.findUnique({ where: { slug }, select: { id: true, name: true, kind: true, tokenHash: true, secretEncrypted: true, mapping: true, shadow: true, enabled: true } })
    : null;
  const kind = (integration?.kind ?? "generic") as IntegrationKind;
  let presented = bearer(request);
  // PagerDuty senders put the integration key in the body (routing_key): read it before deciding.
  if (!presented && kind !== "pagerduty") {
    tokenMatches("", NO_SUCH_HASH);
    return unauthorized();
  }
  const raw = await readLimited(request, MAX_ALERT_BODY_BYTES);
  if (raw === null) return tooLarge();
  let body: unknown;
  let parsedJson = true;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    parsedJson = false;
  }
  if (!presented && parsedJson) presented = pagerDutyRoutingKey(body);
  const ok = tokenMatches(presented ?? "", integration?.tokenHash ?? NO_SUCH_HASH);
  if (!integration || !ok || !integration.enabled) return unauthorized();
  if (!parsedJson) return bad("body", "body: not valid JSON.");

  if (integration.kind === "grafana" && integration.secretEncrypted) {
    const key = commsKey();
    if (!key) return answer(500, { error: "This integration's HMAC secret cannot be read: COMMS_KEY is not set on the server." });
    const signature = request.headers.get(GRAFANA_SIGNATURE_HEADER);
    if (!signature) return answer(401, { error: `Missing ${GRAFANA_SIGNATURE_HEADER}: this integration requires Grafana's HMAC signature.`, field: GRAFANA_SIGNATURE_HEADER });
    const problem = signatureOk(decrypt(integration.secretEncrypted, key), raw, signature, request.headers.get(GRAFANA_TIMESTAMP_HEADER), now);
    if (problem) return answer(401, { error: problem, field: GRAFANA_SIGNATURE_HEADER });
  }

  const parsed = parseAlertBody(integration.kind, body);
  if (!parsed.ok) return bad(parsed.field, parsed.message);
  try {
    const groups = await ingestAlerts(integration, parsed.group, now);
    return answer(200, { ok: true, groups });
  } catch (err) {
    console.error(`[alerts] ${integration.name}: ingest failed`, err);
    return answer(500, { error: "Rollcall could not record these alerts; the sender should retry." });
  }
}
