import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { controlCharacterProblem, multiLine, replaceControlCharacters, singleLine } from "./text";

const LIB = path.resolve(import.meta.dirname, "..");

// Files whose Z* schemas read configuration files an administrator writes (the policy, runbooks,
// executor steps, channel configs): not text people type into Rollcall. Everything else is checked.
const CONFIG_FORMATS = [/^policy\//, /^runbooks\//, /^executors\//, /^comms\/channels\//, /^env\.ts$/];
// Schemas that read back what Rollcall itself stored (never what someone sent).
const STORED = new Set(["ZStoredSteps", "ZPolicyReviewed", "ZServicesFileStatus", "ZVerdictEvidence", "ZDeployment"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === "generated" ? [] : sourceFiles(full);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

/** Every lib file that exports a zod schema named Z*, except configuration formats. */
function schemaModules(): string[] {
  return sourceFiles(LIB)
    .filter((f) => /export const Z\w+ =/.test(readFileSync(f, "utf8")))
    .filter((f) => !CONFIG_FORMATS.some((re) => re.test(path.relative(LIB, f))));
}

type Def = { type: string; [k: string]: unknown };
const def = (s: unknown) => (s as { _zod: { def: Def } })._zod.def;

/** Paths (from the schema's root) of every plain-text leaf: strings that are not a format (uuid, email...). */
function textLeaves(schema: unknown, at: (string | number)[] = [], seen = new Set<unknown>()): (string | number)[][] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const d = def(schema);
  switch (d.type) {
    case "string":
      return d.format ? [] : [at];
    case "object":
      return Object.entries(d.shape as Record<string, unknown>).flatMap(([k, v]) => textLeaves(v, [...at, k], seen));
    case "catch":
      // Never fails: checked separately (a filter drops a value it cannot use).
      return [];
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "nonoptional":
      return textLeaves(d.innerType, at, seen);
    case "pipe":
      // A preprocess runs a transform first: the schema that reads the value is the second half.
      return def(d.in).type === "transform" ? textLeaves(d.out, at, seen) : textLeaves(d.in, at, seen);
    case "array":
      return textLeaves(d.element, [...at, 0], seen);
    case "record":
      return textLeaves(d.valueType, [...at, "name"], seen);
    case "union":
      return (d.options as unknown[]).flatMap((o) => textLeaves(o, at, seen)).slice(0, 1);
    default:
      return [];
  }
}

function inputAt(leaf: (string | number)[], value: string): unknown {
  let out: unknown = value;
  for (let i = leaf.length - 1; i >= 0; i--) {
    const k = leaf[i]!;
    out = typeof k === "number" ? [out] : { [k]: out };
  }
  return out;
}

type Issue = { path: PropertyKey[]; message: string; errors?: Issue[][] };

/** Messages of the issues at `leaf`, with those nested in a union's branches (a union reports "invalid input"). */
function messagesAt(issues: readonly Issue[], leaf: (string | number)[]): string[] {
  const nested = (i: Issue): string[] => [i.message, ...(i.errors ?? []).flat().flatMap(nested)];
  return issues.filter((i) => i.path.join(".") === leaf.join(".")).flatMap(nested);
}

function isSchema(v: unknown): v is z.ZodType {
  return typeof v === "object" && v !== null && "_zod" in v && "safeParse" in v;
}

describe("control characters in text fields", () => {
  it("the helpers refuse C0/C1 controls and lone surrogates, and multi-line text keeps line breaks and tabs", () => {
    expect(singleLine().safeParse("Checkout 502s").success).toBe(true);
    expect(singleLine().safeParse("Checkout 😀").success).toBe(true);
    for (const bad of ["a\u0000b", "a\u0007", "\u001b[31mred", "a\u007f", "a\u0085b", "a\u009bb", "a\ud800b", "\udc00x"]) {
      expect(singleLine().safeParse(bad).success, JSON.stringify(bad)).toBe(false);
      expect(multiLine().safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(singleLine().safeParse("two\nlines").error?.issues[0]?.message).toBe("Use a single line: remove the line break at character 4.");
    expect(singleLine().safeParse("a\tb").error?.issues[0]?.message).toMatch(/remove the tab/);
    expect(multiLine().parse("line one\r\nline two\rthree\tTabbed")).toBe("line one\nline two\nthree\tTabbed");
    expect(multiLine().safeParse("note \u0000").error?.issues[0]?.message).toBe("Remove the invisible control character U+0000 at character 6: it cannot be stored.");
    expect(controlCharacterProblem("fine\n", true)).toBeNull();
    expect(replaceControlCharacters("a\u0000b\nc\ud800😀")).toBe("a\ufffdb\ufffdc\ufffd😀");
  });

  it("every text field of every exported Z* schema in lib refuses a NUL, with the message", async () => {
    const files = schemaModules();
    // The walk must see the form schemas, or it proves nothing.
    expect(files.map((f) => path.relative(LIB, f))).toEqual(expect.arrayContaining(["incidents/schemas.ts", "approvals/schemas.ts", "comms/send-message.ts", "users/schemas.ts"]));
    const checked: string[] = [];
    const missing: string[] = [];
    for (const file of files) {
      const mod = (await import(file)) as Record<string, unknown>;
      for (const [name, schema] of Object.entries(mod)) {
        if (!/^Z[A-Z]/.test(name) || !isSchema(schema) || STORED.has(name)) continue;
        for (const leaf of textLeaves(schema)) {
          const where = `${path.relative(LIB, file)} ${name}${leaf.length ? "." + leaf.join(".") : ""}`;
          checked.push(where);
          const res = schema.safeParse(inputAt(leaf, "Looks fine\u0000"));
          const messages = res.success ? [] : messagesAt(res.error.issues, leaf);
          if (!messages.some((m) => m.includes("U+0000"))) missing.push(where);
        }
      }
    }
    expect(checked.length).toBeGreaterThan(60);
    expect(missing).toEqual([]);
  }, 60_000); // imports every schema module of lib: slow on a loaded machine, not a timing check

  it("the incident list's filters drop a search or cursor with a control character instead of querying with it", async () => {
    const { ZIncidentFilters } = await import("../incidents/schemas");
    expect(ZIncidentFilters.parse({ q: "checkout\u0000", cursor: "abc\u0000" })).toMatchObject({ q: undefined, cursor: undefined });
    expect(ZIncidentFilters.parse({ q: "checkout" })).toMatchObject({ q: "checkout" });
  });
});
