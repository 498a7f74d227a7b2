import path from "node:path";
import { env } from "../env.ts";
import { loadRunbookDir, type LoadedRunbook, type RunbookError } from "../runbooks/load.ts";
import { fixedParams, runbookEnvironments } from "../runbooks/environments.ts";

/** The runbooks in RUNBOOKS_DIR, read fresh so teams can change them without a restart. */
export async function runbooks(): Promise<{ runbooks: LoadedRunbook[]; errors: RunbookError[]; dir: string }> {
  const dir = path.resolve(/* turbopackIgnore: true */ process.cwd(), env().RUNBOOKS_DIR);
  return { ...(await loadRunbookDir(dir)), dir };
}

export async function findRunbook(name: string): Promise<LoadedRunbook | null> {
  return (await runbooks()).runbooks.find((r) => r.runbook.name === name) ?? null;
}

/**
 * A runbook's environments with their fixed values as a request would store them ({{ env.X }}
 * resolved on this server; a value that cannot be resolved shows the placeholder).
 */
export function environmentsForRequest(rb: Parameters<typeof runbookEnvironments>[0]) {
  return runbookEnvironments(rb).map((e) => {
    const fixed = fixedParams(e, process.env);
    const values = fixed.ok ? fixed.values : e.params;
    return { name: e.name, production: e.production, fixed: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)])) };
  });
}
