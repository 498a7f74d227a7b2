import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { startApiServer, type ApiServer } from "../../test/api-v1-server";
import type { Db } from "../db/client";
import { setEnv } from "../env";
import type { Ctx } from "../auth/actor";
import type { RoleName } from "../auth/permissions";
import { makeOnCall, makeService, ROLLBACK_RUNBOOK, setUpCommsKey, setUpRunbooks } from "../alerts/testing/fixtures";
import { createApiToken, revokeApiToken, rotateApiToken } from "../api-tokens/tokens";
import type { Scope } from "../api-tokens/schemas";
import { validate } from "@readme/openapi-parser";

// /api/v1 over real HTTP against the real route handlers and a real PostgreSQL: tokens (scope, role,
// revoked, expired, rotated, owner deactivated), idempotent creates, errors and rate limits.

let db: Db;
let drop: () => Promise<void>;
let server: ApiServer;
let serviceId: string;

async function person(role: RoleName) {
  const u = await db.user.create({ data: { email: `${role}-${randomUUID()}@example.test`, name: `Test ${role}`, role }, select: { id: true, email: true, name: true } });
  const ctx: Ctx = { actor: { type: "user", id: u.id, email: u.email, name: u.name, role } };
  return { ...u, ctx };
}

async function token(role: RoleName, scopes: Scope[], name = `ci-${role}`) {
  const p = await person(role);
  const t = await createApiToken({ ctx: p.ctx, input: { name, scopes, expiresInDays: 30 } });
  return { ...t, owner: p };
}

async function call(method: string, path: string, secret: string | null, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(server.url + path, {
    method,
    headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
  return { status: res.status, headers: res.headers, json: (text ? JSON.parse(text) : null) as Record<string, any> };
}

const rollbackBody = (key: string) => ({ key, runbook: ROLLBACK_RUNBOOK, target: "v1", params: { version: "v1" }, reason: "Errors since the v2 deploy" });

const declaration = () => ({ title: "Checkout errors after deploy", trigger: "Error rate above 10%", severity: "HIGH", serviceIds: [serviceId] });

beforeAll(async () => {
  setEnv("POLICY_FILE", "policy/default.yaml");
  setUpRunbooks();
  setUpCommsKey();
  ({ db, drop } = await freshDatabase("apiv1"));
  await makeOnCall(db);
  serviceId = (await makeService(db, "Checkout")).id;
  server = await startApiServer();
});

afterAll(async () => {
  await server?.close();
  await drop?.();
});

describe("authentication", () => {
  it("refuses a missing, malformed or unknown token with 401 and a JSON error", async () => {
    for (const secret of [null, "nope", "rc_" + "x".repeat(43)]) {
      const r = await call("GET", "/api/v1/incidents", secret);
      expect(r.status).toBe(401);
      expect(r.json.error.code).toBe("UNAUTHENTICATED");
    }
  });

  it("stores only a hash: the secret is not in the database", async () => {
    const t = await token("oncall", ["incidents:read"]);
    expect(t.secret).toMatch(/^rc_[A-Za-z0-9_-]{43}$/);
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: t.id } });
    expect(JSON.stringify(row)).not.toContain(t.secret);
    expect((await call("GET", "/api/v1/incidents", t.secret)).status).toBe(200);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: t.id } })).lastUsedAt).not.toBeNull();
  });

  it("a revoked token stops working; only its owner or an administrator may revoke it", async () => {
    const t = await token("oncall", ["incidents:read"]);
    const other = await person("teamlead");
    await expect(revokeApiToken({ ctx: other.ctx, input: { tokenId: t.id } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await call("GET", "/api/v1/incidents", t.secret)).status).toBe(200);
    const admin = await person("admin");
    await revokeApiToken({ ctx: admin.ctx, input: { tokenId: t.id } });
    expect((await call("GET", "/api/v1/incidents", t.secret)).status).toBe(401);
  });

  it("an expired token stops working", async () => {
    const p = await person("oncall");
    const t = await createApiToken({ ctx: p.ctx, input: { name: "old", scopes: ["incidents:read"], expiresInDays: 1 }, now: new Date(Date.now() - 2 * 86_400_000) });
    expect((await call("GET", "/api/v1/incidents", t.secret)).status).toBe(401);
  });

  it("rotation gives a new secret; the old one works during the overlap, and not without one", async () => {
    const t = await token("oncall", ["incidents:read"]);
    const r1 = await rotateApiToken({ ctx: t.owner.ctx, input: { tokenId: t.id, overlapHours: 2 } });
    expect(r1.secret).not.toBe(t.secret);
    expect((await call("GET", "/api/v1/incidents", t.secret)).status).toBe(200);
    expect((await call("GET", "/api/v1/incidents", r1.secret)).status).toBe(200);
    const r2 = await rotateApiToken({ ctx: t.owner.ctx, input: { tokenId: r1.id, overlapHours: 0 } });
    expect((await call("GET", "/api/v1/incidents", r1.secret)).status).toBe(401);
    expect((await call("GET", "/api/v1/incidents", r2.secret)).status).toBe(200);
  });

  it("a deactivated owner's tokens stop working, and a demotion narrows them at once", async () => {
    const t = await token("oncall", ["incidents:read", "incidents:write"]);
    await db.user.update({ where: { id: t.owner.id }, data: { role: "viewer" } });
    const refused = await call("POST", "/api/v1/incidents", t.secret, declaration());
    expect(refused.status).toBe(403);
    await db.user.update({ where: { id: t.owner.id }, data: { active: false } });
    expect((await call("GET", "/api/v1/incidents", t.secret)).status).toBe(401);
  });
});

