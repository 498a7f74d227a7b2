import { VARIABLE_NAMES } from "./variables.ts";

// What an unfilled template leaves in a message: "{{ anything }}"; "[eta]", the renderer's mark for
// a variable without a value (any variable name, any case); any other bracketed token starting in
// lowercase, like the seeds' "[timeframe]"; the seeds' own capitalised ones ("[Timestamp]",
// "[Phone]") and their choices ("[HEALTHY/DEGRADED/DOWN]"). "[CRITICAL]" and "[text](link)" are words.

const VARIABLES = new Set(VARIABLE_NAMES.map((n) => n.toLowerCase()));
const SEEDS = new Set(
  [
    "timestamp", "date", "name", "phone", "phone number", "email", "link", "title", "id", "your contact", "time estimate",
    "estimated completion", "estimated number", "time taken", "time for next update", "user impact", "user impact description",
    "unique identifier", "person managing rollback", "list of restored services", "describe issue that triggered rollback",
  ],
);
const LOWERCASE_TOKEN = /^[a-z][A-Za-z0-9]*(?:[ _/-][A-Za-z0-9]+)*$/;
const CHOICES = /^[A-Za-z][A-Za-z ]*(?:\/[A-Za-z ]+)+$/;

function bracketIsPlaceholder(inner: string): boolean {
  const t = inner.trim();
  if (t === "X") return true; // the seeds' "Error rate: [X]%"; a lowercase "[x]" stays a checkbox
  if (t.length < 2) return false;
  const lower = t.toLowerCase();
  return VARIABLES.has(lower) || SEEDS.has(lower) || LOWERCASE_TOKEN.test(t) || CHOICES.test(t);
}

/** The unfilled placeholders in a text, each once, in order of appearance. */
export function findPlaceholders(text: string): string[] {
  const found: { at: number; raw: string }[] = [];
  for (const m of text.matchAll(/\{\{[^{}]*\}\}/g)) found.push({ at: m.index, raw: m[0] });
  for (const m of text.matchAll(/\[([^[\]\n]{1,60})\]/g)) {
    if (text[m.index + m[0].length] === "(") continue; // a Markdown link's text
    if (bracketIsPlaceholder(m[1]!)) found.push({ at: m.index, raw: m[0] });
  }
  return [...new Set(found.sort((a, b) => a.at - b.at).map((f) => f.raw))];
}

/** The error shown next to a field that still holds placeholders, or null when it has none. */
export function placeholderMessage(text: string, audience = "customers"): string | null {
  const found = findPlaceholders(text);
  if (!found.length) return null;
  const list = found.join(", ");
  return found.length === 1
    ? `Unfilled placeholder ${list}: fill it in or remove it before this goes to ${audience}.`
    : `Unfilled placeholders ${list}: fill them in or remove them before this goes to ${audience}.`;
}
