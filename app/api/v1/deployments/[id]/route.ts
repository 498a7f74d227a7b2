import { withToken } from "@/lib/api/with-token";
import { ZApiUpdateDeployment } from "@/lib/api/schemas";
import { updateDeployment } from "@/lib/deployments/update-deployment";

/** Finish a deployment: succeeded or failed. */
export const POST = withToken(async ({ ctx, body, params }) => ({ body: await updateDeployment({ ctx, input: { ...body, id: params.id } }) }), {
  scope: "deployments:write",
  body: ZApiUpdateDeployment,
});
