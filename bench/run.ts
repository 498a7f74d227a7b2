/**
 * npm run bench -- list — /incidents list performance with 100,000 incidents (`npm run bench` runs it
 * with the other benches; see bench/dispatch.ts).
 *
 * Starts its own embedded PostgreSQL in a fresh temp dir, migrates, bulk-loads a realistic history,
 * then times the real listIncidents() (keyset pagination) for page 1 with and without each filter and
 * for a deep page, against the BASELINE of the same deep page fetched with OFFSET. Results are
 * reported as ratios within this run plus absolute medians, with EXPLAIN (ANALYZE, BUFFERS) evidence,
 * and appended to bench/RESULTS.md with the machine they ran on (the note at the top of RESULTS.md is
 * updated to point at the new section). Stops itself (PostgreSQL included) and is bounded in time.
 *
 * The schema (trigram indexes on Incident.title/summary) and the query fixes (q shorter than 3 characters
 * matches incident keys only; the cursor adds an index bound detectedAt <= cursor) live in the app code;
 * the report checks from the database and the captured plans that they are in effect.
 *
 * Options (env): BENCH_INCIDENTS (default 100000), BENCH_REPS (default 30), BENCH_WARMUP (default 5),
 * BENCH_NO_WRITE=1 to skip RESULTS.md, BENCH_PLANS=all to print every case's plan, BENCH_NO_VACUUM=1 to
 * measure the just-bulk-loaded state (ANALYZE only; see bench/dataset.ts) instead of the vacuumed one.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedHandle } from "../lib/db/embedded.ts";
import { migrate } from "../lib/db/migrate.ts";
import { db } from "../lib/db/client.ts";
import { setEnv } from "../lib/env.ts";
import { encodeCursor, listIncidents } from "../lib/incidents/queries.ts";
import { ZIncidentFilters, type IncidentFilters } from "../lib/incidents/schemas.ts";
import { seed, WORDS, type SeedResult } from "./dataset.ts";
import { describeMachine } from "./machine.ts";
import { listIncidentsByOffset } from "./offset.ts";
import { mainPlan, parsePlans, summarise, withAutoExplain, type Plan } from "./explain.ts";
import { fmt, median, percentile, ratio, table } from "./stats.ts";
import { dispatch } from "./dispatch.ts";

// Entry of `npm run bench`: with no name (or `all`) every bench runs, each in a process of its own; with
// `-- list|executor|fanout` only that one (bench/dispatch.ts). The dispatcher starts this file as
// `bench/run.ts list` for the /incidents list bench below; anything else never gets past this line.
if (process.argv.slice(2).join(" ") !== "list") await dispatch(process.argv.slice(2));

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 100_000);
const REPS = Number(process.env.BENCH_REPS ?? 30);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);
const GOAL_MS = 100;
const LIMIT = 25;
const DEEP_PAGE = 2_000;
const TIME_BUDGET_MS = 170_000; // whole run, PostgreSQL start to stop
const MEASURE_BUDGET_MS = 45_000; // measuring at most; fewer rounds if spent (reported)
const RESERVE_MS = 25_000; // kept back for plans, the report and stopping PostgreSQL

const t0 = performance.now();
const elapsed = () => ((performance.now() - t0) / 1000).toFixed(1) + "s";
const say = (m: string) => console.log(`[bench ${elapsed()}] ${m}`);

// ---------------------------------------------------------------- lifecycle
let pgHandle: EmbeddedHandle | undefined;
let tmp: string | undefined;
let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    try {
      await db().$disconnect();
    } catch {
      // no client was created (DATABASE_URL never set) or it is already closed
    }
    await pgHandle?.stop().catch((e: unknown) => console.error("stopping PostgreSQL failed:", e));
    if (tmp) await rm(tmp, { recursive: true, force: true }).catch(() => {});
  })();
  return cleaning;
}
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    console.error(`\n${sig}: stopping PostgreSQL`);
    void cleanup().finally(() => process.exit(130));
  });
}
setTimeout(() => {
  console.error(`bench exceeded its ${TIME_BUDGET_MS / 1000}s budget; stopping`);
  void cleanup().finally(() => process.exit(2));
}, TIME_BUDGET_MS).unref();

// ---------------------------------------------------------------- cases
type Case = {
  name: string;
  /** real: the app's listIncidents (judged against the goal); baseline: the same page via OFFSET. */
  kind: "real" | "baseline";
  run: () => Promise<{ ids: string[] }>;
};

