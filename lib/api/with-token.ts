import { createHash } from "node:crypto";
import type { z } from "zod";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import type pg from "pg";
import { db, poolOf } from "../db/client.ts";
import type { Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import type { Action } from "../auth/permissions.ts";
import { THROTTLE_TABLE } from "../auth/throttle.ts";
import { CLIENT_IP_HEADER } from "../auth/client-ip.ts";
import { AppError, isAppError, type AppErrorCode } from "../errors.ts";
import { env } from "../env.ts";
import { resolveApiToken, type TokenActor } from "../api-tokens/tokens.ts";
import type { Scope } from "../api-tokens/schemas.ts";

// The one wrapper of every /api/v1 route: bearer token -> actor, scope, role, rate limit, zod
// parsing, Idempotency-Key on creates, and errors as { error: { code, message, fields? } }.

export type ApiErrorCode = AppErrorCode | "BAD_REQUEST" | "INTERNAL";

const STATUS: Record<ApiErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  DEPLOY_FREEZE: 409,
  VALIDATION: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

export type ApiResult = { status?: number; body: unknown };
export type ApiArgs<B, Q> = { req: Request; ctx: Ctx; token: TokenActor; body: B; query: Q; params: Record<string, string> };
export type RouteContext = { params: Promise<Record<string, string | string[]>> };

export type ApiOptions<B, Q> = {
  scope: Scope;
  /** A read checks the role here; a mutation's verb checks it itself (and audits with the token's name). */
  action?: Action;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  /** Creates: an Idempotency-Key header makes a retry return the first answer. */
  idempotent?: boolean;
};

const replacer = (_k: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body, replacer), { status, headers: { "content-type": "application/json", "cache-control": "no-store", ...headers } });
}

export function apiError(code: ApiErrorCode, message: string, fields?: Record<string, string[]>, headers: Record<string, string> = {}): Response {
  return json(STATUS[code], { error: { code, message, ...(fields && Object.keys(fields).length ? { fields } : {}) } }, headers);
}

let limiter: { pool: pg.Pool; points: number; rl: RateLimiterPostgres } | null = null;
function rateLimiter(): RateLimiterPostgres | null {
  const pool = poolOf(db());
  if (!pool) return null;
  const points = env().API_RATE_LIMIT_PER_MINUTE;
  if (limiter?.pool !== pool || limiter.points !== points) {
    limiter = { pool, points, rl: new RateLimiterPostgres({ storeClient: pool, storeType: "pool", tableName: THROTTLE_TABLE, tableCreated: true, keyPrefix: "api-token", points, duration: 60 }) };
  }
  return limiter.rl;
}

/** Consumes one call; a 429 Response when the token is over its limit. */
async function rateLimit(tokenId: string): Promise<Response | null> {
  const rl = rateLimiter();
  if (!rl) return null;
  try {
    await rl.consume(tokenId);
    return null;
  } catch (res) {
    if (!(res instanceof RateLimiterRes)) throw res;
    const retry = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    return apiError("RATE_LIMITED", `Too many calls with this token: try again in ${retry} s.`, undefined, { "retry-after": String(retry) });
  }
}

function bearer(req: Request): string | null {
  const h = req.headers.get("authorization");
  const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m ? m[1]! : null;
}

function fieldsOf(error: z.ZodError) {
  return AppError.validation(error).fieldErrors;
}

async function runIdempotent(tokenId: string, key: string, requestHash: string, run: () => Promise<Response>): Promise<Response> {
  // Reserve the key first, so two concurrent retries cannot both create.
  const reserved = await db().apiIdempotency.createMany({ data: [{ tokenId, key, requestHash, status: 0, body: {} }], skipDuplicates: true });
  if (reserved.count === 0) {
    const prior = await db().apiIdempotency.findUnique({ where: { tokenId_key: { tokenId, key } } });
    if (!prior) return apiError("CONFLICT", "That Idempotency-Key was just released: retry.");
    if (prior.requestHash !== requestHash) return apiError("CONFLICT", "This Idempotency-Key was used with a different request.");
    if (prior.status === 0) return apiError("CONFLICT", "A request with this Idempotency-Key is still in progress.");
    return json(prior.status, prior.body, { "idempotent-replayed": "true" });
  }
  let res: Response;
  try {
    res = await run();
  } catch (e) {
    await db().apiIdempotency.delete({ where: { tokenId_key: { tokenId, key } } });
    throw e;
  }
  if (res.status >= 500 || res.status === 429) {
    await db().apiIdempotency.delete({ where: { tokenId_key: { tokenId, key } } });
    return res;
  }
  const body: unknown = await res.clone().json();
  await db().apiIdempotency.update({ where: { tokenId_key: { tokenId, key } }, data: { status: res.status, body: body as object } });
  return res;
}

function toResponse(e: unknown): Response {
  if (isAppError(e)) return apiError(e.code, e.message, e.fieldErrors);
  console.error("api/v1: unexpected error", e);
  return apiError("INTERNAL", "Something went wrong on the server.");
}

export function withToken<B = undefined, Q = undefined>(handler: (a: ApiArgs<B, Q>) => Promise<ApiResult | Response>, opts: ApiOptions<B, Q>) {
  return async (req: Request, route?: RouteContext): Promise<Response> => {
    try {
      const secret = bearer(req);
      const token = secret ? await resolveApiToken(secret) : null;
      if (!token) return apiError("UNAUTHENTICATED", "Send a valid API token: Authorization: Bearer rc_…", undefined, { "www-authenticate": "Bearer" });
      const limited = await rateLimit(token.tokenId);
      if (limited) return limited;
      if (!token.scopes.includes(opts.scope)) return apiError("FORBIDDEN", `This token lacks the scope ${opts.scope}.`);
      if (opts.action) assertCan(token.actor, opts.action);

      const raw = Object.fromEntries(Object.entries((await route?.params) ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]));
      const url = new URL(req.url);
      let query = undefined as Q;
      if (opts.query) {
        const q = opts.query.safeParse(Object.fromEntries(url.searchParams));
        if (!q.success) return apiError("VALIDATION", "The query is not valid.", fieldsOf(q.error));
        query = q.data;
      }
      let text = "";
      let body = undefined as B;
      if (opts.body) {
        text = await req.text();
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : {};
        } catch {
          return apiError("BAD_REQUEST", "The body is not valid JSON.");
        }
        const b = opts.body.safeParse(parsed);
        if (!b.success) return apiError("VALIDATION", "Please correct the fields.", fieldsOf(b.error));
        body = b.data;
      }
      const ctx: Ctx = { actor: token.actor, ip: req.headers.get(CLIENT_IP_HEADER) };
      const run = async () => {
        try {
          const out = await handler({ req, ctx, token, body, query, params: raw });
          return out instanceof Response ? out : json(out.status ?? 200, out.body);
        } catch (e) {
          return toResponse(e);
        }
      };
      const key = opts.idempotent ? req.headers.get("idempotency-key") : null;
      if (key === null) return await run();
      if (!key || key.length > 200) return apiError("BAD_REQUEST", "Idempotency-Key must be 1 to 200 characters.");
      const hash = createHash("sha256").update(`${req.method} ${url.pathname}\n${text}`).digest("hex");
      return await runIdempotent(token.tokenId, key, hash, run);
    } catch (e) {
      return toResponse(e);
    }
  };
}