describe("scopes and roles on every endpoint", () => {
  // [method, path, scope it needs, body]; the key and id are filled in once an incident exists.
  // pastAuth: the verb may still refuse for the resource's state (409/404); the token checks passed.
  type Case = { method: string; path: () => string; scope: Scope; body?: () => unknown; pastAuth?: boolean };
  // An incident without a pending rollback, whose status may change.
  let calmKey = "";
  // An incident with no rollback yet, for the one request the role test makes.
  let spareKey = "";
  const version = async () => (await db.incident.findUniqueOrThrow({ where: { key: calmKey }, select: { version: true } })).version;
  let key = "";
  const cases: Case[] = [
    { method: "GET", path: () => "/api/v1/incidents", scope: "incidents:read" },
    { method: "GET", path: () => `/api/v1/incidents/${key}`, scope: "incidents:read" },
    { method: "POST", path: () => "/api/v1/incidents", scope: "incidents:write", body: declaration },
    { method: "POST", path: () => `/api/v1/incidents/${key}/notes`, scope: "incidents:write", body: () => ({ note: "Looking at the deploy" }) },
    { method: "POST", path: () => `/api/v1/incidents/${calmKey}/status`, scope: "incidents:write", body: async () => ({ status: "investigating", version: await version() }) },
    { method: "POST", path: () => "/api/v1/rollbacks", scope: "rollbacks:request", body: () => rollbackBody(spareKey) },
    { method: "GET", path: () => `/api/v1/rollbacks/${rollbackId}`, scope: "incidents:read" },
    { method: "POST", path: () => `/api/v1/rollbacks/${rollbackId}/decision`, scope: "rollbacks:approve", body: () => ({ decision: "reject", comment: "Not this version" }), pastAuth: true },
    { method: "GET", path: () => `/api/v1/runs/${runId}`, scope: "incidents:read", pastAuth: true },
    { method: "GET", path: () => `/api/v1/runs/${runId}/events`, scope: "incidents:read", pastAuth: true },
    { method: "POST", path: () => `/api/v1/runs/${runId}/actions`, scope: "runs:operate", body: () => ({ action: "abort", reason: "stop" }), pastAuth: true },
    { method: "GET", path: () => "/api/v1/deployments", scope: "incidents:read" },
    { method: "POST", path: () => "/api/v1/deployments", scope: "deployments:write", body: () => ({ serviceId: payments, version: "v7", idempotencyKey: randomUUID() }) },
    { method: "POST", path: () => `/api/v1/deployments/${deploymentId}`, scope: "deployments:write", body: () => ({ status: "succeeded" }), pastAuth: true },
    { method: "GET", path: () => "/api/v1/services", scope: "incidents:read" },
    { method: "GET", path: () => `/api/v1/services/${serviceId}`, scope: "incidents:read" },
  ];

  let rollbackId = "";
  let payments = "";
  let deploymentId = "";
  // No run exists under this id: operating on it passes the token checks and then is a 404.
  const runId = randomUUID();

  beforeAll(async () => {
    const t = await token("oncall", ["incidents:write", "rollbacks:request"]);
    key = (await call("POST", "/api/v1/incidents", t.secret, declaration())).json.key as string;
    calmKey = (await call("POST", "/api/v1/incidents", t.secret, declaration())).json.key as string;
    spareKey = (await call("POST", "/api/v1/incidents", t.secret, declaration())).json.key as string;
    const r = await call("POST", "/api/v1/rollbacks", t.secret, rollbackBody(key));
    expect([r.status, r.json]).toEqual([201, expect.anything()]);
    rollbackId = r.json.id as string;
    payments = (await makeService(db, "Payments")).id;
    const d = await token("oncall", ["deployments:write"]);
    const dep = await call("POST", "/api/v1/deployments", d.secret, { serviceId: payments, version: "v6", idempotencyKey: randomUUID() });
    expect([dep.status, dep.json]).toEqual([201, expect.anything()]);
    deploymentId = dep.json.id as string;
  });

  it("every route file is in this table", () => {
    const covered = new Set(cases.map((c) => `${c.method} ${c.path().replace(calmKey, "{key}").replace(key, "{key}").replace(serviceId, "{id}").replace(rollbackId, "{id}").replace(deploymentId, "{id}").replace(runId, "{id}")}`));
    // The OpenAPI document is public; it has its own test below.
    const routes = server.routes.filter((r) => r.path !== "/api/v1/openapi.json").flatMap((r) => r.methods.map((m) => `${m} ${r.path}`));
    expect(routes.filter((r) => !covered.has(r))).toEqual([]);
  });

  it("refuses a token without the scope (403), even when the role would allow it", async () => {
    for (const c of cases) {
      const others = (["incidents:read", "incidents:write", "rollbacks:request", "rollbacks:approve", "runs:operate", "deployments:write"] as Scope[]).filter((s) => s !== c.scope);
      const t = await token("admin", others);
      const r = await call(c.method, c.path(), t.secret, await c.body?.());
      expect([c.method, c.path(), r.status, r.json.error?.code]).toEqual([c.method, c.path(), 403, "FORBIDDEN"]);
    }
  });

  it("refuses beyond the owner's role (403) and allows within it", async () => {
    for (const c of cases) {
      const viewer = await token("viewer", [c.scope]);
      const r = await call(c.method, c.path(), viewer.secret, await c.body?.());
      expect([c.method, c.path(), r.status]).toEqual([c.method, c.path(), c.method === "GET" ? (c.path().includes(runId) ? 404 : 200) : 403]);
      const oncall = await token("oncall", [c.scope]);
      const ok = await call(c.method, c.path(), oncall.secret, await c.body?.());
      if (c.pastAuth) expect([c.method, c.path(), [401, 403].includes(ok.status)]).toEqual([c.method, c.path(), false]);
      else expect([c.method, c.path(), ok.status < 300]).toEqual([c.method, c.path(), true]);
    }
  });
});

