import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync, writeFileSync, mkdirSync, renameSync } from "node:fs";
import path from "node:path";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

// A tiny service to roll back for real in the quick start: v1 is healthy, v2 fails 3 requests in 5.
// It exports Prometheus metrics at /metrics (prometheus/README.md has the scrape job and alert rules).
export type DemoState = { version: string; deployedAt: string };

export function readState(file: string): DemoState {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as DemoState;
  } catch {
    return { version: "v2", deployedAt: new Date().toISOString() };
  }
}

export function writeState(file: string, state: DemoState) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(state));
  renameSync(`${file}.tmp`, file);
}

const ROUTES = new Set(["/version", "/health", "/checkout", "/metrics", "/admin/deploy"]);

/** The demo's metrics on a registry of its own: request counts by status and a latency histogram. */
export function demoMetrics() {
  const registry = new Registry();
  const requests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests answered, by route, status code and deployed version.",
    labelNames: ["route", "code", "version"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "Time to answer an HTTP request, by route and deployed version.",
    labelNames: ["route", "version"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [registry],
  });
  const deployed = new Gauge({ name: "demo_version_info", help: "1 for the version deployed now.", labelNames: ["version"] as const, registers: [registry] });
  return { registry, requests, duration, deployed };
}

export type DemoServiceOptions = {
  port: number;
  stateFile: string;
  host?: string;
  /** Synthetic checkout requests per second the service sends itself, so its error rate means something. */
  trafficPerSecond?: number;
};

export function startDemoService(opts: DemoServiceOptions): Promise<Server> {
  // Each route fails on its own count, so synthetic /checkout traffic leaves /health's pattern as it was.
  const counters = new Map<string, number>();
  const metrics = demoMetrics();
  let shownVersion = "";
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://demo");
    const route = ROUTES.has(url.pathname) ? url.pathname : "other";
    const state = readState(opts.stateFile);
    if (shownVersion !== state.version) {
      metrics.deployed.reset();
      metrics.deployed.set({ version: state.version }, 1);
      shownVersion = state.version;
    }
    const stopTimer = metrics.duration.startTimer({ route, version: state.version });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(body));
      stopTimer();
      metrics.requests.inc({ route, code: String(status), version: state.version });
    };
    if (req.method === "GET" && url.pathname === "/metrics") {
      void metrics.registry.metrics().then((text) => {
        res.writeHead(200, { "content-type": metrics.registry.contentType, "cache-control": "no-store" });
        res.end(text);
      });
      return;
    }
    if (req.method === "GET" && url.pathname === "/version") return send(200, state);
    if (req.method === "GET" && (url.pathname === "/health" || url.pathname === "/checkout")) {
      const counter = (counters.get(url.pathname) ?? 0) + 1;
      counters.set(url.pathname, counter);
      if (state.version === "v2" && counter % 5 < 3) return send(503, { status: "error", version: state.version, error: "checkout failed: null session" });
      return send(200, { status: "ok", version: state.version });
    }
    if (req.method === "POST" && url.pathname === "/admin/deploy") {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString("utf8");
        if (body.length > 1000) req.destroy();
      });
      req.on("end", () => {
        let version = "";
        try {
          version = String((JSON.parse(body || "{}") as { version?: unknown }).version ?? "");
        } catch {
          return send(400, { error: "body must be JSON {\"version\": \"v1\"}" });
        }
        if (!/^v\d+$/.test(version)) return send(400, { error: "version must look like v1" });
        // A deploy takes a moment, as real ones do.
        setTimeout(() => {
          writeState(opts.stateFile, { version, deployedAt: new Date().toISOString() });
          send(200, { deployed: version });
        }, 800);
      });
      return;
    }
    send(404, { error: "not found" });
  });
  const rate = opts.trafficPerSecond ?? 0;
  let traffic: ReturnType<typeof setInterval> | undefined;
  server.on("close", () => clearInterval(traffic));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "127.0.0.1", () => {
      if (rate > 0) {
        const { port } = server.address() as AddressInfo;
        const target = `http://${opts.host ?? "127.0.0.1"}:${port}/checkout`;
        traffic = setInterval(() => void fetch(target, { signal: AbortSignal.timeout(2_000) }).then((r) => r.body?.cancel()).catch(() => {}), 1000 / rate);
        traffic.unref();
      }
      resolve(server);
    });
  });
}

/** Puts the demo back in its broken state (v2 deployed), as at first start. */
export function resetDemoState(file: string) {
  writeState(file, { version: "v2", deployedAt: new Date().toISOString() });
}
