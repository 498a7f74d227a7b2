import { withToken } from "@/lib/api/with-token";
import { ZApiServiceList } from "@/lib/api/schemas";
import { listServices } from "@/lib/services/queries";

export const GET = withToken(async ({ query }) => ({ body: { items: await listServices(query) } }), { scope: "incidents:read", action: "service.read", query: ZApiServiceList });