describe("creates and errors", () => {
  it("an Idempotency-Key replays the first answer; a different body with the same key is a 409", async () => {
    const t = await token("oncall", ["incidents:write"]);
    const before = await db.incident.count();
    const first = await call("POST", "/api/v1/incidents", t.secret, declaration(), { "idempotency-key": "deploy-42" });
    expect(first.status).toBe(201);
    const again = await call("POST", "/api/v1/incidents", t.secret, declaration(), { "idempotency-key": "deploy-42" });
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await db.incident.count()).toBe(before + 1);
    const other = await call("POST", "/api/v1/incidents", t.secret, { ...declaration(), title: "Something else" }, { "idempotency-key": "deploy-42" });
    expect(other.status).toBe(409);
    expect(other.json.error.code).toBe("CONFLICT");
    // Keys are per token: another token's same key is a new request.
    const t2 = await token("oncall", ["incidents:write"]);
    expect((await call("POST", "/api/v1/incidents", t2.secret, declaration(), { "idempotency-key": "deploy-42" })).json.key).not.toBe(first.json.key);
  });

  it("audits the call with the token's name", async () => {
    const t = await token("oncall", ["incidents:write"], "github-actions");
    const r = await call("POST", "/api/v1/incidents", t.secret, declaration());
    const audit = await db.auditEvent.findFirstOrThrow({ where: { targetId: r.json.key as string }, select: { actorType: true, actorId: true, actorLabel: true, actorRole: true } });
    expect(audit).toEqual({ actorType: "token", actorId: t.id, actorLabel: expect.stringContaining("github-actions") as string, actorRole: "oncall" });
  });

  it("answers bad JSON with 400, invalid fields with 422 and their messages, unknown incidents with 404", async () => {
    const t = await token("oncall", ["incidents:write", "incidents:read"]);
    const bad = await call("POST", "/api/v1/incidents", t.secret, "{not json");
    expect([bad.status, bad.json.error.code]).toEqual([400, "BAD_REQUEST"]);
    const invalid = await call("POST", "/api/v1/incidents", t.secret, { ...declaration(), title: "x", serviceIds: [] });
    expect(invalid.status).toBe(422);
    expect(Object.keys(invalid.json.error.fields as object).sort()).toEqual(["serviceIds", "title"]);
    const missing = await call("GET", "/api/v1/incidents/INC-2020-999", t.secret);
    expect([missing.status, missing.json.error.code]).toEqual([404, "NOT_FOUND"]);
  });

  it("a stale version is a 409", async () => {
    const t = await token("oncall", ["incidents:write"]);
    const key = (await call("POST", "/api/v1/incidents", t.secret, declaration())).json.key as string;
    expect((await call("POST", `/api/v1/incidents/${key}/status`, t.secret, { status: "investigating", version: 0 })).status).toBe(200);
    const stale = await call("POST", `/api/v1/incidents/${key}/status`, t.secret, { status: "monitoring", version: 0 });
    expect(stale.status).toBe(409);
  });

  it("limits calls per token with 429 and Retry-After", async () => {
    setEnv("API_RATE_LIMIT_PER_MINUTE", "3");
    try {
      const t = await token("oncall", ["incidents:read"]);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await call("GET", "/api/v1/services", t.secret)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const other = await token("oncall", ["incidents:read"]);
      expect((await call("GET", "/api/v1/services", other.secret)).status).toBe(200);
      const r = await call("GET", "/api/v1/services", t.secret);
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      setEnv("API_RATE_LIMIT_PER_MINUTE", "300");
    }
  });
});

