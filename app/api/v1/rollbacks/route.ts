import { randomUUID } from "node:crypto";
import { z } from "zod";
import { withToken } from "@/lib/api/with-token";
import { ZApiRequestRollback } from "@/lib/api/schemas";
import { requestRollback } from "@/lib/approvals/request-rollback";
import { rollbackRequestById } from "@/lib/approvals/queries";

export const POST = withToken(
  async ({ ctx, body, req }) => {
    // A UUID Idempotency-Key is also the verb's own key, so a retry after a lost answer finds the request.
    const header = z.uuid().safeParse(req.headers.get("idempotency-key"));
    const { id } = await requestRollback({ ctx, input: { ...body, idempotencyKey: header.success ? header.data : randomUUID() } });
    return { status: 201, body: await rollbackRequestById(id) };
  },
  { scope: "rollbacks:request", body: ZApiRequestRollback, idempotent: true },
);
