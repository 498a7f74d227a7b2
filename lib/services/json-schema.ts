import { z } from "zod";
import { ZServicesFile } from "./catalog-file.ts";

/** The JSON Schema editors use to validate services files; generated from the same zod schema. */
export function servicesJsonSchema(): string {
  const schema = z.toJSONSchema(ZServicesFile, { io: "input", unrepresentable: "any" });
  return JSON.stringify({ ...schema, title: "Rollcall services file" }, null, 2) + "\n";
}
