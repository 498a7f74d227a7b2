/**
 * Alerts in, automatic rollback out (issue 13), three measurements in one run:
 *
 * 1. Ingestion burst: 1,000 Alertmanager v4 posts over 100 groups (one service each; 10 posts per
 *    group, interleaved, the reading changing every third post as re-evaluated alerts do, the others
 *    exact re-sends) to Rollcall's real route handler, 16 in flight, against the BASELINE of a bare
 *    route handler of the same shape (read and parse the body, answer 200) on the same server, with
 *    the same payloads and concurrency, measured before and after. Judged: ingestion p99 / bare p99
 *    (goal <= 3x); exactly 100 groups stored. The server is a child process (bench/alerts-server.ts)
 *    so the load generator never shares its event loop.
 * 2. Alert received → rollback run started: 20 services, one acting alert each (error rate 60%
 *    sustained: seed 002's automatic rule), posted one after another; from sending the post to
 *    (a) the answer (the decision, incident and rollback run are committed in that transaction) and
 *    (b) the run's first step starting in the RunEngine (server.ts's configuration). p50 and p99;
 *    goal p50 < 1 s.
 * 3. The demo end to end, failure injected → healthy: the demo service, a real Prometheus (the
 *    shipped prometheus/demo-checkout.rules.yml, shortened) and a real Alertmanager posting to the
 *    route, the demo-service runbook run by a RunEngine; from deploying v2 to the demo answering v1
 *    and healthy. Goal < 60 s. The settings used are printed with the result.
 *
 * Everything listens on 127.0.0.1 only; the bench stops itself (PostgreSQL, the server child,
 * Prometheus, Alertmanager, the demo service) and is bounded in time.
 *
 *   npm run bench -- alerts        Options (env): BENCH_ALERTS_CONCURRENCY (16), BENCH_NO_WRITE=1
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { db } from "../lib/db/client.ts";
import { setEnv } from "../lib/env.ts";
import { SYSTEM } from "../lib/auth/actor.ts";
import { seedDemo } from "../lib/setup/bootstrap.ts";
import { createIntegration } from "../lib/alerts/integrations.ts";
import { labelsFingerprint, type AmPayload } from "../lib/demo/demo-alert.ts";
import { startDemoStack, type DemoStack } from "../lib/demo/testing/prometheus-stack.ts";
import { peersInstalled } from "../lib/executors/testing/prometheus.ts";
import { startFlagServer } from "../lib/executors/flags/server.ts";
import { instantQuery } from "../lib/prometheus/api.ts";
import { RunEngine } from "../lib/runs/engine.ts";
import { startAlertRouteServer } from "../test/alert-route-server.ts";
import { describeMachine } from "./machine.ts";
import { runBench, sleep, wallMs } from "./lifecycle.ts";
import { writeReadmeResults } from "./readme.ts";
import { fmt, median, percentile, ratio, table } from "./stats.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const BUDGET_MS = 300_000;
const CONCURRENCY = Number(process.env.BENCH_ALERTS_CONCURRENCY ?? 16);
const GROUPS = 100;
const POSTS_PER_GROUP = 10;
const AUTO_SERVICES = 20;
const GOAL_RATIO = 3;
const GOAL_RUN_P50_MS = 1_000;
const GOAL_DEMO_MS = 60_000;

// ---------------------------------------------------------------- payloads
const TEN_MIN_AGO = new Date(Date.now() - 10 * 60_000).toISOString();

function notification(service: string, alertname: string, errorRatePct: number, severity = "warning"): AmPayload {
  const labels = { alertname, service, severity };
  return {
    receiver: "rollcall",
    status: "firing",
    alerts: [
      {
        status: "firing",
        labels,
        annotations: { summary: `${service}: ${errorRatePct}% of requests fail`, error_rate_pct: String(errorRatePct) },
        startsAt: TEN_MIN_AGO,
        endsAt: "0001-01-01T00:00:00Z",
        generatorURL: `http://127.0.0.1:9090/graph?g0.expr=${encodeURIComponent(`service:http_error_rate_pct:rate1m > ${severity === "critical" ? 10 : 1}`)}&g0.tab=1`,
        fingerprint: labelsFingerprint(labels),
      },
    ],
    groupLabels: { service },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: "http://127.0.0.1:9093",
    version: "4",
    groupKey: `{}:{service=${JSON.stringify(service)}}`,
    truncatedAlerts: 0,
  };
}

const burstService = (g: number) => `Burst ${String(g + 1).padStart(3, "0")}`;
const autoService = (i: number) => `Auto ${String(i + 1).padStart(2, "0")}`;

/** 1,000 posts: round k sends every group once; the reading changes every third round (under any rule: hold). */
function burstBodies(): string[] {
  const out: string[] = [];
  for (let k = 0; k < POSTS_PER_GROUP; k++) {
    for (let g = 0; g < GROUPS; g++) out.push(JSON.stringify(notification(burstService(g), "ErrorRateAbove1Percent", 1.5 + Math.floor(k / 3) * 0.5)));
  }
  return out;
}

