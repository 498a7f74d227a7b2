/** Nearest-rank percentile on a copy of the samples (ms). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length, Math.max(1, rank)) - 1]!;
}

export const median = (xs: number[]) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
export const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

/** A plain fixed-width table for stdout and a Markdown table for RESULTS.md. */
export function table(headers: string[], rows: string[][]): { text: string; markdown: string } {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  // Numbers (and ratios) align right, text aligns left.
  const numeric = headers.map((_, i) => rows.every((r) => /^[\d.,×\s-]*$/.test(r[i] ?? "")));
  const line = (cells: string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  const text = [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
  const md = [
    `| ${headers.join(" | ")} |`,
    `|${headers.map((_, i) => (numeric[i] ? "---:" : "---")).join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
  return { text, markdown: md };
}