describe("run events", () => {
  it("streams the run as Server-Sent Events while it changes and ends when it finishes", async () => {
    const run = await db.run.create({
      data: { runbookName: ROLLBACK_RUNBOOK, runbookTitle: "Roll back", runbookVersion: "1", runbookSnapshot: {}, params: {}, mode: "live", startedByLabel: "test" },
      select: { id: true },
    });
    const t = await token("viewer", ["incidents:read"]);
    const res = await fetch(`${server.url}/api/v1/runs/${run.id}/events`, { headers: { authorization: `Bearer ${t.secret}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes('"status":"running"')) text += (await reader.read()).value ?? "";
    await db.run.update({ where: { id: run.id }, data: { status: "succeeded", finishedAt: new Date() } });
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const events = text.split("\n\n").filter((e) => e.startsWith("event: run"));
    expect(events.map((e) => (JSON.parse(e.split("data: ")[1]!) as { status: string }).status)).toEqual(["running", "succeeded"]);
  });
});

describe("OpenAPI document", () => {
  it("is served without a token, is valid OpenAPI 3.1, and describes every route file", async () => {
    const res = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe("3.1.0");
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    const routes = server.routes.filter((r) => r.path !== "/api/v1/openapi.json").flatMap((r) => r.methods.map((m) => `${m} ${r.path}`)).sort();
    expect(documented).toEqual(routes);
  });
});
