import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { env } from "../env.ts";
import { formatPolicyError, parsePolicy, type PolicyError } from "../policy/load.ts";
import type { LoadedPolicy } from "../policy/evaluate.ts";
import { db } from "../db/client.ts";

export type PolicyState = {
  file: string;
  active: (LoadedPolicy & { loadedAt: Date; source: string }) | null;
  /** Errors of the file as it is now; when set, `active` is the last good version. */
  errors: PolicyError[];
  checkedMtimeMs: number;
};

// Per process; re-read when the file changes. A broken edit never replaces the last good policy.
const g = globalThis as unknown as { __rollcallPolicy?: PolicyState };

function resolveFile(): string {
  return path.resolve(/* turbopackIgnore: true */ process.cwd(), env().POLICY_FILE);
}

function load(state: PolicyState): PolicyState {
  let mtime = 0;
  try {
    mtime = statSync(state.file).mtimeMs;
  } catch {
    return { ...state, errors: [{ file: state.file, line: null, path: "", message: "policy file not found" }] };
  }
  if (mtime === state.checkedMtimeMs) return state;
  const text = readFileSync(state.file, "utf8");
  const rel = path.relative(process.cwd(), state.file);
  const res = parsePolicy(rel, text);
  if (!res.ok) {
    console.error(`[policy] ${res.errors.map(formatPolicyError).join("\n[policy] ")}${state.active ? " (keeping the last good policy)" : ""}`);
    return { ...state, errors: res.errors, checkedMtimeMs: mtime };
  }
  void recordVersion(res.loaded, rel, text);
  return { ...state, active: { ...res.loaded, loadedAt: new Date(), source: text }, errors: [], checkedMtimeMs: mtime };
}

async function recordVersion(loaded: LoadedPolicy, file: string, content: string) {
  try {
    await db().policyVersion.upsert({
      where: { version: loaded.version },
      create: { version: loaded.version, name: loaded.policy.name, source: file, content },
      update: {},
    });
  } catch (err) {
    console.error(`[policy] could not record policy version ${loaded.version}: ${(err as Error).message}`);
  }
}

export function policyState(): PolicyState {
  const file = resolveFile();
  const cur = g.__rollcallPolicy?.file === file ? g.__rollcallPolicy : { file, active: null, errors: [], checkedMtimeMs: 0 };
  g.__rollcallPolicy = load(cur);
  return g.__rollcallPolicy;
}

export function scopeLabels(): Record<string, string> {
  return Object.fromEntries(policyState().active?.policy.scopes.map((s) => [s.id, s.label]) ?? []);
}

/** The active policy; throws only when no valid policy was ever loaded. */
export function activePolicy(): LoadedPolicy {
  const s = policyState();
  if (!s.active) throw new Error(`No valid policy: ${s.errors.map(formatPolicyError).join("; ")}`);
  return s.active;
}
