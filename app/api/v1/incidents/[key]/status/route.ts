import { withToken } from "@/lib/api/with-token";
import { ZApiChangeStatus } from "@/lib/api/schemas";
import { changeStatus } from "@/lib/incidents/change-status";

export const POST = withToken(async ({ ctx, body, params }) => ({ body: await changeStatus({ ctx, input: { ...body, key: params.key } }) }), {
  scope: "incidents:write",
  body: ZApiChangeStatus,
});
