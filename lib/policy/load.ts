import { createHash } from "node:crypto";
import { LineCounter, parseDocument, isMap, isSeq, type Node } from "yaml";
import { ZPolicy } from "./schema.ts";
import type { LoadedPolicy } from "./evaluate.ts";

// Parsing only (text in, policy or errors out); reading files is the caller's business.

export type PolicyError = { file: string; line: number | null; path: string; message: string };
export type ParseResult = { ok: true; loaded: LoadedPolicy } | { ok: false; errors: PolicyError[] };

export function policyVersion(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}

function nodeAt(root: Node | null | undefined, path: PropertyKey[]): Node | null {
  let cur: Node | null | undefined = root;
  let found: Node | null = root ?? null;
  for (const key of path) {
    if (isMap(cur)) {
      const pair = cur.items.find((p) => (p.key as { value?: unknown })?.value === key);
      cur = (pair?.value as Node | undefined) ?? (pair?.key as Node | undefined);
    } else if (isSeq(cur) && typeof key === "number") {
      cur = cur.items[key] as Node | undefined;
    } else break;
    if (!cur) break;
    found = cur;
  }
  return found;
}

export function parsePolicy(file: string, text: string): ParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({ file, line: lineCounter.linePos(e.pos[0]).line, path: "", message: e.message.split("\n")[0] ?? e.message })),
    };
  }
  const parsed = ZPolicy.safeParse(doc.toJS());
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => {
        const node = nodeAt(doc.contents, issue.path);
        const offset = node?.range?.[0];
        return {
          file,
          line: offset === undefined ? null : lineCounter.linePos(offset).line,
          path: issue.path.map(String).join("."),
          message: issue.message,
        };
      }),
    };
  }
  return { ok: true, loaded: { policy: parsed.data, version: policyVersion(text) } };
}

export function formatPolicyError(e: PolicyError): string {
  return `${e.file}${e.line ? `:${e.line}` : ""}${e.path ? ` (${e.path})` : ""}: ${e.message}`;
}
