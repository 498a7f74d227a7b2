import { z } from "zod";
import { withToken } from "@/lib/api/with-token";
import { AppError } from "@/lib/errors";
import { listServices } from "@/lib/services/queries";

export const GET = withToken(
  async ({ params }) => {
    const id = z.uuid().safeParse(params.id);
    const service = id.success ? (await listServices({ includeArchived: true })).find((s) => s.id === id.data) : undefined;
    if (!service) throw new AppError("NOT_FOUND", "That service does not exist.");
    return { body: service };
  },
  { scope: "incidents:read", action: "service.read" },
);
