import { withToken } from "@/lib/api/with-token";
import { AppError } from "@/lib/errors";
import { getIncident } from "@/lib/incidents/queries";

export const GET = withToken(
  async ({ params }) => {
    const incident = await getIncident(params.key!);
    if (!incident) throw new AppError("NOT_FOUND", `Incident ${params.key} does not exist.`);
    return { body: incident };
  },
  { scope: "incidents:read", action: "incident.read" },
);
