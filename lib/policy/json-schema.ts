import { z } from "zod";
import { ZPolicy } from "./schema.ts";

/** The JSON Schema editors use to validate policy files; generated from the same zod schema. */
export function policyJsonSchema(): string {
  const schema = z.toJSONSchema(ZPolicy, { io: "input", unrepresentable: "any" });
  return JSON.stringify({ ...schema, title: "Rollcall decision-matrix policy" }, null, 2) + "\n";
}
