// Keys whose values never reach a log, a plan or a stored output.
export const SECRET_KEY = /SECRET|TOKEN|PASSWORD|KEY/i;

// Values this short would turn ordinary log text into asterisks without hiding anything real.
const MIN_SECRET_LENGTH = 3;

export const REDACTED = "[redacted]";

export function secretValues(env: Record<string, string | undefined>, extra: readonly string[] = []): string[] {
  const values = new Set<string>();
  for (const [key, value] of Object.entries(env)) {
    if (value && SECRET_KEY.test(key)) values.add(value);
  }
  for (const value of extra) if (value) values.add(value);
  // Longest first, so a secret that contains another is replaced whole.
  return [...values].filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join(REDACTED);
  return out;
}

/** A connection or request URL fit to show: the password (and any userinfo secret) removed. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return u.toString();
    u.password = "";
    return u.toString().replace(`//${u.username}@`, `//${u.username}:${REDACTED}@`);
  } catch {
    return url;
  }
}

// Header (and parameter) names whose values are credentials.
export const SECRET_HEADER = /authorization|cookie|SECRET|TOKEN|PASSWORD|KEY/i;

/** Secret values in request headers: credentials, cookies, and any key that looks like one. */
export function headerSecrets(headers: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!SECRET_HEADER.test(name)) continue;
    out.push(value);
    const scheme = /^\s*\S+\s+(\S.*)$/.exec(value);
    if (scheme?.[1]) out.push(scheme[1]);
  }
  return out;
}
