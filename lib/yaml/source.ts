import { createHash } from "node:crypto";
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { z } from "zod";

// YAML files validated by a zod schema (policies, runbooks): a zod issue path is mapped back to
// its YAML node, so every error names file, line and field. Pure: text in, value or errors out.

export type SourceError = { file: string; line: number | null; path: string; message: string };
export type SourceResult<T> = { ok: true; value: T; version: string } | { ok: false; errors: SourceError[] };

/** A content hash of the exact text: any edit, even a comment, is a new version. */
export function contentVersion(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}

function nodeAt(root: Node | null | undefined, path: readonly PropertyKey[]): Node | null {
  let cur: Node | null | undefined = root;
  let found: Node | null = root ?? null;
  for (const key of path) {
    if (isMap(cur)) {
      const pair = cur.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      cur = (pair?.value as Node | undefined) ?? (pair?.key as Node | undefined);
    } else if (isSeq(cur) && typeof key === "number") {
      cur = cur.items[key] as Node | undefined;
    } else break;
    if (!cur) break;
    found = cur;
  }
  return found;
}

export function lineOf(doc: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): number | null {
  const offset = nodeAt(doc.contents as Node | null, path)?.range?.[0];
  return offset === undefined ? null : lineCounter.linePos(offset).line;
}

export function parseYamlWith<S extends z.ZodType>(schema: S, file: string, text: string): SourceResult<z.output<S>> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({ file, line: lineCounter.linePos(e.pos[0]).line, path: "", message: e.message.split("\n")[0] ?? e.message })),
    };
  }
  const parsed = schema.safeParse(doc.toJS());
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => {
        // Point at the stray key itself rather than at the map that holds it.
        const path = issue.code === "unrecognized_keys" && issue.keys[0] ? [...issue.path, issue.keys[0]] : issue.path;
        return { file, line: lineOf(doc, lineCounter, path), path: path.map(String).join("."), message: issue.message };
      }),
    };
  }
  return { ok: true, value: parsed.data, version: contentVersion(text) };
}

export function formatSourceError(e: SourceError): string {
  return `${e.file}${e.line ? `:${e.line}` : ""}${e.path ? ` (${e.path})` : ""}: ${e.message}`;
}
