import { withToken } from "@/lib/api/with-token";
import { ZApiDeploymentList, ZApiRecordDeployment } from "@/lib/api/schemas";
import { listDeployments } from "@/lib/deployments/queries";
import { recordDeployment } from "@/lib/deployments/record-deployment";

export const GET = withToken(async ({ ctx, query }) => ({ body: { items: await listDeployments({ ctx, input: query }) } }), {
  scope: "incidents:read",
  action: "deployment.read",
  query: ZApiDeploymentList,
});

export const POST = withToken(
  async ({ ctx, body }) => {
    const { deployment, created } = await recordDeployment({ ctx, input: body });
    return { status: created ? 201 : 200, body: deployment };
  },
  { scope: "deployments:write", body: ZApiRecordDeployment, idempotent: true },
);
