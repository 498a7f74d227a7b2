import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseCatalog } from "./catalog-file";
import { servicesJsonSchema } from "./json-schema";

const ROOT = path.resolve(import.meta.dirname, "../..");
const read = (f: string) => readFileSync(path.join(ROOT, f), "utf8");

describe("services file", () => {
  it("the committed catalog/services.schema.json matches the zod schema (run npm run services:schema)", () => {
    expect(read("catalog/services.schema.json")).toBe(servicesJsonSchema());
  });

  it("reads the example file: seed 002's RTO/RPO table with runbooks and public names", () => {
    const r = parseCatalog("catalog/services.example.yaml", read("catalog/services.example.yaml"));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.format).toBe("rollcall");
    expect(r.entries.map((e) => [e.fields.name, e.fields.rtoMinutes, e.fields.rpoMinutes, e.fields.tier])).toEqual([
      ["Core API", 5, 1, "Critical"],
      ["User Auth", 5, 1, "Critical"],
      ["Database", 15, 5, "Critical"],
      ["File Storage", 30, 15, "High"],
      ["Analytics", 120, 60, "Medium"],
    ]);
    const core = r.entries[0]!.fields;
    expect(core.environments).toEqual(["production", "staging"]);
    expect(core.runbooks[0]).toEqual({ runbook: "kubernetes-rollout-undo", defaults: { production: { deployment: "core-api", namespace: "prod" }, staging: { deployment: "core-api", namespace: "staging" } } });
    expect(core.publicName).toBe("API");
    expect(r.entries[2]!.fields.onStatusPage).toBe(false);
    expect(r.entries[3]!.fields.environments).toEqual(["production"]);
  });

  it("names file, line and field of a mistake", () => {
    const text = "services:\n  - name: Core API\n    tier: Critical\n    rtoMinutes: five\n    rpoMinutes: 1\n    ownerTeam: Platform\n";
    const r = parseCatalog("s.yaml", text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ file: "s.yaml", line: 4, path: "services.0.rtoMinutes" });
  });

  it("refuses unknown keys, duplicate names and broken YAML", () => {
    const typo = parseCatalog("s.yaml", "services:\n  - name: A1\n    tier: Low\n    rtoMinutes: 5\n    rpoMinutes: 1\n    ownerTeam: T\n    rto: 5\n");
    expect(typo.ok).toBe(false);
    const dup = parseCatalog("s.yaml", "services:\n" + "  - { name: A1, tier: Low, rtoMinutes: 5, rpoMinutes: 1, ownerTeam: T }\n".repeat(2));
    expect(dup.ok ? [] : dup.errors.map((e) => e.message)).toEqual(["service A1 is declared twice"]);
    const broken = parseCatalog("s.yaml", "services: [\n");
    expect(broken.ok).toBe(false);
  });

  it("imports Backstage components and skips every other kind with a reason", () => {
    const r = parseCatalog("catalog-info.yaml", read("catalog/backstage.example.yaml"));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.format).toBe("backstage");
    expect(r.entries.map((e) => e.ref)).toEqual(["component:default/core-api", "component:default/analytics"]);
    const core = r.entries[0]!.fields;
    expect(core).toMatchObject({ name: "Core API", tier: "Critical", rtoMinutes: 5, rpoMinutes: 1, ownerTeam: "platform", lifecycle: "production", system: "checkout", publicName: "API" });
    expect(core.environments).toEqual(["production", "staging"]);
    expect(core.runbooks.map((x) => x.runbook)).toEqual(["kubernetes-rollout-undo", "application-only"]);
    expect(r.entries[1]!.fields.onStatusPage).toBe(false);
    expect(r.skipped).toEqual([
      { ref: "api:default/core-api-openapi", reason: expect.stringContaining("only Component is imported") },
      { ref: "system:default/checkout", reason: expect.stringContaining("only Component is imported") },
    ]);
  });

  it("skips a component without RTO/RPO annotations rather than guessing", () => {
    const text = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: billing }\nspec: { type: service, owner: finance, lifecycle: production }\n";
    const r = parseCatalog("c.yaml", text);
    if (!r.ok) throw new Error("should parse");
    expect(r.entries).toEqual([]);
    expect(r.skipped[0]).toMatchObject({ ref: "component:default/billing", reason: expect.stringContaining("rollcall.dev/rto-minutes") });
  });
});
