import { z } from "zod";
import { singleLine } from "../validation/text.ts";
import { ENVIRONMENT_NAME } from "../services/rollback-runbooks.ts";

// Deployment records (lib/deployments): the zod schemas the verbs, the REST API and its OpenAPI
// document share. Services are named by id or by name, so a pipeline need not know our ids.

export const DEPLOYMENT_STATUSES = ["in_progress", "succeeded", "failed"] as const;
export const DEPLOYMENT_VERDICTS = ["pending", "verified_good", "bad"] as const;

const text = (max: number, what: string) => singleLine().trim().min(1, `${what} cannot be empty.`).max(max, `${what} is limited to ${max} characters.`);
const optional = (max: number, what: string) =>
  singleLine()
    .trim()
    .max(max, `${what} is limited to ${max} characters.`)
    .nullish()
    .transform((v) => (v ? v : null));

export const ZRecordDeployment = z
  .strictObject({
    serviceId: z.uuid("serviceId is not a service id.").optional().describe("the service's id; or give `service`"),
    service: text(100, "The service name").optional().describe("the service's name; or give `serviceId`"),
    environment: singleLine().trim().regex(ENVIRONMENT_NAME, "Environment names use lower-case letters, digits, _ and -.").default("production"),
    version: text(100, "The version"),
    commit: optional(100, "The commit"),
    artifactDigest: optional(200, "The artifact digest"),
    status: z.enum(DEPLOYMENT_STATUSES, "status is in_progress, succeeded or failed.").default("in_progress"),
    startedAt: z.coerce.date("startedAt is not a date.").optional().describe("default: now"),
    finishedAt: z.coerce.date("finishedAt is not a date.").optional().describe("for status succeeded or failed; default: now"),
    idempotencyKey: text(200, "The idempotency key").describe("the same key for the same service returns the same record"),
    force: z.boolean().default(false).describe("record although a rollback of the service is running (needs forceReason)"),
    forceReason: optional(500, "The reason"),
  })
  .refine((v) => Boolean(v.serviceId) !== Boolean(v.service), { message: "Name the service by serviceId or by service (name), one of them.", path: ["service"] })
  .refine((v) => !v.force || Boolean(v.forceReason), { message: "Say why the deploy freeze is overridden.", path: ["forceReason"] });
export type RecordDeployment = z.infer<typeof ZRecordDeployment>;

export const ZUpdateDeployment = z.strictObject({
  id: z.uuid("Not a deployment id."),
  status: z.enum(["succeeded", "failed"], "status is succeeded or failed."),
  finishedAt: z.coerce.date("finishedAt is not a date.").optional().describe("default: now"),
});
export type UpdateDeployment = z.infer<typeof ZUpdateDeployment>;

export const ZListDeployments = z.strictObject({
  serviceId: z.uuid("serviceId is not a service id.").optional(),
  service: text(100, "The service name").optional(),
  environment: singleLine().trim().regex(ENVIRONMENT_NAME).optional(),
  /** Only deployments started before this time (paging: pass the last row's startedAt). */
  before: z.coerce.date().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListDeployments = z.infer<typeof ZListDeployments>;

/** Deployment.evidence: what a verdict was based on. Parsed here only. */
export const ZVerdictEvidence = z.object({
  windowMinutes: z.number(),
  from: z.string(),
  until: z.string(),
  incidents: z.array(z.object({ key: z.string(), title: z.string(), detectedAt: z.string() })),
  alertGroups: z.array(z.object({ id: z.string(), title: z.string(), firstFiredAt: z.string(), status: z.string() })),
  /** Set when a later deployment replaced this one before its window passed. */
  supersededBy: z.string().nullish(),
});
export type VerdictEvidence = z.infer<typeof ZVerdictEvidence>;

export function parseEvidence(v: unknown): VerdictEvidence | null {
  const r = ZVerdictEvidence.safeParse(v);
  return r.success ? r.data : null;
}

/** What every verb returns for one deployment (and the API's response body). */
export const ZDeployment = z.object({
  id: z.string(),
  serviceId: z.string(),
  serviceName: z.string(),
  environment: z.string(),
  version: z.string(),
  commit: z.string().nullable(),
  artifactDigest: z.string().nullable(),
  deployedBy: z.object({ type: z.string(), id: z.string().nullable(), label: z.string() }),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
  status: z.enum(DEPLOYMENT_STATUSES),
  idempotencyKey: z.string(),
  isRollback: z.boolean(),
  rollbackRequestId: z.string().nullable(),
  forcedReason: z.string().nullable(),
  verdict: z.enum(DEPLOYMENT_VERDICTS),
  evidence: ZVerdictEvidence.nullable(),
  verdictAt: z.date().nullable(),
});
export type DeploymentView = z.infer<typeof ZDeployment>;
