// Placeholders: {{ params.name }} and {{ env.NAME }}. A string that is exactly one placeholder
// takes the value itself (a number stays a number); otherwise the value's text is spliced in.
// Either way each string stays one element: nothing is ever split or handed to a shell.

export type ParamValue = string | number | boolean;
export type Placeholder = { source: "params" | "env"; name: string; raw: string };
export type TemplateError = { path: (string | number)[]; message: string };

const ANY = /\{\{(.*?)\}\}/g;
const KNOWN = /^\s*(params|env)\.([A-Za-z_][A-Za-z0-9_]*)\s*$/;
const WHOLE = /^\{\{([^{}]*)\}\}$/;

/** Every placeholder in a string; unknown forms are reported, not skipped. */
export function placeholders(text: string): { found: Placeholder[]; unknown: string[] } {
  const found: Placeholder[] = [];
  const unknown: string[] = [];
  for (const m of text.matchAll(ANY)) {
    const k = KNOWN.exec(m[1] ?? "");
    if (k) found.push({ source: k[1] as "params" | "env", name: k[2]!, raw: m[0] });
    else unknown.push(m[0]);
  }
  return { found, unknown };
}

/** Calls fn for every string inside a value (arrays and objects walked), with its path. */
export function walkStrings(value: unknown, fn: (s: string, path: (string | number)[]) => void, path: (string | number)[] = []) {
  if (typeof value === "string") fn(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, fn, [...path, i]));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walkStrings(v, fn, [...path, k]);
}

export type Scope = { params: Record<string, ParamValue>; env: Record<string, string | undefined> };

function lookup(p: Placeholder, scope: Scope): ParamValue | undefined {
  if (p.source === "params") return Object.hasOwn(scope.params, p.name) ? scope.params[p.name] : undefined;
  return scope.env[p.name];
}

/** Substitutes placeholders in every string of value. Unknown or unset placeholders are errors. */
export function substitute(value: unknown, scope: Scope, path: (string | number)[] = [], errors: TemplateError[] = []): { value: unknown; errors: TemplateError[]; envUsed: string[] } {
  const envUsed = new Set<string>();
  const visit = (v: unknown, at: (string | number)[]): unknown => {
    if (typeof v === "string") {
      const { found, unknown } = placeholders(v);
      for (const u of unknown) errors.push({ path: at, message: `unknown placeholder ${u} (use {{ params.name }} or {{ env.NAME }})` });
      for (const p of found) {
        if (lookup(p, scope) === undefined) errors.push({ path: at, message: p.source === "params" ? `no value for parameter ${p.name}` : `environment variable ${p.name} is not set` });
        if (p.source === "env") envUsed.add(p.name);
      }
      if (unknown.length || found.length === 0) return v;
      if (found.length === 1 && WHOLE.test(v)) return lookup(found[0]!, scope) ?? v;
      return v.replace(ANY, (raw, inner: string) => {
        const k = KNOWN.exec(inner);
        const val = k ? lookup({ source: k[1] as "params" | "env", name: k[2]!, raw }, scope) : undefined;
        return val === undefined ? raw : String(val);
      });
    }
    if (Array.isArray(v)) return v.map((item, i) => visit(item, [...at, i]));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, visit(item, [...at, k])]));
    return v;
  };
  return { value: visit(value, path), errors, envUsed: [...envUsed] };
}

/** The placeholder a string consists of exactly ("{{ params.x }}"), or null. */
export function wholePlaceholder(text: string): Placeholder | null {
  if (!WHOLE.test(text)) return null;
  const { found, unknown } = placeholders(text);
  return found.length === 1 && unknown.length === 0 ? found[0]! : null;
}

export function hasPlaceholder(value: unknown): boolean {
  return typeof value === "string" && /\{\{.*?\}\}/.test(value);
}
