import { getExecutor } from "../executors/registry.ts";
import { SECRET_HEADER, SECRET_KEY } from "../executors/redact.ts";
import { placeholders, substitute, walkStrings, wholePlaceholder, type ParamValue } from "./template.ts";

// Where a runbook may send requests. A url parameter points only under the base URLs its runbook
// allows in the environment (or the value the environment fixes); a secret from the server's
// environment goes only to the base URLs declared for it. Pure: the caller passes the server's env.

export type SecretsDecl = Record<string, { sendTo: string[] }>;
type UrlParamDef = { name: string; type: string; allowedUrls?: string[] };
type EnvDecl = { params: Record<string, ParamValue>; allowedUrls?: Record<string, string[]> };

/** What is wrong with one allowed-URL entry as written, or null: a literal base URL or exactly {{ env.NAME }}. */
export function baseEntryProblem(entry: string): string | null {
  const { found, unknown } = placeholders(entry);
  if (unknown.length || found.length) {
    const whole = wholePlaceholder(entry);
    return whole?.source === "env" ? null : "use a base URL, or exactly one server variable {{ env.NAME }}";
  }
  return baseUrlProblem(entry);
}

function baseUrlProblem(text: string): string | null {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return `${text} is not a URL`;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return `${text} is not an http:// or https:// URL`;
  if (u.username || u.password) return `${text} must not carry a user name or password`;
  if (u.search || u.hash || text.includes("?") || text.includes("#")) return `${text} must not have a query or fragment`;
  return null;
}

/** "https://app.example.com" or "https://app.example.com/api": how a base URL is shown. */
export function describeBase(u: URL): string {
  return `${u.origin}${u.pathname === "/" ? "" : u.pathname.replace(/\/+$/, "")}`;
}

/** Same scheme, host and port, and a path at or below the base's path (by whole segments). */
export function underBase(url: URL, base: URL): boolean {
  if (url.protocol !== base.protocol || url.host !== base.host) return false;
  const prefix = base.pathname.replace(/\/+$/, "");
  return prefix === "" || url.pathname === prefix || url.pathname.startsWith(`${prefix}/`);
}

type Bases = { bases: URL[]; unset: string[] };

/** Entries with {{ env.NAME }} filled in from the server's environment; unset or invalid ones are left out. */
export function resolveBases(entries: readonly string[], serverEnv: Record<string, string | undefined>): Bases {
  const bases: URL[] = [];
  const unset: string[] = [];
  for (const entry of entries) {
    const r = substitute(entry, { params: {}, env: serverEnv });
    if (r.errors.length) {
      unset.push(...placeholders(entry).found.map((p) => p.name));
      continue;
    }
    const text = String(r.value);
    if (baseUrlProblem(text) === null) bases.push(new URL(text));
    else unset.push(`${placeholders(entry).found[0]?.name ?? entry} (not a base URL: ${text})`);
  }
  return { bases, unset };
}

function notSet(b: Bases): string {
  return `${b.unset.join(", ")} ${b.unset.length > 1 ? "are" : "is"} not set`;
}

/** The allowed-URL entries of a url parameter in an environment: the environment's own list, else the parameter's. */
export function allowedEntries(def: UrlParamDef, env: EnvDecl | undefined): string[] | undefined {
  return env?.allowedUrls?.[def.name] ?? def.allowedUrls;
}

export type UrlParamError = { param: string; message: string };

/**
 * Every url parameter's value checked against where it may point in this environment. A value the
 * environment fixes is allowed as it is (the server chose it); a request cannot change it anyway.
 */
export function checkUrlParams(defs: readonly UrlParamDef[], envName: string, env: EnvDecl | undefined, values: Record<string, ParamValue>, serverEnv: Record<string, string | undefined>): UrlParamError[] {
  const errors: UrlParamError[] = [];
  for (const def of defs) {
    if (def.type !== "url" || values[def.name] === undefined) continue;
    const entries = [...(allowedEntries(def, env) ?? [])];
    const fixed = env?.params[def.name];
    if (fixed !== undefined) entries.push(String(fixed));
    const bases = resolveBases(entries, serverEnv);
    let url: URL;
    try {
      url = new URL(String(values[def.name]));
    } catch {
      errors.push({ param: def.name, message: "must be a URL" });
      continue;
    }
    if (url.username || url.password) {
      errors.push({ param: def.name, message: "must not carry a user name or password" });
      continue;
    }
    if (!bases.bases.length) errors.push({ param: def.name, message: `cannot be used in ${envName} on this server: ${notSet(bases)}` });
    else if (!bases.bases.some((b) => underBase(url, b))) {
      errors.push({ param: def.name, message: `may only point to ${bases.bases.map(describeBase).join(", ")} in ${envName}; ${describeBase(url)} is not allowed` });
    }
  }
  return errors;
}

