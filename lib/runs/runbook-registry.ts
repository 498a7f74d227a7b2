import path from "node:path";
import { env } from "../env.ts";
import { loadRunbookDir, type LoadedRunbook, type RunbookError } from "../runbooks/load.ts";

/** The runbooks in RUNBOOKS_DIR, read fresh so teams can change them without a restart. */
export async function runbooks(): Promise<{ runbooks: LoadedRunbook[]; errors: RunbookError[]; dir: string }> {
  const dir = path.resolve(/* turbopackIgnore: true */ process.cwd(), env().RUNBOOKS_DIR);
  return { ...(await loadRunbookDir(dir)), dir };
}

export async function findRunbook(name: string): Promise<LoadedRunbook | null> {
  return (await runbooks()).runbooks.find((r) => r.runbook.name === name) ?? null;
}
