import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { ZRunbook, type Runbook } from "./schema.ts";
import { formatSourceError, parseYamlWith, type SourceError } from "../yaml/source.ts";

export type RunbookError = SourceError;
/** A runbook as loaded: the exact source is kept so a run can snapshot the version it ran. */
export type LoadedRunbook = { runbook: Runbook; version: string; file: string; source: string };
export type ParseRunbookResult = { ok: true; loaded: LoadedRunbook } | { ok: false; errors: RunbookError[] };

export const formatRunbookError = formatSourceError;

export function parseRunbook(file: string, text: string): ParseRunbookResult {
  const r = parseYamlWith(ZRunbook, file, text);
  if (!r.ok) return r;
  return { ok: true, loaded: { runbook: r.value, version: r.version, file, source: text } };
}

/**
 * Every *.yaml / *.yml file in dir, sorted by name. A file that does not parse is reported and
 * skipped; the others still load. Two files with the same runbook name: the first one wins.
 */
export async function loadRunbookDir(dir: string): Promise<{ runbooks: LoadedRunbook[]; errors: RunbookError[] }> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name)).map((e) => e.name).sort();
  } catch (err) {
    return { runbooks: [], errors: [{ file: dir, line: null, path: "", message: `cannot read the runbook directory: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }] };
  }
  const runbooks: LoadedRunbook[] = [];
  const errors: RunbookError[] = [];
  const byName = new Map<string, string>();
  for (const name of names) {
    const file = path.join(dir, name);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      errors.push({ file, line: null, path: "", message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
      continue;
    }
    const r = parseRunbook(file, text);
    if (!r.ok) {
      errors.push(...r.errors);
      continue;
    }
    const other = byName.get(r.loaded.runbook.name);
    if (other) {
      errors.push({ file, line: null, path: "name", message: `runbook ${r.loaded.runbook.name} is already defined in ${other}` });
      continue;
    }
    byName.set(r.loaded.runbook.name, file);
    runbooks.push(r.loaded);
  }
  return { runbooks, errors };
}
