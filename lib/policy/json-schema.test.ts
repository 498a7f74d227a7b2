import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { policyJsonSchema } from "./json-schema";

describe("policy JSON Schema", () => {
  it("the committed policy/policy.schema.json matches the zod schema (run npm run policy:schema)", () => {
    const committed = readFileSync(path.resolve(import.meta.dirname, "../../policy/policy.schema.json"), "utf8");
    expect(committed).toBe(policyJsonSchema());
  });
  it("describes the top-level sections", () => {
    const s = JSON.parse(policyJsonSchema()) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(["severities", "rules", "triggers", "scopes", "metrics", "escalation"]));
    expect(s.required).toEqual(expect.arrayContaining(["name", "scopes", "severities", "rules"]));
  });
});
