import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatPolicyError, parsePolicy } from "./load";

const root = path.resolve(import.meta.dirname, "../..");

describe("policy files", () => {
  const files = ["policy/default.yaml", ...readdirSync(path.join(root, "policy/examples")).map((f) => `policy/examples/${f}`)];
  it.each(files)("%s loads", (file) => {
    const r = parsePolicy(file, readFileSync(path.join(root, file), "utf8"));
    if (!r.ok) throw new Error(r.errors.map(formatPolicyError).join("\n"));
    expect(r.loaded.policy.rules.length).toBeGreaterThan(0);
  });

  it("names file, line and field for a schema error", () => {
    const text = readFileSync(path.join(root, "policy/default.yaml"), "utf8").replace("responseMinutes: 15\n    initiators", "responseMinutes: -3\n    initiators");
    const r = parsePolicy("policy/default.yaml", text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const line = text.split("\n").findIndex((l) => l.includes("responseMinutes: -3")) + 1;
    expect(r.errors[0]).toMatchObject({ file: "policy/default.yaml", line, path: "severities.2.responseMinutes" });
    expect(formatPolicyError(r.errors[0]!)).toBe(`policy/default.yaml:${line} (severities.2.responseMinutes): must be more than 0 minutes`);
  });

  it("reports YAML syntax errors with their line", () => {
    const r = parsePolicy("bad.yaml", "name: x\nrules: [\n  - nope: {\n");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]?.line).toBeGreaterThan(0);
  });

  it("refuses a rule that names an unknown trigger or scope", () => {
    const text = readFileSync(path.join(root, "policy/default.yaml"), "utf8").replace("when: { trigger: [minor_ui] }", "when: { trigger: [minor_uix] }");
    const r = parsePolicy("p.yaml", text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]?.message).toBe('unknown trigger "minor_uix" (add it under triggers)');
  });

  it("the version is a content hash: any edit changes it", () => {
    const text = readFileSync(path.join(root, "policy/default.yaml"), "utf8");
    const a = parsePolicy("p", text);
    const b = parsePolicy("p", text + "\n# edited\n");
    expect(a.ok && b.ok && a.loaded.version !== b.loaded.version).toBe(true);
  });
});
