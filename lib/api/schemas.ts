import { z } from "zod";
import { ZChangeStatus, ZAddNote, ZCreateIncident, ZIncidentFilters } from "../incidents/schemas.ts";

// The bodies and queries of /api/v1, built from the schemas the verbs use; the OpenAPI document
// is generated from these (lib/api/openapi.ts).

export const ZApiIncidentList = ZIncidentFilters;
export const ZApiDeclareIncident = ZCreateIncident;
/** The key comes from the path. */
export const ZApiChangeStatus = ZChangeStatus.omit({ key: true });
export const ZApiAddNote = ZAddNote.omit({ key: true });
export const ZApiServiceList = z.object({ includeArchived: z.enum(["true", "false"]).optional().transform((v) => v === "true") });
