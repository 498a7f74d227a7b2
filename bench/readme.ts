import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";

export const README = path.join(import.meta.dirname, "README.md");

/**
 * Replaces the results block of one bench in bench/README.md (between `<!-- results:NAME -->` and
 * `<!-- /results:NAME -->`) with the latest run's dated section; earlier runs stay in git history.
 * A README without the markers gets the block appended at the end.
 */
export async function writeReadmeResults(name: string, markdown: string) {
  const open = `<!-- results:${name} -->`;
  const close = `<!-- /results:${name} -->`;
  const block = `${open}\n${markdown.trim()}\n${close}`;
  let text = existsSync(README) ? await readFile(README, "utf8") : "# Benchmarks\n";
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start >= 0 && end > start) text = text.slice(0, start) + block + text.slice(end + close.length);
  else text = text.replace(/\n*$/, "\n\n") + block + "\n";
  await writeFile(README, text);
}
