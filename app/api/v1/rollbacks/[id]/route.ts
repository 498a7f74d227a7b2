import { z } from "zod";
import { withToken } from "@/lib/api/with-token";
import { AppError } from "@/lib/errors";
import { rollbackRequestById } from "@/lib/approvals/queries";
import { rollbackState } from "@/lib/approvals/rollback-state";

export const GET = withToken(
  async ({ params }) => {
    const id = z.uuid().safeParse(params.id);
    const r = id.success ? await rollbackRequestById(id.data) : null;
    if (!r) throw new AppError("NOT_FOUND", "That rollback request does not exist.");
    return { body: { ...r, state: rollbackState(r) } };
  },
  { scope: "incidents:read", action: "incident.read" },
);
