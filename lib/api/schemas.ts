import { z } from "zod";
import { multiLine, singleLine } from "../validation/text.ts";
import { ZRequestRollback } from "../approvals/schemas.ts";
import { ZRunAction } from "../runs/schemas.ts";
import { ZListDeployments, ZRecordDeployment, ZUpdateDeployment } from "../deployments/schemas.ts";
import { LIMITS, SEVERITIES, STATUSES, ZChangeStatus, ZAddNote, ZCreateIncident, ZIncidentFilters } from "../incidents/schemas.ts";

// The bodies and queries of /api/v1, built from the schemas the verbs use; the OpenAPI document
// is generated from these (lib/api/openapi.ts).

/** The board's filters, strict: a bad filter is a 422 here rather than ignored as on the page. */
export const ZApiIncidentList = z.object({
  status: z.enum([...STATUSES, "active"]).optional(),
  severity: z.enum(SEVERITIES).optional(),
  service: z.uuid().optional(),
  q: singleLine().trim().max(LIMITS.search).optional(),
  cursor: singleLine().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
}) satisfies z.ZodType<Partial<z.infer<typeof ZIncidentFilters>>>;
export const ZApiDeclareIncident = ZCreateIncident;
/** The key comes from the path. */
export const ZApiChangeStatus = ZChangeStatus.omit({ key: true });
export const ZApiAddNote = ZAddNote.omit({ key: true });
export const ZApiServiceList = z.object({ includeArchived: z.enum(["true", "false"]).optional().transform((v) => v === "true") });

/** The verb's own idempotency key comes from the Idempotency-Key header (or is generated). */
export const ZApiRequestRollback = ZRequestRollback.omit({ idempotencyKey: true });
export const ZApiDecideRollback = z.object({
  decision: z.enum(["approve", "reject"]),
  comment: multiLine().max(2000).default(""),
});
export const ZApiRunAction = ZRunAction.omit({ runId: true });

export const ZApiRecordDeployment = ZRecordDeployment;
export const ZApiUpdateDeployment = ZUpdateDeployment.omit({ id: true });
export const ZApiDeploymentList = ZListDeployments;
