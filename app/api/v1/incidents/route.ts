import { withToken } from "@/lib/api/with-token";
import { ZApiDeclareIncident, ZApiIncidentList } from "@/lib/api/schemas";
import { listIncidents } from "@/lib/incidents/queries";
import { createIncident } from "@/lib/incidents/create-incident";

export const GET = withToken(async ({ query }) => ({ body: await listIncidents(query) }), { scope: "incidents:read", action: "incident.read", query: ZApiIncidentList });

export const POST = withToken(
  async ({ ctx, body }) => {
    const incident = await createIncident({ ctx, input: body });
    return { status: 201, body: incident };
  },
  { scope: "incidents:write", body: ZApiDeclareIncident, idempotent: true },
);
