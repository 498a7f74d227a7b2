import { mkdtemp, readFile, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { startDemoService, writeState } from "../demo-service.ts";
import { startAlertmanager, startPrometheus, type Peer } from "../../executors/testing/prometheus.ts";

// The demo service watched by a real Prometheus (the shipped prometheus/demo-checkout.rules.yml, with
// its durations shortened) that sends to a real Alertmanager, which posts to `webhookUrl`.

export const RULES_FILE = path.resolve(import.meta.dirname, "../../../prometheus/demo-checkout.rules.yml");

export type StackSettings = {
  scrapeIntervalSeconds: number;
  evaluationIntervalSeconds: number;
  /** The rules' `for:` (5m as shipped). */
  forDuration: string;
  /** The rules' rate windows, as shipped → in this stack. */
  windows: Record<string, string>;
  groupWait: string;
  groupInterval: string;
  trafficPerSecond: number;
};

export const FAST: StackSettings = {
  scrapeIntervalSeconds: 1,
  evaluationIntervalSeconds: 1,
  forDuration: "2s",
  windows: { "1m": "5s", "5m": "10s" },
  groupWait: "1s",
  groupInterval: "2s",
  trafficPerSecond: 20,
};

/** The shipped rules with `for:` and rate windows replaced (the expressions are otherwise as shipped). */
export function fastRules(text: string, s: Pick<StackSettings, "forDuration" | "windows">): string {
  let out = text.replace(/^(\s*for:\s*)\S+/gm, `$1${s.forDuration}`);
  for (const [from, to] of Object.entries(s.windows)) out = out.split(`[${from}]`).join(`[${to}]`);
  return out;
}

export type DemoStack = {
  demoUrl: string;
  prometheus: Peer;
  alertmanager: Peer;
  settings: StackSettings;
  /** Deploys a version through the demo's own deploy endpoint (as the runbook's deploy tool does). */
  deploy: (version: string) => Promise<void>;
  version: () => Promise<string>;
  stop: () => Promise<void>;
};

export async function startDemoStack(opts: { webhookUrl: string; bearerToken?: string; version?: string; service?: string; settings?: Partial<StackSettings> }): Promise<DemoStack> {
  const settings = { ...FAST, ...opts.settings };
  const dir = await mkdtemp(path.join(tmpdir(), "rollcall-demo-stack-"));
  const stateFile = path.join(dir, "service.json");
  writeState(stateFile, { version: opts.version ?? "v1", deployedAt: new Date().toISOString() });
  const started: { demo?: Server; alertmanager?: Peer; prometheus?: Peer } = {};
  const stop = async () => {
    await started.prometheus?.stop();
    await started.alertmanager?.stop();
    if (started.demo) {
      const demo = started.demo;
      await new Promise<void>((r) => demo.close(() => r()));
      demo.closeAllConnections();
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    started.demo = await startDemoService({ port: 0, stateFile, trafficPerSecond: settings.trafficPerSecond });
    const demoUrl = `http://127.0.0.1:${(started.demo.address() as AddressInfo).port}`;
    started.alertmanager = await startAlertmanager({
      webhookUrl: opts.webhookUrl,
      bearerToken: opts.bearerToken,
      groupBy: ["service"],
      groupWait: settings.groupWait,
      groupInterval: settings.groupInterval,
    });
    const rules = fastRules(await readFile(RULES_FILE, "utf8"), settings);
    started.prometheus = await startPrometheus({
      targets: [{ job: "demo-checkout", url: demoUrl, labels: { service: opts.service ?? "Demo Checkout" } }],
      rules: [rules],
      alertmanagerUrl: started.alertmanager.url,
      scrapeIntervalSeconds: settings.scrapeIntervalSeconds,
      evaluationIntervalSeconds: settings.evaluationIntervalSeconds,
    });
    const version = async () => ((await (await fetch(`${demoUrl}/version`)).json()) as { version: string }).version;
    const deploy = async (v: string) => {
      const res = await fetch(`${demoUrl}/admin/deploy`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ version: v }) });
      if (!res.ok) throw new Error(`deploy ${v} failed: ${res.status} ${await res.text()}`);
    };
    return { demoUrl, prometheus: started.prometheus, alertmanager: started.alertmanager, settings, deploy, version, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
