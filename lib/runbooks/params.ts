import type { ParamValue } from "./template.ts";

export const PARAMETER_TYPES = ["service", "version", "backup_id", "flag", "string", "url", "number", "boolean"] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

export type ParameterDef = { name: string; type: ParameterType; required: boolean; default?: ParamValue; description?: string };

// Names that end up as program arguments must not start with "-", or a program could read
// them as options; backup ids also never contain a slash, so they cannot leave the backup dir.
const FORMATS: Partial<Record<ParameterType, { re: RegExp; hint: string }>> = {
  service: { re: /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/, hint: "letters, digits, . _ @ - (not starting with -)" },
  version: { re: /^[A-Za-z0-9][A-Za-z0-9._+:@/-]{0,127}$/, hint: "a tag, version or digest such as v2.9.0 (not starting with -)" },
  backup_id: { re: /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, hint: "letters, digits, . _ - (no slashes)" },
  flag: { re: /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, hint: "letters, digits, . _ : -" },
};

export type CheckedValue = { ok: true; value: ParamValue } | { ok: false; message: string };

/** Checks one value against a parameter type. Strings from forms are accepted for numbers and booleans. */
export function checkParamValue(type: ParameterType, raw: unknown): CheckedValue {
  if (type === "number") {
    const n = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
    return typeof n === "number" && Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: "must be a number" };
  }
  if (type === "boolean") {
    if (typeof raw === "boolean") return { ok: true, value: raw };
    if (raw === "true" || raw === "false") return { ok: true, value: raw === "true" };
    return { ok: false, message: "must be true or false" };
  }
  if (typeof raw === "number" && type !== "url") raw = String(raw);
  if (typeof raw !== "string") return { ok: false, message: "must be text" };
  if (type === "url") {
    try {
      const u = new URL(raw);
      if (u.protocol !== "http:" && u.protocol !== "https:") return { ok: false, message: "must be an http:// or https:// URL" };
      return { ok: true, value: raw };
    } catch {
      return { ok: false, message: "must be a URL" };
    }
  }
  const format = FORMATS[type];
  if (format && !format.re.test(raw)) return { ok: false, message: `must be ${format.hint}` };
  if (type === "string" && raw.length > 4096) return { ok: false, message: "must be at most 4096 characters" };
  return { ok: true, value: raw };
}

export type ParamError = { param: string; message: string };
export type ResolvedParams = { ok: true; values: Record<string, ParamValue> } | { ok: false; errors: ParamError[] };

/** Input (from a form or an API call) checked against the runbook's declared parameters, defaults applied. */
export function resolveParams(defs: readonly ParameterDef[], input: Record<string, unknown>): ResolvedParams {
  const errors: ParamError[] = [];
  const values: Record<string, ParamValue> = {};
  const declared = new Set(defs.map((d) => d.name));
  for (const key of Object.keys(input)) if (!declared.has(key)) errors.push({ param: key, message: "is not a parameter of this runbook" });
  for (const def of defs) {
    const given = input[def.name];
    const raw = given === undefined || given === null || given === "" ? def.default : given;
    if (raw === undefined) {
      if (def.required) errors.push({ param: def.name, message: "is required" });
      continue;
    }
    const checked = checkParamValue(def.type, raw);
    if (checked.ok) values[def.name] = checked.value;
    else errors.push({ param: def.name, message: `${checked.message} (${def.type})` });
  }
  return errors.length ? { ok: false, errors } : { ok: true, values };
}
