import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runbookJsonSchema } from "./json-schema";

describe("runbook JSON Schema", () => {
  it("the committed runbooks/runbook.schema.json matches the zod schema (run: npx tsx scripts/runbook-schema.ts)", () => {
    const committed = readFileSync(path.resolve(import.meta.dirname, "../../runbooks/runbook.schema.json"), "utf8");
    expect(committed).toBe(runbookJsonSchema());
  });

  it("describes a runbook and names every executor", () => {
    const s = JSON.parse(runbookJsonSchema()) as {
      required: string[];
      properties: { steps: { items: { properties: { executor: { enum: string[] } } } } };
    };
    expect(s.required).toEqual(expect.arrayContaining(["name", "title", "scope", "steps", "estimatedMinutes"]));
    expect(s.properties.steps.items.properties.executor.enum).toEqual([
      "shell",
      "http",
      "health-check",
      "wait",
      "manual",
      "notify",
      "postgres-backup",
      "postgres-restore",
      "feature-flag",
      "kubernetes",
      "prometheus-query",
    ]);
  });
});
