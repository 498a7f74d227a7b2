import { openApiDocument } from "@/lib/api/openapi";

/** Public: the document describes the API, not its data. */
export function GET() {
  return Response.json(openApiDocument(), { headers: { "cache-control": "public, max-age=300" } });
}
