import { z } from "zod";
import { withToken } from "@/lib/api/with-token";
import { AppError } from "@/lib/errors";
import { can } from "@/lib/auth/permissions";
import { runById } from "@/lib/runs/queries";
import { runEventStream } from "@/lib/api/run-events";

export const dynamic = "force-dynamic";

/** Server-Sent Events: `event: run` with the run (as GET /runs/{id}) whenever it changes; ends when it finishes. */
export const GET = withToken(
  async ({ params, ctx, req }) => {
    const id = z.uuid().safeParse(params.id);
    if (!id.success || !(await runById(id.data, false))) throw new AppError("NOT_FOUND", "That run does not exist.");
    const withLogs = ctx.actor.type === "token" && can(ctx.actor.role, "run.log.read");
    return new Response(runEventStream(id.data, { withLogs, signal: req.signal }), {
      headers: { "content-type": "text/event-stream", "cache-control": "no-store", "x-accel-buffering": "no" },
    });
  },
  { scope: "incidents:read", action: "incident.read" },
);
