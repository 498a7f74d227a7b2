/**
 * `npm run bench` runs every benchmark in sequence, each in a Node process of its own (so one bench's
 * memory, timers and PostgreSQL never affect the next one's figures); `npm run bench -- NAME [NAME…]`
 * runs only those. Names: list (bench/run.ts, /incidents list), executor (bench/executor.ts),
 * fanout (bench/fanout.ts), alerts (bench/alerts.ts). Each bench bounds its own time; the dispatcher stops a child that overruns
 * its budget by a margin anyway.
 *
 * When all run, the list bench uses fewer rounds (BENCH_REPS=10, BENCH_WARMUP=2) unless they are set,
 * to keep the whole sequence to a few minutes.
 */
import { spawn } from "node:child_process";
import path from "node:path";

type Spec = { file: string; args: string[]; budgetMs: number; allEnv?: Record<string, string> };

export const BENCHES: Record<string, Spec> = {
  list: { file: "run.ts", args: ["list"], budgetMs: 170_000, allEnv: { BENCH_REPS: "10", BENCH_WARMUP: "2" } },
  executor: { file: "executor.ts", args: [], budgetMs: 150_000 },
  fanout: { file: "fanout.ts", args: [], budgetMs: 210_000 },
  alerts: { file: "alerts.ts", args: [], budgetMs: 300_000 },
};

const ROOT = path.resolve(import.meta.dirname, "..");
const MARGIN_MS = 30_000;

function usage(): never {
  console.error(`usage: npm run bench [-- ${Object.keys(BENCHES).join("|")}|all ...]`);
  process.exit(2);
}

export async function dispatch(args: string[]): Promise<never> {
  const all = args.length === 0 || (args.length === 1 && args[0] === "all");
  const names = all ? Object.keys(BENCHES) : args;
  if (names.some((n) => !(n in BENCHES))) usage();

  let current: ReturnType<typeof spawn> | null = null;
  let stopping = false;
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      // The child stops its own PostgreSQL on these signals. Ctrl-C already reaches it (same process
      // group), so only SIGTERM is forwarded, to the child we started; no further bench is started.
      stopping = true;
      if (!current || current.exitCode !== null) process.exit(130);
      if (sig === "SIGTERM") current.kill("SIGTERM");
    });
  }

  const results: { name: string; code: number | string; s: number }[] = [];
  const t0 = performance.now();
  for (const name of names) {
    if (stopping) break;
    const spec = BENCHES[name]!;
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (all) for (const [k, v] of Object.entries(spec.allEnv ?? {})) env[k] ??= v;
    console.log(`\n######## bench ${name} (bench/${spec.file}${all && spec.allEnv ? `, ${Object.entries(spec.allEnv).map(([k, v]) => `${k}=${env[k] ?? v}`).join(" ")}` : ""})\n`);
    const s = performance.now();
    const child = spawn(process.execPath, ["--import", "tsx", path.join("bench", spec.file), ...spec.args], { cwd: ROOT, env, stdio: "inherit" });
    current = child;
    const overrun = setTimeout(() => {
      console.error(`[bench] ${name} overran its ${spec.budgetMs / 1000}s budget by ${MARGIN_MS / 1000}s; stopping it`);
      child.kill("SIGTERM");
    }, spec.budgetMs + MARGIN_MS);
    const code = await new Promise<number | string>((resolve) => {
      child.once("error", (e) => resolve(e.message));
      child.once("exit", (c, sig) => resolve(c ?? sig ?? "?"));
    });
    clearTimeout(overrun);
    current = null;
    results.push({ name, code, s: (performance.now() - s) / 1000 });
  }
  console.log(`\n######## benches done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  for (const r of results) console.log(`  ${r.name.padEnd(9)} exit ${String(r.code).padEnd(4)} ${r.s.toFixed(0)} s`);
  console.log("Results: bench/README.md (executor, fan-out) and bench/RESULTS.md (incident list).");
  process.exit(results.every((r) => r.code === 0) ? 0 : 1);
}
