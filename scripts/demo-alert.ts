import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { env } from "../lib/env.ts";
import { demoAlertPayload, errorRateBetween } from "../lib/demo/demo-alert.ts";
import { DEMO_INTEGRATION, demoTokenFile } from "../lib/demo/demo-integration.ts";
import { demoServiceUrlFile } from "../lib/demo/start-demo.ts";

// npm run demo:alert [-- --resolve] [-- --value 60] [-- --url http://localhost:3000]
// Posts the Alertmanager notification a real Prometheus + Alertmanager would send for the failing demo
// service (prometheus/demo-checkout.rules.yml) to the running quick start, with the error rate measured
// from the demo service's own /metrics. The payload is built here, not by Alertmanager (it says so).

const { values } = parseArgs({
  options: {
    resolve: { type: "boolean", default: false },
    value: { type: "string" },
    url: { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log("usage: npm run demo:alert [-- --resolve] [-- --value <error rate %>] [-- --url <Rollcall URL>]");
  process.exit(0);
}

const fail = (message: string): never => {
  console.error(`demo:alert: ${message}`);
  process.exit(1);
};

const e = env();
const dataDir = path.resolve(e.DATA_DIR);
const rollcall = values.url ?? e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`;
const tokenFile = demoTokenFile(dataDir);
if (!existsSync(tokenFile)) fail(`no demo integration token in ${tokenFile}. Start Rollcall with the demo data first (npm start): it creates the "${DEMO_INTEGRATION.name}" integration and writes its token there.`);
const token = readFileSync(tokenFile, "utf8").trim();
const stateFile = path.join(dataDir, "demo", "alert.json");

async function measure(): Promise<number> {
  const urlFile = demoServiceUrlFile(dataDir);
  if (!existsSync(urlFile)) return fail(`the demo service's address is not in ${urlFile}; is Rollcall running with the demo? Or pass --value <error rate %>.`);
  const service = readFileSync(urlFile, "utf8").trim();
  const scrape = async () => {
    const res = await fetch(new URL("/metrics", service), { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.text();
  };
  try {
    const before = await scrape();
    await new Promise((r) => setTimeout(r, 3_000));
    const rate = errorRateBetween(before, await scrape());
    if (rate === null) return fail(`the demo service at ${service} answered no checkouts in 3 s; pass --value <error rate %>.`);
    console.log(`Demo Checkout at ${service}: ${rate.toFixed(1)}% of checkouts failed in the last 3 s (from its /metrics).`);
    return rate;
  } catch (err) {
    return fail(`cannot read ${service}/metrics (${(err as Error).message}); is Rollcall running with the demo? Or pass --value <error rate %>.`);
  }
}

const now = new Date();
let payload;
if (values.resolve) {
  const saved = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, "utf8")) as { startsAt?: string }) : {};
  payload = demoAlertPayload({ status: "resolved", errorRatePct: values.value ? Number(values.value) : 0, now, startsAt: saved.startsAt ? new Date(saved.startsAt) : undefined });
} else {
  const rate = values.value !== undefined ? Number(values.value) : await measure();
  if (!Number.isFinite(rate) || rate < 0) fail(`--value must be a percentage, like 60`);
  payload = demoAlertPayload({ status: "firing", errorRatePct: rate, now });
  if (!payload.alerts.length) {
    fail(`an error rate of ${rate.toFixed(1)}% fires none of the demo's alerts (over 5% and over 10%). Break the demo again with: curl -X POST -d '{"version":"v2"}' <demo service>/admin/deploy, or pass --value 60.`);
  }
  writeFileSync(stateFile, JSON.stringify({ startsAt: payload.alerts[0]!.startsAt }));
}

const target = new URL(`/api/alerts/${DEMO_INTEGRATION.slug}`, rollcall);
console.log(`POST ${target} (${payload.status}: ${payload.alerts.map((a) => a.labels.alertname).join(", ")})`);
let res: Response;
try {
  res = await fetch(target, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(payload), signal: AbortSignal.timeout(30_000) });
} catch (err) {
  fail(`Rollcall did not answer at ${rollcall} (${(err as Error).message}); is it running? (--url sets where)`);
  process.exit(1);
}
const body = await res.text();
if (!res.ok) fail(`Rollcall answered ${res.status}: ${body}`);
const answer = JSON.parse(body) as { groups?: { status: string; outcome: string | null; incidentKey: string | null; replay: boolean }[] };
for (const g of answer.groups ?? []) {
  const what = g.replay ? "already received (deduplicated)" : `group ${g.status}, automation: ${g.outcome ?? "nothing new to decide"}`;
  console.log(`  ${what}${g.incidentKey ? `; incident ${new URL(`/incidents/${g.incidentKey}`, rollcall)}` : ""}`);
}
