/**
 * Captures the real plans of the queries Prisma sends, via PostgreSQL's auto_explain
 * (ANALYZE + BUFFERS), loaded only on the connections of a dedicated explain client so the
 * timed runs carry no instrumentation overhead.
 */
export const AUTO_EXPLAIN_OPTIONS = [
  "-c session_preload_libraries=auto_explain",
  "-c auto_explain.log_min_duration=0",
  "-c auto_explain.log_analyze=on",
  "-c auto_explain.log_buffers=on",
  "-c auto_explain.log_timing=on",
  "-c auto_explain.log_nested_statements=on",
].join(" ");

export function withAutoExplain(url: string): string {
  const u = new URL(url);
  u.searchParams.set("options", AUTO_EXPLAIN_OPTIONS);
  u.searchParams.set("application_name", "rollcall-bench-explain");
  return u.toString();
}

export type Plan = { durationMs: number; query: string; text: string };

export function parsePlans(log: string): Plan[] {
  const header = /^.*LOG:\s+duration: ([\d.]+) ms\s+plan:\s*$/gm;
  const heads = [...log.matchAll(header)];
  return heads.map((h, i) => {
    const start = (h.index ?? 0) + h[0].length;
    const end = heads[i + 1]?.index ?? log.length;
    const body = log
      .slice(start, end)
      .split("\n")
      .filter((l) => l.startsWith("\t") || l.startsWith("  ")) // plan lines are indented; other log lines are not
      .map((l) => l.replace(/^\t/, ""))
      .join("\n")
      .trimEnd();
    const query = /Query Text: (.*)/.exec(body)?.[1] ?? "";
    return { durationMs: Number(h[1]), query, text: body };
  });
}

/** The plan of the incident-list query itself (not the follow-up relation loads). */
export function mainPlan(plans: Plan[]): Plan | undefined {
  const main = plans.filter((p) => /FROM\s+"public"\."Incident"/i.test(p.query) && /ORDER BY/i.test(p.query));
  return (main.length ? main : plans).reduce<Plan | undefined>((a, b) => (!a || b.durationMs > a.durationMs ? b : a), undefined);
}

export type PlanSummary = { scans: string; buffers: string; rowsRemoved: number };

export function summarise(plan: Plan | undefined): PlanSummary {
  if (!plan) return { scans: "(no plan captured)", buffers: "", rowsRemoved: 0 };
  const scans = [
    ...plan.text.matchAll(/(Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan)( Backward)?(?: using| on) "?([\w$]+)"?/g),
  ].map((m) => `${m[1]}${m[2] ?? ""} ${m[3]}`);
  const buffers = /Buffers: ([^\n]+)/.exec(plan.text)?.[1]?.trim() ?? "";
  const rowsRemoved = [...plan.text.matchAll(/Rows Removed by (?:Filter|Join Filter|Index Recheck): (\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
  return { scans: [...new Set(scans)].join(", ") || "(none)", buffers, rowsRemoved };
}
