import { withToken } from "@/lib/api/with-token";
import { ZApiDecideRollback } from "@/lib/api/schemas";
import { decideRequest } from "@/lib/approvals/decide-request";

export const POST = withToken(async ({ ctx, body, params }) => ({ body: await decideRequest({ ctx, input: { ...body, requestId: params.id } }) }), {
  scope: "rollbacks:approve",
  body: ZApiDecideRollback,
});
