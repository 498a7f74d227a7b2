import { z } from "zod";
import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { SCOPES, type Scope } from "../api-tokens/schemas.ts";
import { ZApiDeploymentList, ZApiRecordDeployment, ZApiUpdateDeployment, ZApiAddNote, ZApiChangeStatus, ZApiDecideRollback, ZApiDeclareIncident, ZApiIncidentList, ZApiRequestRollback, ZApiRunAction, ZApiServiceList } from "./schemas.ts";

// The OpenAPI 3.1 document of /api/v1, generated from the zod schemas the routes parse with.
// Every route file under app/api/v1 has an entry here (the integration test checks it).

type Method = "get" | "post";
type Op = { method: Method; path: string; summary: string; scope: Scope; params?: string[]; query?: z.ZodObject; body?: z.ZodType; created?: boolean; idempotent?: boolean; sse?: boolean };

const OPS: Op[] = [
  { method: "get", path: "/api/v1/incidents", summary: "List incidents (newest first, keyset pages)", scope: "incidents:read", query: ZApiIncidentList },
  { method: "post", path: "/api/v1/incidents", summary: "Declare an incident", scope: "incidents:write", body: ZApiDeclareIncident, created: true, idempotent: true },
  { method: "get", path: "/api/v1/incidents/{key}", summary: "Get an incident", scope: "incidents:read", params: ["key"] },
  { method: "post", path: "/api/v1/incidents/{key}/status", summary: "Change an incident's status", scope: "incidents:write", params: ["key"], body: ZApiChangeStatus },
  { method: "post", path: "/api/v1/incidents/{key}/notes", summary: "Add a note to the timeline", scope: "incidents:write", params: ["key"], body: ZApiAddNote, created: true, idempotent: true },
  { method: "post", path: "/api/v1/rollbacks", summary: "Request a rollback", scope: "rollbacks:request", body: ZApiRequestRollback, created: true, idempotent: true },
  { method: "get", path: "/api/v1/rollbacks/{id}", summary: "Get a rollback request and its state", scope: "incidents:read", params: ["id"] },
  { method: "post", path: "/api/v1/rollbacks/{id}/decision", summary: "Approve or reject a rollback request", scope: "rollbacks:approve", params: ["id"], body: ZApiDecideRollback },
  { method: "get", path: "/api/v1/runs/{id}", summary: "Get a run and its steps", scope: "incidents:read", params: ["id"] },
  { method: "post", path: "/api/v1/runs/{id}/actions", summary: "Operate a run: retry, skip, abort or confirm", scope: "runs:operate", params: ["id"], body: ZApiRunAction },
  { method: "get", path: "/api/v1/runs/{id}/events", summary: "Follow a run as Server-Sent Events", scope: "incidents:read", params: ["id"], sse: true },
  { method: "get", path: "/api/v1/deployments", summary: "List deployment records", scope: "incidents:read", query: ZApiDeploymentList },
  { method: "post", path: "/api/v1/deployments", summary: "Record a deployment (refused during a rollback of the service unless forced)", scope: "deployments:write", body: ZApiRecordDeployment, created: true, idempotent: true },
  { method: "post", path: "/api/v1/deployments/{id}", summary: "Finish a deployment: succeeded or failed", scope: "deployments:write", params: ["id"], body: ZApiUpdateDeployment },
  { method: "get", path: "/api/v1/services", summary: "List services", scope: "incidents:read", query: ZApiServiceList },
  { method: "get", path: "/api/v1/services/{id}", summary: "Get a service", scope: "incidents:read", params: ["id"] },
];

const ZError = z.object({ error: z.object({ code: z.string(), message: z.string(), fields: z.record(z.string(), z.array(z.string())).optional() }) });
const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: ZError } } });

let cached: object | null = null;

export function openApiDocument(): object {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", description: `A personal API token (rc_…). Scopes: ${SCOPES.join(", ")}.` });
  for (const op of OPS) {
    const ok = op.sse
      ? { description: "text/event-stream: `event: run` with the run whenever it changes", content: { "text/event-stream": { schema: z.string() } } }
      : { description: op.created ? "Created" : "OK", content: { "application/json": { schema: z.looseObject({}) } } };
    registry.registerPath({
      method: op.method,
      path: op.path,
      summary: op.summary,
      description: `Scope: \`${op.scope}\`, and the token owner's role must allow it.${op.idempotent ? " Accepts Idempotency-Key." : ""}`,
      tags: [op.path.split("/")[3]!],
      security: [{ bearer: [] }],
      request: {
        ...(op.params ? { params: z.object(Object.fromEntries(op.params.map((p) => [p, z.string()]))) } : {}),
        ...(op.query ? { query: op.query } : {}),
        ...(op.idempotent ? { headers: z.object({ "Idempotency-Key": z.string().max(200).optional() }) } : {}),
        ...(op.body ? { body: { required: true, content: { "application/json": { schema: op.body } } } } : {}),
      },
      responses: {
        [op.created ? 201 : 200]: ok,
        ...(op.body ? { 400: errorResponse("Not JSON"), 422: errorResponse("Invalid fields (`fields` names each)") } : {}),
        401: errorResponse("Missing, unknown, revoked or expired token"),
        403: errorResponse("The token lacks the scope, or its owner's role may not"),
        ...(op.params ? { 404: errorResponse("Not found") } : {}),
        ...(op.method === "post" ? { 409: errorResponse("Conflict: stale version, state, or an Idempotency-Key reused with another body") } : {}),
        429: errorResponse("Rate limited (Retry-After)"),
      },
    });
  }
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: { title: "Rollcall API", version: "1", description: "Incidents, rollbacks, runs and services for scripts and CI. Errors are { error: { code, message, fields? } }." },
    security: [{ bearer: [] }],
  });
  return cached;
}

export function openApiOperations() {
  return OPS.map(({ method, path, summary, scope, idempotent }) => ({ method, path, summary, scope, idempotent: Boolean(idempotent) }));
}
