import { z } from "zod";

// Every text field people (or API clients, or a services file) send goes through one of these two.
// PostgreSQL cannot store NUL at all, and the other controls are invisible, break logs and
// terminals, and let a value look like something it is not. Refused with a message, never stripped
// silently: the person sees what to fix.

// C0 controls, DEL and C1 controls; multi-line text keeps tab and line feed.
const CONTROL_LINE = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
// A surrogate half without its partner cannot be encoded as UTF-8 (PostgreSQL refuses it too).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function codePoint(ch: string): string {
  return `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Why `value` cannot be stored as text, or null. Exported for callers that are not zod schemas. */
export function controlCharacterProblem(value: string, multiline: boolean): string | null {
  const control = (multiline ? CONTROL_LINES : CONTROL_LINE).exec(value);
  if (control) {
    const ch = control[0];
    const where = `at character ${control.index + 1}`;
    if (!multiline && (ch === "\n" || ch === "\r" || ch === "\t")) {
      return `Use a single line: remove the ${ch === "\t" ? "tab" : "line break"} ${where}.`;
    }
    return `Remove the invisible control character ${codePoint(ch)} ${where}: it cannot be stored.`;
  }
  const broken = LONE_SURROGATE.exec(value);
  if (broken) return `Remove the broken character ${codePoint(broken[0])} at character ${broken.index + 1} (half of an emoji or symbol): it cannot be stored.`;
  return null;
}

/**
 * For text that must be recorded even though it is refused (the email of a failed sign-in): every
 * control character and broken surrogate becomes U+FFFD, so it can be stored and still be seen.
 */
export function replaceControlCharacters(value: string): string {
  return value.replace(new RegExp(`${CONTROL_LINE.source}|${LONE_SURROGATE.source}`, "g"), "\ufffd");
}

function refuseControls(schema: z.ZodString, multiline: boolean): z.ZodString {
  return schema.check((ctx) => {
    const message = controlCharacterProblem(ctx.value, multiline);
    if (message) ctx.issues.push({ code: "custom", input: ctx.value, message, continue: true });
  });
}

/** A single-line text field (titles, names, keys): no control characters, no line breaks or tabs. */
export function singleLine(error?: string): z.ZodString {
  return refuseControls(z.string(error), false);
}

/** Multi-line text (notes, reasons, message bodies): line breaks (CRLF stored as LF) and tabs allowed. */
export function multiLine(error?: string): z.ZodString {
  return refuseControls(z.string(error).overwrite((s) => s.replace(/\r\n?/g, "\n")), true);
}