// ---------------------------------------------------------------- client
type Posted = { ms: number; status: number; text: string };

async function post(url: string, token: string, body: string): Promise<Posted> {
  const s = performance.now();
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body });
  const text = await res.text();
  return { ms: performance.now() - s, status: res.status, text };
}

/** Sends bodies in order with `concurrency` in flight; per-request latency (send → whole answer read). */
async function burst(url: string, token: string, bodies: string[], concurrency: number): Promise<{ samples: number[]; statuses: Map<number, number>; wallMs: number }> {
  const samples: number[] = new Array<number>(bodies.length);
  const statuses = new Map<number, number>();
  let next = 0;
  const s = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= bodies.length) return;
        const r = await post(url, token, bodies[i]!);
        samples[i] = r.ms;
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    }),
  );
  return { samples, statuses, wallMs: performance.now() - s };
}

const describeStatuses = (m: Map<number, number>) => [...m].map(([k, v]) => `${v}× ${k}`).join(", ");

// ---------------------------------------------------------------- server child
async function startServerChild(env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join("bench", "alerts-server.ts")], { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("the bench server did not start within 60 s")), 60_000);
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /LISTENING (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once("exit", (code) => reject(new Error(`the bench server exited with ${code}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(killer);
  };
  return { url: `http://127.0.0.1:${port}`, child, stop };
}

// ---------------------------------------------------------------- bench
await runBench("alerts", BUDGET_MS, async ({ url, tmp, say, onCleanup }) => {
  if (!peersInstalled()) throw new Error("Prometheus and Alertmanager are needed: apt-get install -y --no-install-recommends prometheus prometheus-alertmanager");
  const machine = await describeMachine(url);
  const runbooks = path.join(tmp, "runbooks");
  await mkdir(runbooks);
  // One no-op step: the bench measures getting to the run, not the run.
  await writeFile(
    path.join(runbooks, "bench-rollback.yaml"),
    ["name: bench-rollback", "title: Bench rollback", "scope: application", "estimatedMinutes: { min: 0.1, max: 1 }", "parameters:", "  - { name: target_version, type: version, required: true }", "steps:", "  - id: deploy", "    title: Deploy {{ params.target_version }}", "    executor: shell", '    params: { argv: ["true"] }', ""].join("\n"),
  );
  await copyFile(path.join(ROOT, "runbooks", "demo-service.yaml"), path.join(runbooks, "demo-service.yaml"));
  const env: Record<string, string> = {
    DATABASE_URL: url,
    POLICY_FILE: path.join(ROOT, "policy", "default.yaml"),
    RUNBOOKS_DIR: runbooks,
    COMMS_KEY: randomBytes(32).toString("base64"),
    ROLLCALL_NODE: process.execPath,
    ROLLCALL_HOME: ROOT,
    DEMO_SERVICE_URL: "http://127.0.0.1:9",
    DEMO_DRILL_SERVICE_URL: "http://127.0.0.1:9",
    FLAG_STORE_URL: "http://127.0.0.1:9",
  };
  for (const [k, v] of Object.entries(env)) setEnv(k, v);

  // The quick start's demo data: users, Demo Checkout, contacts and the escalation path (on-call first).
  await seedDemo(db());
  await db().service.createMany({ data: Array.from({ length: GROUPS }, (_, g) => ({ name: burstService(g), tier: "Medium", rtoMinutes: 30, rpoMinutes: 15, ownerTeam: "Bench", currentVersion: "v2", lastKnownGoodVersion: "v1" })) });
  await db().service.createMany({
    data: Array.from({ length: AUTO_SERVICES }, (_, i) => ({ name: autoService(i), tier: "Critical", rtoMinutes: 5, rpoMinutes: 1, ownerTeam: "Bench", currentVersion: "v2", lastKnownGoodVersion: "v1", runbooks: [{ runbook: "bench-rollback", defaults: {} }] })),
  });
  const make = (name: string) => createIntegration({ ctx: { actor: SYSTEM }, input: { name, slug: name, kind: "alertmanager" } });
  const [warm, burstInt, autoInt] = [await make("bench-warmup"), await make("bench-burst"), await make("bench-auto")];
  say(`seeded: ${GROUPS} burst services, ${AUTO_SERVICES} services with a rollback runbook, 3 integrations`);

  const server = await startServerChild({ ...process.env, ...env });
  onCleanup(server.stop);
  say(`server child on ${server.url}`);

  // ---- 1. ingestion burst
  const bodies = burstBodies();
  const warmBodies = Array.from({ length: 100 }, (_, i) => JSON.stringify(notification(`Warm ${i % 10}`, "ErrorRateAbove1Percent", 1.5)));
  await burst(`${server.url}/bare/${warm.slug}`, warm.token, warmBodies, CONCURRENCY);
  await burst(`${server.url}/api/alerts/${warm.slug}`, warm.token, warmBodies, CONCURRENCY);
  say("warmed up (100 bare, 100 real posts to a warm-up integration)");
  const bare1 = await burst(`${server.url}/bare/${burstInt.slug}`, burstInt.token, bodies, CONCURRENCY);
  say(`bare handler: ${bodies.length} posts in ${(bare1.wallMs / 1000).toFixed(1)} s (${describeStatuses(bare1.statuses)})`);
  const real = await burst(`${server.url}/api/alerts/${burstInt.slug}`, burstInt.token, bodies, CONCURRENCY);
  say(`ingestion: ${bodies.length} posts in ${(real.wallMs / 1000).toFixed(1)} s (${describeStatuses(real.statuses)})`);
  const bare2 = await burst(`${server.url}/bare/${burstInt.slug}`, burstInt.token, bodies, CONCURRENCY);
  say(`bare handler again: ${(bare2.wallMs / 1000).toFixed(1)} s`);
  const integrationId = (await db().alertIntegration.findUniqueOrThrow({ where: { slug: burstInt.slug }, select: { id: true } })).id;
  const stored = {
    groups: await db().alertGroup.count({ where: { integrationId } }),
    alerts: await db().alert.count({ where: { group: { integrationId } } }),
    decisions: await db().automaticDecision.count({ where: { group: { integrationId } } }),
    incidents: await db().incident.count({ where: { services: { some: { service: { name: { startsWith: "Burst " } } } } } }),
  };
  say(`stored for the burst: ${JSON.stringify(stored)}`);
  const bareSamples = [...bare1.samples, ...bare2.samples];

  // ---- 2. alert received → rollback run started
  const sent: { service: string; at: number; answeredMs: number; outcome: string }[] = [];
  for (let i = 0; i < AUTO_SERVICES; i++) {
    const at = wallMs();
    const r = await post(`${server.url}/api/alerts/${autoInt.slug}`, autoInt.token, JSON.stringify(notification(autoService(i), "ErrorRateAbove10Percent", 60, "critical")));
    const outcome = r.status === 200 ? String((JSON.parse(r.text) as { groups: { outcome: string }[] }).groups[0]?.outcome) : `HTTP ${r.status}`;
    sent.push({ service: autoService(i), at, answeredMs: r.ms, outcome });
    await sleep(100);
  }
  const firstSteps = async () =>
    Promise.all(
      sent.map(async (s) => {
        const d = await db().automaticDecision.findFirst({
          where: { outcome: "act", service: { name: s.service } },
          select: { rollbackRequest: { select: { run: { select: { createdAt: true, steps: { orderBy: { index: "asc" }, take: 1, select: { startedAt: true } } } } } } },
        });
        return d?.rollbackRequest?.run ?? null;
      }),
    );
  let runs = await firstSteps();
  for (let tries = 0; tries < 150 && runs.some((r) => !r?.steps[0]?.startedAt); tries++) {
    await sleep(200);
    runs = await firstSteps();
  }
  const toStep = runs.map((r, i) => (r?.steps[0]?.startedAt ? r.steps[0].startedAt.getTime() - sent[i]!.at : NaN)).filter(Number.isFinite);
  const answered = sent.map((s) => s.answeredMs);
  say(`acting alerts: ${sent.filter((s) => s.outcome === "act").length}/${AUTO_SERVICES} acted; ${toStep.length} runs' first step started`);
  await server.stop();

  // ---- 3. the demo end to end
  const policyFile = path.join(tmp, "policy.yaml");
  const rule = "when: { metrics: [{ metric: error_rate_pct, gt: 10, forMinutes: 5 }] }";
  const policyText = await readFile(env.POLICY_FILE!, "utf8");
  if (!policyText.includes(rule)) throw new Error("policy/default.yaml no longer has the rule the demo bench shortens");
  await writeFile(policyFile, policyText.replace(rule, "when: { metrics: [{ metric: error_rate_pct, gt: 10 }] }"));
  setEnv("POLICY_FILE", policyFile);
  const flags = await startFlagServer({ file: path.join(tmp, "flags.json") });
  onCleanup(() => flags.close());
  await flags.store.set("new-checkout", true);
  setEnv("FLAG_STORE_URL", flags.url);
  const route = await startAlertRouteServer();
  onCleanup(() => route.close());
  const demoInt = await make("bench-demo");
  const stack: DemoStack = await startDemoStack({ webhookUrl: `${route.url}/api/alerts/${demoInt.slug}`, bearerToken: demoInt.token, version: "v1" });
  onCleanup(() => stack.stop());
  setEnv("DEMO_SERVICE_URL", stack.demoUrl);
  const engine = new RunEngine({ db: db(), log: () => {} });
  await engine.start();
  onCleanup(() => engine.stop());
  const rate = async () => {
    const r = await instantQuery({ base: stack.prometheus.url, query: 'service:http_error_rate_pct:rate1m{service="Demo Checkout"}', timeoutMs: 2_000 }).catch(() => null);
    return r?.result.kind === "vector" ? r.result.samples[0]?.value : undefined;
  };
  for (let i = 0; i < 150 && (await rate()) !== 0; i++) await sleep(200);
  say("demo stack up, Prometheus sees 0% errors on v1; injecting the failure (deploy v2)");
  const demoId = (await db().service.findUniqueOrThrow({ where: { name: "Demo Checkout" }, select: { id: true } })).id;
  const t0 = wallMs();
  await stack.deploy("v2");
  const marks: Record<string, number> = { "v2 deployed (failure injected)": wallMs() - t0 };
  const mark = (name: string, ok: boolean) => {
    if (ok && marks[name] === undefined) marks[name] = wallMs() - t0;
  };
  let healthy = NaN;
  while (wallMs() - t0 < 120_000) {
    const group = await db().alertGroup.findFirst({ where: { serviceId: demoId }, select: { status: true, createdAt: true } });
    mark("alert received from Alertmanager", Boolean(group));
    const decision = await db().automaticDecision.findFirst({ where: { serviceId: demoId, outcome: "act" }, select: { rollbackRequest: { select: { run: { select: { id: true } } } } } });
    mark("incident declared, rollback run started", Boolean(decision?.rollbackRequest?.run));
    const version = await stack.version().catch(() => "");
    const health = await fetch(`${stack.demoUrl}/health`).then((r) => r.status).catch(() => 0);
    if (version === "v1" && health === 200 && decision) {
      healthy = wallMs() - t0;
      mark("demo answers v1, healthy", true);
      break;
    }
    await sleep(100);
  }
  for (let i = 0; i < 300 && marks["alert resolved"] === undefined; i++) {
    const g = await db().alertGroup.findFirst({ where: { serviceId: demoId, status: "resolved" }, select: { id: true } });
    mark("alert resolved", Boolean(g));
    await sleep(100);
  }
  say(`demo: failure injected → healthy in ${(healthy / 1000).toFixed(1)} s`);

  // ---- report
  const p = (xs: number[], q: number) => percentile(xs, q);
  const ratioP99 = p(real.samples, 99) / p(bareSamples, 99);
  const rows = [
    ["bare route handler (baseline; before and after)", String(bareSamples.length), fmt(median(bareSamples)), fmt(p(bareSamples, 95)), fmt(p(bareSamples, 99)), "1.00×"],
    ["Rollcall ingestion POST /api/alerts/<slug>", String(real.samples.length), fmt(median(real.samples)), fmt(p(real.samples, 95)), fmt(p(real.samples, 99)), ratio(p(real.samples, 99), p(bareSamples, 99))],
  ];
  const t1 = table(["case (1,000 posts, 100 groups)", "posts", "p50 ms", "p95 ms", "p99 ms", "p99 × bare"], rows);
  const runRows = [
    ["alert sent → answered (decision, incident, run committed)", String(answered.length), fmt(median(answered)), fmt(p(answered, 99))],
    ["alert sent → run's first step started (RunEngine)", String(toStep.length), fmt(median(toStep)), fmt(p(toStep, 99))],
  ];
  const t2 = table(["acting alert (one per service, sequential)", "n", "p50 ms", "p99 ms"], runRows);
  const markRows = Object.entries(marks)
    .sort((a, b) => a[1] - b[1])
    .map(([k, v]) => [k, (v / 1000).toFixed(1)]);
  const t3 = table(["demo milestone", "s after v2 deployed"], markRows);
  const s = stack.settings;
  const settings = `Prometheus 2.42 scrape ${s.scrapeIntervalSeconds}s, evaluation ${s.evaluationIntervalSeconds}s, rules' for: ${s.forDuration} (5m as shipped), rate windows ${Object.entries(s.windows).map(([a, b]) => `[${a}]→[${b}]`).join(" ")}, --rules.alert.resend-delay=1s; Alertmanager 0.25 group_by [service], group_wait ${s.groupWait}, group_interval ${s.groupInterval}; demo traffic ${s.trafficPerSecond} checkouts/s; policy: default with seed 002's error-rate rule without its 5-minute wait (the rules' for: is the wait); RunEngine as server.ts`;
  const okGroups = stored.groups === GROUPS && stored.alerts === GROUPS;
  const verdicts = [
    `${ratioP99 <= GOAL_RATIO ? "PASS" : "FAIL"}: ingestion p99 ${fmt(p(real.samples, 99))} ms is ${ratioP99.toFixed(2)}× the bare handler's ${fmt(p(bareSamples, 99))} ms (goal <= ${GOAL_RATIO}×)`,
    `${okGroups ? "PASS" : "FAIL"}: ${stored.groups} groups and ${stored.alerts} alerts stored for the burst (expected exactly ${GROUPS}); ${stored.decisions} decisions, ${stored.incidents} incidents; answers ${describeStatuses(real.statuses)}`,
    `${median(toStep) < GOAL_RUN_P50_MS ? "PASS" : "FAIL"}: alert received → rollback run started p50 ${fmt(median(toStep))} ms, p99 ${fmt(p(toStep, 99))} ms (goal p50 < 1 s)`,
    `${healthy < GOAL_DEMO_MS ? "PASS" : "FAIL"}: demo failure injected → healthy in ${Number.isFinite(healthy) ? (healthy / 1000).toFixed(1) : "never (120 s)"} s (goal < 60 s)`,
  ];
  const machineLine = `${machine.cpu} × ${machine.cpus}, ${machine.memGiB} GiB RAM, ${machine.os}, Node ${machine.node}, PostgreSQL ${machine.postgres}; load average ${machine.load} at start`;
  console.log("\n" + "=".repeat(100));
  console.log(`Machine: ${machineLine}`);
  console.log(`\n${t1.text}\n\n${t2.text}\n\n${t3.text}\n\nDemo settings: ${settings}\n`);
  for (const v of verdicts) console.log(v);
  console.log("=".repeat(100));

  if (process.env.BENCH_NO_WRITE !== "1") {
    const md = [
      `### ${new Date().toISOString()}`,
      "",
      `- Machine: ${machineLine}`,
      `- Burst: ${GROUPS * POSTS_PER_GROUP} posts, ${CONCURRENCY} in flight, one HTTP server in a child process (bench/alerts-server.ts) with the real route handler and the bare baseline; client keep-alive`,
      "",
      t1.markdown,
      "",
      t2.markdown,
      "",
      t3.markdown,
      "",
      `- Demo settings: ${settings}`,
      "",
      ...verdicts.map((v) => `- **${v}**`),
    ].join("\n");
    await writeReadmeResults("alerts", md);
    say("wrote the results block in bench/README.md");
  }
});
