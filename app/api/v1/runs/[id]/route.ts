import { z } from "zod";
import { withToken } from "@/lib/api/with-token";
import { AppError } from "@/lib/errors";
import { can } from "@/lib/auth/permissions";
import { runById } from "@/lib/runs/queries";

export const GET = withToken(
  async ({ params, ctx }) => {
    const id = z.uuid().safeParse(params.id);
    const run = id.success ? await runById(id.data, ctx.actor.type === "token" && can(ctx.actor.role, "run.log.read")) : null;
    if (!run) throw new AppError("NOT_FOUND", "That run does not exist.");
    return { body: run };
  },
  { scope: "incidents:read", action: "incident.read" },
);
