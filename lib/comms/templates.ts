import { isVariableName, VARIABLE_NAMES, type TemplateVars } from "./variables";

export type Audience = "internal" | "stakeholders" | "customers";
export const AUDIENCES: readonly Audience[] = ["internal", "stakeholders", "customers"];
export type Format = "html" | "slack" | "plain";

export type Template = { name: string; title: string; audience: Audience; subject: string; body: string };

export type TemplateErrorCode = "unknown_variable" | "unbalanced_brace" | "invalid_expression";
export type TemplateIssue = { code: TemplateErrorCode; message: string; index: number; line: number; column: number };

type Token = { kind: "text"; text: string } | { kind: "var"; name: string };

function position(text: string, index: number) {
  const before = text.slice(0, index);
  const line = before.split("\n").length;
  const column = index - before.lastIndexOf("\n");
  return { index, line, column };
}

function parse(text: string): { tokens: Token[]; errors: TemplateIssue[] } {
  const tokens: Token[] = [];
  const errors: TemplateIssue[] = [];
  const issue = (code: TemplateErrorCode, index: number, message: string) => {
    const at = position(text, index);
    errors.push({ code, ...at, message: `${message} (line ${at.line}, column ${at.column})` });
  };
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf("{{", i);
    const strayClose = text.indexOf("}}", i);
    if (strayClose !== -1 && (open === -1 || strayClose < open)) {
      issue("unbalanced_brace", strayClose, `"}}" without a matching "{{"`);
      tokens.push({ kind: "text", text: text.slice(i, strayClose + 2) });
      i = strayClose + 2;
      continue;
    }
    if (open === -1) {
      tokens.push({ kind: "text", text: text.slice(i) });
      break;
    }
    tokens.push({ kind: "text", text: text.slice(i, open) });
    const close = text.indexOf("}}", open + 2);
    const nextOpen = text.indexOf("{{", open + 2);
    if (close === -1 || (nextOpen !== -1 && nextOpen < close)) {
      issue("unbalanced_brace", open, `"{{" is never closed with "}}"`);
      tokens.push({ kind: "text", text: text.slice(open, open + 2) });
      i = open + 2;
      continue;
    }
    const name = text.slice(open + 2, close).trim();
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) {
      issue("invalid_expression", open, `"{{${text.slice(open + 2, close)}}}" is not a variable name; allowed: ${VARIABLE_NAMES.join(", ")}`);
    } else if (!isVariableName(name)) {
      issue("unknown_variable", open, `Unknown variable "${name}"; allowed: ${VARIABLE_NAMES.join(", ")}`);
    }
    tokens.push({ kind: "var", name });
    i = close + 2;
  }
  return { tokens, errors };
}

/** Errors for unknown variables and unbalanced braces, each with its position; [] when valid. */
export function checkTemplate(text: string): TemplateIssue[] {
  return parse(text).errors;
}

/** checkTemplate over a template's subject and body, keyed by field for the editor form. */
export function checkTemplateFields(t: { subject: string; body: string }): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const field of ["subject", "body"] as const) {
    const errors = checkTemplate(t[field]);
    if (errors.length) out[field] = errors.map((e) => e.message);
  }
  return out;
}

export class TemplateError extends Error {
  constructor(readonly issues: TemplateIssue[]) {
    super(issues.map((i) => i.message).join("; "));
    this.name = "TemplateError";
  }
}

const HTML: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const SLACK: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/**
 * Escape plain text for a format. Templates are plain text, so the whole output is escaped, not
 * only the values: a literal "<" in a template stays text in an email, and Slack's control
 * characters (&, <, >) can never form a link or mention.
 */
export function escapeFor(format: Format, text: string): string {
  if (format === "html") return text.replace(/[&<>"']/g, (c) => HTML[c] ?? c);
  if (format === "slack") return text.replace(/[&<>]/g, (c) => SLACK[c] ?? c);
  return text;
}

/** Substitute variables in one pass (a value containing "{{ x }}" is not expanded) and escape. */
export function renderTemplate(text: string, vars: TemplateVars, format: Format = "plain"): string {
  const { tokens, errors } = parse(text);
  if (errors.length) throw new TemplateError(errors);
  const plain = tokens
    .map((t) => {
      if (t.kind === "text") return t.text;
      const value = isVariableName(t.name) ? vars[t.name] : undefined;
      // A visible placeholder, like the seeds' "[Timestamp]", so a missing value is noticed before sending.
      return value === undefined || value === "" ? `[${t.name}]` : value;
    })
    .join("");
  return escapeFor(format, plain);
}

/** Render subject and body; the subject is never HTML (mail headers are plain text). */
export function renderMessage(t: { subject: string; body: string }, vars: TemplateVars, format: Format = "plain") {
  return {
    subject: renderTemplate(t.subject, vars, format === "html" ? "plain" : format).replace(/\s*\n\s*/g, " "),
    body: renderTemplate(t.body, vars, format),
  };
}

/** Allowed variable names a template refers to that have no value yet (for the composer). */
export function missingVariables(text: string, vars: TemplateVars): string[] {
  const names = parse(text).tokens.flatMap((t) => (t.kind === "var" && isVariableName(t.name) && !vars[t.name] ? [t.name] : []));
  return [...new Set(names)];
}
