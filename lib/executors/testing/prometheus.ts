import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../../db/embedded.ts";

// Real Prometheus and Alertmanager (Debian's `prometheus` and `prometheus-alertmanager`, which .ci/run
// installs) started as child processes on 127.0.0.1, each with a temp config and data dir and short
// intervals, and stopped by the PID started here. For tests and benches only.

export const PROMETHEUS_BIN = "/usr/bin/prometheus";
export const ALERTMANAGER_BIN = "/usr/bin/prometheus-alertmanager";
const INSTALL_HINT = "install them with: apt-get install -y --no-install-recommends prometheus prometheus-alertmanager (.ci/run does)";

export type Peer = {
  url: string;
  pid: number;
  dir: string;
  /** The last lines the process wrote, for a failing test's message. */
  logs: () => string;
  stop: () => Promise<void>;
};

export type PrometheusOptions = {
  /** Scrape targets; `labels` are added to every series of the target (e.g. the Rollcall service name). */
  targets: { job: string; url: string; metricsPath?: string; labels?: Record<string, string> }[];
  /** Rule files' contents (YAML), written into the temp dir. */
  rules?: string[];
  /** An Alertmanager to send alerts to (its base URL). */
  alertmanagerUrl?: string;
  scrapeIntervalSeconds?: number;
  evaluationIntervalSeconds?: number;
};

export type AlertmanagerOptions = {
  webhookUrl: string;
  /** Sent as `Authorization: Bearer …` (Alertmanager's http_config.authorization). */
  bearerToken?: string;
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  groupBy?: string[];
};

export function peersInstalled(): boolean {
  return existsSync(PROMETHEUS_BIN) && existsSync(ALERTMANAGER_BIN);
}

function hostPort(url: string): string {
  return new URL(url).host;
}

export function prometheusConfig(o: PrometheusOptions, ruleFiles: string[]): string {
  const scrape = o.scrapeIntervalSeconds ?? 1;
  const evaluation = o.evaluationIntervalSeconds ?? 1;
  const lines = [
    "global:",
    `  scrape_interval: ${Math.round(scrape * 1000)}ms`,
    `  scrape_timeout: ${Math.round(Math.max(0.5, scrape * 0.8) * 1000)}ms`,
    `  evaluation_interval: ${Math.round(evaluation * 1000)}ms`,
    "rule_files:",
    ...(ruleFiles.length ? ruleFiles.map((f) => `  - ${JSON.stringify(f)}`) : ["  []"]),
  ];
  if (o.alertmanagerUrl) {
    lines.push("alerting:", "  alertmanagers:", "    - static_configs:", `        - targets: [${JSON.stringify(hostPort(o.alertmanagerUrl))}]`);
  }
  lines.push("scrape_configs:");
  for (const t of o.targets) {
    const u = new URL(t.metricsPath ?? "/metrics", t.url);
    lines.push(`  - job_name: ${JSON.stringify(t.job)}`, `    metrics_path: ${JSON.stringify(u.pathname)}`, `    scheme: ${u.protocol.replace(":", "")}`, "    static_configs:", `      - targets: [${JSON.stringify(u.host)}]`);
    if (t.labels && Object.keys(t.labels).length) lines.push(`        labels: { ${Object.entries(t.labels).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(", ")} }`);
  }
  return lines.join("\n") + "\n";
}

export function alertmanagerConfig(o: AlertmanagerOptions): string {
  const lines = [
    "route:",
    "  receiver: rollcall",
    `  group_by: [${(o.groupBy ?? ["alertname", "service"]).map((g) => JSON.stringify(g)).join(", ")}]`,
    `  group_wait: ${o.groupWait ?? "1s"}`,
    `  group_interval: ${o.groupInterval ?? "2s"}`,
    `  repeat_interval: ${o.repeatInterval ?? "1h"}`,
    "receivers:",
    "  - name: rollcall",
    "    webhook_configs:",
    `      - url: ${JSON.stringify(o.webhookUrl)}`,
    "        send_resolved: true",
  ];
  if (o.bearerToken) lines.push("        http_config:", "          authorization:", "            type: Bearer", `            credentials: ${JSON.stringify(o.bearerToken)}`);
  return lines.join("\n") + "\n";
}

async function startPeer(name: string, bin: string, args: (dir: string, port: number) => string[], files: (dir: string) => Promise<void>): Promise<Peer> {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: ${INSTALL_HINT}`);
  const dir = await mkdtemp(path.join(tmpdir(), `rollcall-${name}-`));
  await chmod(dir, 0o755);
  await files(dir);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const tail: string[] = [];
  const child: ChildProcess = spawn(bin, args(dir, port), { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const keep = (b: Buffer) => {
    tail.push(...b.toString("utf8").split("\n").filter(Boolean));
    if (tail.length > 200) tail.splice(0, tail.length - 200);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const pid = child.pid;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  if (!pid) {
    await stop();
    throw new Error(`${name} did not start`);
  }
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`${name} exited with ${child.exitCode}:\n${tail.slice(-20).join("\n")}`);
    }
    try {
      if ((await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) })).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} was not ready within 30 s:\n${tail.slice(-20).join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, pid, dir, logs: () => tail.join("\n"), stop };
}

export async function startPrometheus(o: PrometheusOptions): Promise<Peer> {
  return startPeer(
    "prometheus",
    PROMETHEUS_BIN,
    (dir, port) => [
      `--config.file=${path.join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Resolved alerts reach Alertmanager at once instead of after the default minute.
      "--rules.alert.resend-delay=1s",
    ],
    async (dir) => {
      const ruleFiles: string[] = [];
      for (const [i, text] of (o.rules ?? []).entries()) {
        const file = path.join(dir, `rules-${i}.yml`);
        await writeFile(file, text);
        ruleFiles.push(file);
      }
      await writeFile(path.join(dir, "prometheus.yml"), prometheusConfig(o, ruleFiles));
    },
  );
}

export async function startAlertmanager(o: AlertmanagerOptions): Promise<Peer> {
  return startPeer(
    "alertmanager",
    ALERTMANAGER_BIN,
    (dir, port) => [
      `--config.file=${path.join(dir, "alertmanager.yml")}`,
      `--storage.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Empty: no cluster (no gossip port, nothing listening beyond the API).
      "--cluster.listen-address=",
    ],
    async (dir) => writeFile(path.join(dir, "alertmanager.yml"), alertmanagerConfig(o)),
  );
}

/** Alerts Prometheus currently holds (pending or firing), from its API. */
export async function prometheusAlerts(url: string): Promise<{ labels: Record<string, string>; state: string; value: string }[]> {
  const res = await fetch(new URL("api/v1/alerts", `${url}/`));
  const body = (await res.json()) as { data: { alerts: { labels: Record<string, string>; state: string; value: string }[] } };
  return body.data.alerts;
}