const filters = (f: Record<string, unknown>): IncidentFilters => ZIncidentFilters.parse({ limit: LIMIT, ...f });
const keyset = (f: IncidentFilters) => async () => ({ ids: (await listIncidents(f)).items.map((i) => i.id) });

function buildCases(serviceIds: Record<string, string>, deepCursor: string): Case[] {
  const real = (name: string, f: Record<string, unknown>): Case => ({ name, kind: "real", run: keyset(filters(f)) });
  return [
    real("page 1, no filter (reference)", {}),
    real("page 1, status=active", { status: "active" }),
    real("page 1, status=detected", { status: "detected" }),
    real("page 1, severity=CRITICAL", { severity: "CRITICAL" }),
    real("page 1, service=auth", { service: serviceIds.auth }),
    real("page 1, service=payments+severity=HIGH", { service: serviceIds.payments, severity: "HIGH" }),
    real(`page 1, q=${WORDS.common} (common)`, { q: WORDS.common }),
    real(SHORT_Q(), { q: WORDS.short }), // under 3 characters: matches incident keys only
    real(`page 1, q=${WORDS.rare} (rare)`, { q: WORDS.rare }),
    real(`page 1, q=${WORDS.missing} (no match)`, { q: WORDS.missing }),
    real(`page ${DEEP_PAGE}, keyset cursor`, { cursor: deepCursor }),
    {
      name: `page ${DEEP_PAGE}, OFFSET (baseline)`,
      kind: "baseline",
      run: async () => ({ ids: (await listIncidentsByOffset(filters({}), DEEP_PAGE)).items.map((i) => i.id) }),
    },
  ];
}
const REFERENCE = 0;
const DEEP_KEYSET = () => `page ${DEEP_PAGE}, keyset cursor`;
const DEEP_OFFSET = () => `page ${DEEP_PAGE}, OFFSET (baseline)`;
const SHORT_Q = () => `page 1, q=${WORDS.short} (2 chars: key match only, no match)`;

type Measured = { name: string; samples: number[]; median: number; p95: number };

/** Warm-up, then REPS rounds; each round runs every case once (interleaved, so drift hits all cases alike). */
async function measure(cases: Case[], label: string): Promise<Measured[]> {
  const budget = Math.min(MEASURE_BUDGET_MS, TIME_BUDGET_MS - (performance.now() - t0) - RESERVE_MS);
  for (const c of cases) for (let i = 0; i < WARMUP; i++) await c.run();
  const samples = cases.map(() => [] as number[]);
  const start = performance.now();
  let rounds = 0;
  for (; rounds < REPS; rounds++) {
    if (rounds >= 5 && performance.now() - start > budget) {
      say(`${label}: measuring budget spent after ${rounds} rounds (of ${REPS})`);
      break;
    }
    for (const [i, c] of cases.entries()) {
      const s = performance.now();
      await c.run();
      samples[i]!.push(performance.now() - s);
    }
  }
  say(`${label}: ${rounds} rounds × ${cases.length} cases in ${((performance.now() - start) / 1000).toFixed(1)}s`);
  return cases.map((c, i) => ({ name: c.name, samples: samples[i]!, median: median(samples[i]!), p95: percentile(samples[i]!, 95) }));
}

// ---------------------------------------------------------------- plans
const captured: string[] = [];
let capturing = false;
const logSink = (chunk: string) => {
  if (capturing) captured.push(chunk);
};

async function capturePlans(cases: Case[], url: string): Promise<Map<string, Plan | undefined>> {
  await db().$disconnect();
  setEnv("DATABASE_URL", withAutoExplain(url)); // db() builds a fresh client whose sessions load auto_explain
  const out = new Map<string, Plan | undefined>();
  try {
    await cases[0]!.run(); // open a connection before capturing
    for (const c of cases) {
      captured.length = 0;
      capturing = true;
      await c.run();
      await new Promise((r) => setTimeout(r, 150)); // let the server's stderr drain
      capturing = false;
      out.set(c.name, mainPlan(parsePlans(captured.join("\n"))));
    }
  } finally {
    capturing = false;
    await db().$disconnect();
    setEnv("DATABASE_URL", url);
  }
  return out;
}

