import { withToken } from "@/lib/api/with-token";
import { ZApiAddNote } from "@/lib/api/schemas";
import { addNote } from "@/lib/incidents/add-note";

export const POST = withToken(
  async ({ ctx, body, params }) => {
    await addNote({ ctx, input: { ...body, key: params.key } });
    return { status: 201, body: { key: params.key, note: body.note } };
  },
  { scope: "incidents:write", body: ZApiAddNote, idempotent: true },
);
