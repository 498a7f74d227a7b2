import { withToken } from "@/lib/api/with-token";
import { ZApiRunAction } from "@/lib/api/schemas";
import { operateRun } from "@/lib/runs/operate";

export const POST = withToken(
  async ({ ctx, body, params }) => {
    await operateRun({ ctx, input: { ...body, runId: params.id } });
    return { body: { runId: params.id, action: body.action } };
  },
  { scope: "runs:operate", body: ZApiRunAction },
);
