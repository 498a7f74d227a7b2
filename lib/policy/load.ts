import { contentVersion, formatSourceError, parseYamlWith, type SourceError } from "../yaml/source.ts";
import { ZPolicy } from "./schema.ts";
import type { LoadedPolicy } from "./evaluate.ts";

// Parsing only (text in, policy or errors out); reading files is the caller's business.

export type PolicyError = SourceError;
export type ParseResult = { ok: true; loaded: LoadedPolicy } | { ok: false; errors: PolicyError[] };

export const policyVersion = contentVersion;
export const formatPolicyError = formatSourceError;

export function parsePolicy(file: string, text: string): ParseResult {
  const r = parseYamlWith(ZPolicy, file, text);
  return r.ok ? { ok: true, loaded: { policy: r.value, version: r.version } } : r;
}
