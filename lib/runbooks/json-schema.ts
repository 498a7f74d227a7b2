import { z } from "zod";
import { ZRunbook } from "./schema.ts";

/** The JSON Schema editors use to validate runbook files; generated from the same zod schema. */
export function runbookJsonSchema(): string {
  const schema = z.toJSONSchema(ZRunbook, { io: "input", unrepresentable: "any" });
  return JSON.stringify({ ...schema, title: "Rollcall runbook" }, null, 2) + "\n";
}