// ---------------------------------------------------------------- are the search fixes in effect?
type TrigramIndex = { name: string; size: string };

/** Trigram indexes on Incident that the migrations created (expected: title and summary). */
async function trigramIndexes(url: string): Promise<{ indexes: TrigramIndex[]; tableSize: string }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<TrigramIndex>(
      `select i.indexname as name, pg_size_pretty(pg_relation_size(format('%I', i.indexname)::regclass)) as size
       from pg_indexes i where i.tablename = 'Incident' and i.indexdef ilike '%gin_trgm_ops%' order by 1`,
    );
    const t = await c.query<{ size: string }>(`select pg_size_pretty(pg_table_size('"Incident"')) as size`);
    return { indexes: r.rows, tableSize: t.rows[0]?.size ?? "?" };
  } finally {
    await c.end();
  }
}

/** One line per fix, each judged from evidence of this run (database catalog or captured plan), not assumed. */
function fixChecks(trgm: TrigramIndex[], plans: Map<string, Plan | undefined>): string[] {
  const deep = plans.get(DEEP_KEYSET())?.text ?? "";
  // The WHERE clause Prisma sent for the short query (the select list names title, so look only at WHERE).
  const shortWhere = /\bWHERE (.*) ORDER BY/.exec(plans.get(SHORT_Q())?.query ?? "")?.[1] ?? "";
  const bound = /Index Cond: \(.*"detectedAt" <= /.test(deep);
  const shortKeyOnly = /"key"/.test(shortWhere) && !/"(title|summary)"/.test(shortWhere);
  const ok = (b: boolean) => (b ? "yes" : "NO");
  return [
    `trigram indexes on Incident: ${ok(trgm.length >= 2)} (${trgm.map((i) => `${i.name} ${i.size}`).join(", ") || "none"})`,
    `q under 3 characters matches keys only: ${ok(shortKeyOnly)} (q=${WORDS.short} plan ${shortKeyOnly ? "filters on key only" : "still reads title/summary or was not captured"})`,
    `cursor bound detectedAt <= cursor used as an Index Cond: ${ok(bound)} (deep keyset page plan)`,
  ];
}

// ---------------------------------------------------------------- RESULTS.md
const RESULTS_HEAD = "# Benchmarks: /incidents list\n\nAppended by `npm run bench` (bench/run.ts). Ratios compare cases within the same run; absolute times depend on the machine.\n";
const CURRENT_NOTE = /^> \*\*Current section:\*\*.*\n/m;

/** Appends a section and points the one-line note under the title at it (older sections stay as history). */
async function writeResults(file: string, heading: string, section: string) {
  let text = existsSync(file) ? await readFile(file, "utf8") : "";
  if (!text.trim()) text = RESULTS_HEAD;
  const note = `> **Current section:** "${heading}" (the last one in this file); the sections before it are history.\n`;
  text = CURRENT_NOTE.test(text) ? text.replace(CURRENT_NOTE, note) : text.replace(/^(# .*\n)/, `$1\n${note}`);
  await writeFile(file, text.replace(/\n*$/, "\n") + section);
}

// ---------------------------------------------------------------- main
async function main() {
  tmp = await mkdtemp(path.join(tmpdir(), "rollcall-bench-"));
  await chmod(tmp, 0o755);
  say(`starting embedded PostgreSQL in ${tmp}`);
  pgHandle = await startEmbeddedPostgres({
    dataDir: path.join(tmp, "pg"),
    database: "bench",
    log: logSink,
  });
  const url = pgHandle.url("bench");
  await migrate(url);
  say("migrated; loading data");
  const seeded: SeedResult = await seed(url, INCIDENTS, { vacuum: process.env.BENCH_NO_VACUUM !== "1" });
  const maintained = seeded.vacuumed ? "VACUUM ANALYZEd" : "ANALYZEd only (not vacuumed: GIN pending lists unflushed)";
  say(`loaded ${seeded.incidents} incidents and ${seeded.incidentServices} incident↔service links in ${(seeded.ms / 1000).toFixed(1)}s (${maintained})`);
  const machine = await describeMachine(url);
  setEnv("DATABASE_URL", url);

  // The deep page's cursor: the last row of page DEEP_PAGE-1, computed from its offset.
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  let cases: Case[];
  let statusMix = "";
  try {
    const stats = await admin.query<{ n: string; status: string }>(`select status::text, count(*) n from "Incident" group by 1 order by 1`);
    statusMix = stats.rows.map((r) => `${r.status}=${r.n}`).join(" ");
    say(`status mix: ${statusMix}`);
    const at = await admin.query<{ id: string; detectedAt: Date }>(
      `select id, "detectedAt" from "Incident" order by "detectedAt" desc, id desc offset $1 limit 1`,
      [(DEEP_PAGE - 1) * LIMIT - 1],
    );
    const row = at.rows[0];
    if (!row) throw new Error(`dataset too small for page ${DEEP_PAGE}`);
    cases = buildCases(seeded.serviceIds, encodeCursor(row));
  } finally {
    await admin.end();
  }

  // Correctness guard: the keyset deep page must be exactly the OFFSET deep page, and every filtered case must return rows or (no match) none.
  const byName = new Map(cases.map((c) => [c.name, c]));
  const [k, o] = [await byName.get(DEEP_KEYSET())!.run(), await byName.get(DEEP_OFFSET())!.run()];
  if (k.ids.length !== LIMIT || k.ids.join() !== o.ids.join()) throw new Error("keyset deep page differs from the OFFSET deep page");
  const hits = new Map<string, number>();
  for (const c of cases) hits.set(c.name, (await c.run()).ids.length);
  say(`sanity: keyset page ${DEEP_PAGE} == OFFSET page ${DEEP_PAGE}; rows per page: ${[...hits.values()].join(",")}`);

  const trgm = await trigramIndexes(url);
  const before = await measure(cases, "listIncidents");
  const plans = await capturePlans(cases, url);
  const fixes = fixChecks(trgm.indexes, plans);

  // ------------------------------------------------------------ report
  const ref = before[REFERENCE]!.median;
  const deepK = before.find((m) => m.name === DEEP_KEYSET())!;
  const deepO = before.find((m) => m.name === DEEP_OFFSET())!;
  const headers = ["case", "rows", "median ms", "p95 ms", "× page-1 ref", "rows filtered out", "index / scan (EXPLAIN ANALYZE)"];
  const rows = before.map((m) => {
    const p = summarise(plans.get(m.name));
    return [m.name, String(hits.get(m.name) ?? ""), fmt(m.median), fmt(m.p95), ratio(m.median, ref), p.rowsRemoved.toLocaleString("en"), p.scans];
  });
  const main = table(headers, rows);
  const isReal = (m: Measured) => cases.find((c) => c.name === m.name)?.kind === "real";
  const slowest = before.filter(isReal).reduce((a, b) => (b.median > a.median ? b : a));
  const over = before.filter((m) => isReal(m) && m.median > GOAL_MS);
  const keysetVsOffset = `keyset/offset at page ${DEEP_PAGE}: ${ratio(deepK.median, deepO.median)} (${fmt(deepK.median)} ms vs ${fmt(deepO.median)} ms; OFFSET is ${(deepO.median / deepK.median).toFixed(1)}× slower)`;
  const verdict =
    over.length === 0
      ? `PASS: every keyset case is under ${GOAL_MS} ms median (slowest: "${slowest.name}" ${fmt(slowest.median)} ms, p95 ${fmt(slowest.p95)} ms) with ${seeded.incidents.toLocaleString("en")} incidents.`
      : `FAIL: ${over.map((m) => `"${m.name}" ${fmt(m.median)} ms`).join("; ")} over the ${GOAL_MS} ms goal with ${seeded.incidents.toLocaleString("en")} incidents.`;
  const slowPlan = plans.get(slowest.name);
  const slowSummary = summarise(slowPlan);
  const deepPlan = plans.get(DEEP_KEYSET());
  const planBlock = (p: Plan | undefined) => (p ? p.text : "(no plan captured)");

  const machineLine = `${machine.cpu} × ${machine.cpus}, ${machine.memGiB} GiB RAM, ${machine.os}, Node ${machine.node}, PostgreSQL ${machine.postgres}; load average ${machine.load} at start`;
  console.log("\n" + "=".repeat(100));
  console.log(`Machine: ${machineLine}`);
  console.log(`PostgreSQL settings: ${machine.pgSettings}`);
  console.log(`Dataset: ${seeded.incidents.toLocaleString("en")} incidents, ${seeded.incidentServices.toLocaleString("en")} IncidentService rows, 5 services; page size ${LIMIT}; ${before[0]!.samples.length} timed rounds after ${WARMUP} warm-up`);
  console.log(`Search fixes in effect (Incident table ${trgm.tableSize}):\n${fixes.map((f) => `  - ${f}`).join("\n")}`);
  console.log("\n" + main.text);
  console.log(`\n${keysetVsOffset}`);
  console.log(`\nSlowest keyset case: "${slowest.name}" — ${fmt(slowest.median)} ms median. Plan of its incident query (auto_explain, ANALYZE+BUFFERS):`);
  console.log(planBlock(slowPlan).replace(/^/gm, "  "));
  if (slowest.name !== DEEP_KEYSET()) {
    console.log(`\nDeep keyset page ("${DEEP_KEYSET()}", ${fmt(deepK.median)} ms) — look at "Rows Removed by Filter":`);
    console.log(planBlock(deepPlan).replace(/^/gm, "  "));
  }
  if (process.env.BENCH_PLANS === "all") {
    for (const [name, p] of plans) console.log(`\n--- ${name}\n${p?.text ?? "(none)"}`);
  }
  console.log(`\n${verdict}`);
  console.log("=".repeat(100));

  if (process.env.BENCH_NO_WRITE !== "1") {
    const file = path.join(import.meta.dirname, "RESULTS.md");
    const heading = `${new Date().toISOString()} — listIncidents, ${seeded.incidents.toLocaleString("en")} incidents${seeded.vacuumed ? "" : " (not vacuumed)"}`;
    const section = [
      `\n## ${heading}\n`,
      `- Machine: ${machineLine}`,
      `- PostgreSQL settings: ${machine.pgSettings}`,
      `- Dataset: ${seeded.incidents.toLocaleString("en")} incidents over 730 days, ${seeded.incidentServices.toLocaleString("en")} IncidentService rows, 5 services, loaded in ${(seeded.ms / 1000).toFixed(1)} s then ${maintained}; page size ${LIMIT}; status mix ${statusMix}`,
      `- Method: real \`listIncidents()\` through Prisma + @prisma/adapter-pg; ${WARMUP} warm-up runs per case, then ${before[0]!.samples.length} interleaved rounds; median and p95 (nearest rank) of wall time per call (includes Prisma's follow-up queries for commander and services); OFFSET baseline selects the same \`summarySelect\``,
      `- Search fixes in effect (checked in this run; Incident table ${trgm.tableSize}):`,
      ...fixes.map((f) => `  - ${f}`),
      "",
      main.markdown,
      "",
      `- ${keysetVsOffset}`,
      `- Slowest keyset case: "${slowest.name}", ${fmt(slowest.median)} ms median; incident query uses ${slowSummary.scans}; ${slowSummary.buffers ? `buffers ${slowSummary.buffers}; ` : ""}rows removed by filters ${slowSummary.rowsRemoved.toLocaleString("en")}`,
      "",
      "<details><summary>Plans (auto_explain: ANALYZE, BUFFERS) of the slowest keyset case and the deep keyset page</summary>",
      "",
      "```",
      `-- ${slowest.name}`,
      planBlock(slowPlan),
      ...(slowest.name !== DEEP_KEYSET() ? ["", `-- ${DEEP_KEYSET()}`, planBlock(deepPlan)] : []),
      "```",
      "",
      "</details>",
      "",
      `**Verdict:** ${verdict}`,
      "",
    ].join("\n");
    await writeResults(file, heading, section);
    say(`appended results to ${path.relative(process.cwd(), file)}`);
  }
}

main()
  .then(() => cleanup())
  .then(() => {
    say("done; PostgreSQL stopped");
    process.exit(0);
  })
  .catch(async (err: unknown) => {
    console.error(err);
    await cleanup();
    process.exit(1);
  });