function isUrlField(path: readonly (string | number)[], fields: readonly string[]): boolean {
  const [field, part] = path;
  return typeof field === "string" && fields.includes(field) && (path.length === 1 || (path.length === 2 && part === "base"));
}

/**
 * The server variables a step sends as secrets: those with secret-looking names, and any under a
 * credential-looking key (authorization, cookie, token ...). A URL field's own base is where the
 * request goes, not what it carries, so it is not counted.
 */
export function secretEnvNames(executor: string, stepParams: unknown): { name: string; path: (string | number)[] }[] {
  const fields = getExecutor(executor)?.urlFields ?? [];
  const out: { name: string; path: (string | number)[] }[] = [];
  walkStrings(stepParams, (s, path) => {
    if (isUrlField(path, fields)) return;
    const credentialKey = path.some((k) => typeof k === "string" && SECRET_HEADER.test(k));
    for (const p of placeholders(s).found) {
      if (p.source === "env" && (credentialKey || SECRET_KEY.test(p.name))) out.push({ name: p.name, path });
    }
  });
  return out;
}

/** Each secret a step sends, checked against where the runbook lets it go, for every URL the step contacts. */
export function checkSecretTargets(executor: string, stepParams: unknown, targets: readonly string[], declared: SecretsDecl, serverEnv: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const names = [...new Set(secretEnvNames(executor, stepParams).map((s) => s.name))];
  for (const name of names) {
    const decl = declared[name];
    if (!decl) {
      problems.push(`${name} is a secret: declare where it may be sent (secrets.${name}.sendTo)`);
      continue;
    }
    const bases = resolveBases(decl.sendTo, serverEnv);
    if (!bases.bases.length) {
      problems.push(`${name} cannot be sent anywhere on this server: ${notSet(bases)}`);
      continue;
    }
    for (const target of targets) {
      const url = new URL(target);
      if (!bases.bases.some((b) => underBase(url, b))) problems.push(`${name} may only be sent to ${bases.bases.map(describeBase).join(", ")}; this step would send it to ${describeBase(url)}`);
    }
  }
  return problems;
}

export type UrlTemplateProblem = { path: (string | number)[]; message: string };

/**
 * A URL field as written in a step: a placeholder is the whole value, or the whole base of
 * { base, path, query }; a parameter in a path is its own segment. Text around a placeholder would
 * let a value move the rest of the URL (into the query, to another host).
 */
export function urlTemplateProblems(value: unknown, field: string, paramType: (name: string) => string | undefined): UrlTemplateProblem[] {
  const problems: UrlTemplateProblem[] = [];
  const hint = `build it from parts: ${field}: { base: "{{ params.app_url }}", path: [admin, "{{ params.flag }}"], query: { ... } }`;
  const wholeOnly = (s: string, at: (string | number)[], what: string) => {
    const { found, unknown } = placeholders(s);
    if (!found.length && !unknown.length) return;
    const whole = wholePlaceholder(s);
    if (!whole) problems.push({ path: at, message: `${what} may not join a placeholder with other text; ${hint}` });
    else if (whole.source === "params" && paramType(whole.name) !== undefined && paramType(whole.name) !== "url") {
      problems.push({ path: at, message: `${what} comes from a parameter of type url (which says where it may point), not ${paramType(whole.name)} ${whole.name}` });
    }
  };
  if (typeof value === "string") wholeOnly(value, [field], "a URL");
  else if (value && typeof value === "object" && !Array.isArray(value)) {
    const v = value as { base?: unknown; path?: unknown };
    if (typeof v.base === "string") wholeOnly(v.base, [field, "base"], "the base");
    if (typeof v.path === "string" && placeholders(v.path).found.some((p) => p.source === "params")) {
      problems.push({ path: [field, "path"], message: `a parameter in a path is its own segment: path: [flags, "{{ params.flag }}"]` });
    }
  }
  return problems;
}
