import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { instantQuery } from "../prometheus/api";
import { createPrometheusQueryExecutor, prometheusQueryExecutor, ZPrometheusQueryParams, type Timers } from "./prometheus-query";
import { stepContext } from "./testing/context";
import { startTestServer, type TestServer } from "./testing/http-server";
import { startPrometheus, type Peer } from "./testing/prometheus";
import { ZRunbook } from "../runbooks/schema";
import { renderRunbook } from "../runbooks/render";

// A real Prometheus (Debian package) scraping a local exporter whose gauges the test sets.
let exporter: TestServer;
let prometheus: Peer;
const gauges: Record<string, number> = { checkout_error_ratio: 0.01 };
let scrapes = 0;

async function settle(query: string, expected: number) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await instantQuery({ base: prometheus.url, query, timeoutMs: 2_000 }).catch(() => null);
    const v = r?.result.kind === "vector" ? r.result.samples[0]?.value : undefined;
    if (v === expected) return;
    if (Date.now() > deadline) throw new Error(`Prometheus never saw ${query} = ${expected} (last ${v}):\n${prometheus.logs()}`);
    await new Promise((ok) => setTimeout(ok, 200));
  }
}

/** Sets the eu series (us follows at half) and waits until Prometheus has scraped it. */
async function setRatio(value: number) {
  gauges.checkout_error_ratio = value;
  await settle('checkout_error_ratio{region="eu"}', value);
}

beforeAll(async () => {
  exporter = await startTestServer(() => {
    scrapes++;
    const text = Object.entries(gauges)
      .map(([k, v]) => `# TYPE ${k} gauge\n${k}{service="checkout",region="eu"} ${v}\n${k}{service="checkout",region="us"} ${v / 2}`)
      .join("\n");
    return { status: 200, body: `${text}\n`, headers: { "content-type": "text/plain; version=0.0.4" } };
  });
  prometheus = await startPrometheus({ targets: [{ job: "exporter", url: exporter.url }] });
  await settle('checkout_error_ratio{region="eu"}', 0.01);
});

afterAll(async () => {
  await prometheus?.stop();
  await exporter?.close();
});

const params = (p: Record<string, unknown>) => ZPrometheusQueryParams.parse({ url: prometheus.url, query: "checkout_error_ratio", successCondition: "result < 0.05", ...p });

describe("prometheus-query executor (real Prometheus)", () => {
  it("passes when every series meets the condition, and logs each reading", async () => {
    await setRatio(0.01);
    const { ctx, text } = stepContext();
    const r = await prometheusQueryExecutor.execute(params({}), ctx);
    expect(r).toMatchObject({ ok: true, output: { verdict: "passed", passed: 1, failed: 0 } });
    const m = (r.output as { measurements: { values: { series: string; value: number }[] }[] }).measurements[0]!;
    expect(m.values).toEqual(
      expect.arrayContaining([
        { series: 'checkout_error_ratio{instance="' + new URL(exporter.url).host + '", job="exporter", region="eu", service="checkout"}', value: 0.01 },
        expect.objectContaining({ value: 0.005 }),
      ]),
    );
    expect(text()).toContain("measurement 1 of 1: PASSED");
  });

  it("fails when one series does not meet it, naming that series", async () => {
    await setRatio(0.08);
    const r = await prometheusQueryExecutor.execute(params({}), stepContext().ctx);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/^failed: 1 of 2 series do not meet result < 0\.05: checkout_error_ratio\{.*region="eu".*\} = 0\.08$/);
    expect(r.output).toMatchObject({ verdict: "failed" });
    await setRatio(0.01);
  });

  it("applies noData to a query with no series: fail, pass, or inconclusive (a person decides)", async () => {
    const q = { query: 'checkout_error_ratio{region="mars"}' };
    expect(await prometheusQueryExecutor.execute(params({ ...q, noData: "fail" }), stepContext().ctx)).toMatchObject({ ok: false, output: { verdict: "failed" } });
    expect(await prometheusQueryExecutor.execute(params({ ...q, noData: "pass" }), stepContext().ctx)).toMatchObject({ ok: true, output: { verdict: "passed" } });
    const inconclusive = await prometheusQueryExecutor.execute(params(q), stepContext().ctx);
    expect(inconclusive).toMatchObject({ ok: false, error: 'inconclusive, a person decides: no data: noData is "inconclusive"', output: { verdict: "inconclusive" } });
  });

  it("a division by zero (NaN everywhere) is no data, not a pass", async () => {
    const r = await prometheusQueryExecutor.execute(params({ query: "checkout_error_ratio - checkout_error_ratio / 0 * 0" }), stepContext().ctx);
    expect(r).toMatchObject({ ok: false, output: { verdict: "inconclusive" } });
    expect(r.error).toContain("only NaN values (2 series)");
  });

  it("a range vector is refused with the reason", async () => {
    const r = await prometheusQueryExecutor.execute(params({ query: "checkout_error_ratio[10s]" }), stepContext().ctx);
    expect(r.error).toBe("failed: the query returned a matrix, not one number per series (use an instant vector or a scalar)");
  });

  it("a query Prometheus refuses, or an unreachable Prometheus, is inconclusive with Prometheus' reason", async () => {
    const bad = await prometheusQueryExecutor.execute(params({ query: "sum(" }), stepContext().ctx);
    expect(bad).toMatchObject({ ok: false, output: { verdict: "inconclusive" } });
    expect(bad.error).toContain("Prometheus refused the query (bad_data)");
    const gone = await startTestServer(() => ({ status: 200 }));
    await gone.close();
    const down = await prometheusQueryExecutor.execute(params({ url: gone.url }), stepContext().ctx);
    expect(down.error).toMatch(/^inconclusive, a person decides: Prometheus unreachable: ECONNREFUSED/);
  });

  it("repeats the measurement count times, waiting the interval on the injected clock, and stops at the failure limit", async () => {
    await setRatio(0.01);
    const waits: number[] = [];
    const timers: Timers = { now: () => Date.UTC(2026, 10, 29, 12, 0, waits.length), setTimeout: (fn, ms) => (waits.push(ms), setImmediate(fn)), clearTimeout: (h) => clearImmediate(h as NodeJS.Immediate) };
    const executor = createPrometheusQueryExecutor(timers);
    const ok = await executor.execute(params({ count: 3, intervalSeconds: 15 }), stepContext().ctx);
    expect(ok).toMatchObject({ ok: true, output: { passed: 3 } });
    expect(waits).toEqual([15_000, 15_000]);
    expect((ok.output as { measurements: { at: string }[] }).measurements.map((m) => m.at)).toEqual(["2026-11-29T12:00:00.000Z", "2026-11-29T12:00:01.000Z", "2026-11-29T12:00:02.000Z"]);

    await setRatio(0.3);
    waits.length = 0;
    const failed = await executor.execute(params({ count: 5, intervalSeconds: 15, failureLimit: 1 }), stepContext().ctx);
    // Two failed measurements exceed a failure limit of 1: the step stops there, three are never taken.
    expect(failed).toMatchObject({ ok: false, output: { verdict: "failed", failed: 2 } });
    expect(waits).toEqual([15_000]);
    await setRatio(0.01);
  });

  it("an abort between measurements stops the step", async () => {
    const { ctx, controller } = stepContext();
    const timers: Timers = { now: () => Date.now(), setTimeout: () => (controller.abort(), 0), clearTimeout: () => {} };
    const r = await createPrometheusQueryExecutor(timers).execute(params({ count: 3, intervalSeconds: 60 }), ctx);
    expect(r).toMatchObject({ ok: false, error: "aborted", output: { passed: 1 } });
  });

  it("plan() describes the query and sends nothing to Prometheus", async () => {
    const spy = await startTestServer(() => ({ status: 500 }));
    try {
      const plan = await prometheusQueryExecutor.plan(params({ url: `${spy.url}/prometheus`, count: 3, intervalSeconds: 20, headers: { authorization: "Bearer prom-secret-token" }, query: 'sum(rate(x{token="prom-secret-token"}[1m]))' }), { env: {} });
      expect(plan.summary).toBe(`Prometheus ${spy.url}: result < 0.05 for sum(rate(x{token="[redacted]"}[1m]))`);
      expect(plan.actions).toEqual([
        `POST ${spy.url}/prometheus/api/v1/query query=sum(rate(x{token="[redacted]"}[1m]))`,
        "every series must meet result < 0.05; no data: inconclusive",
        "3 measurements 20s apart; fail after 1 failed, inconclusive after 1 inconclusive",
      ]);
      expect(spy.received).toHaveLength(0);
    } finally {
      await spy.close();
    }
  });

  it("sends its headers to Prometheus and keeps secrets out of the log", async () => {
    const seen: string[] = [];
    const proxy = await startTestServer(async (req) => {
      seen.push(String(req.headers.authorization));
      const upstream = await fetch(`${prometheus.url}${req.url}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: req.body });
      return { status: upstream.status, body: await upstream.text(), headers: { "content-type": "application/json" } };
    });
    try {
      const { ctx, text } = stepContext({ PROM_TOKEN: "prom-secret-token" });
      const r = await prometheusQueryExecutor.execute(params({ url: proxy.url, headers: { authorization: "Bearer prom-secret-token" } }), ctx);
      expect(r.ok).toBe(true);
      expect(seen).toEqual(["Bearer prom-secret-token"]);
      expect(JSON.stringify(r) + text()).not.toContain("prom-secret-token");
    } finally {
      await proxy.close();
    }
    expect(scrapes).toBeGreaterThan(0);
  });

  it("in a runbook, the Prometheus URL parameter points only where the runbook allows; rendered, the step measures for real", async () => {
    const runbook = ZRunbook.parse({
      name: "canary-check",
      title: "Error rate back to normal",
      scope: "application",
      estimatedMinutes: { min: 1, max: 2 },
      parameters: [{ name: "prometheus_url", type: "url", required: true, allowedUrls: ["{{ env.PROMETHEUS_URL }}"] }],
      steps: [{ id: "note", title: "Rolled back", executor: "manual", params: { instructions: "Done." } }],
      validation: [
        {
          id: "error-rate",
          title: "Checkout error ratio under 5%",
          executor: "prometheus-query",
          params: { url: "{{ params.prometheus_url }}", query: "max(checkout_error_ratio)", successCondition: "result < 0.05", noData: "fail" },
        },
      ],
    });
    const env = { PROMETHEUS_URL: prometheus.url };
    const outside = renderRunbook(runbook, { prometheus_url: exporter.url }, env, "production");
    expect(outside.ok).toBe(false);
    expect(!outside.ok && outside.errors[0]!.message).toBe(`prometheus_url may only point to ${prometheus.url} in production; ${exporter.url} is not allowed`);

    const inside = renderRunbook(runbook, { prometheus_url: prometheus.url }, env, "production");
    expect(inside.ok).toBe(true);
    if (!inside.ok) return;
    const step = inside.steps.find((s) => s.id === "error-rate")!;
    expect(step).toMatchObject({ section: "validation", executor: "prometheus-query", params: { url: prometheus.url, count: 1 } });
    await setRatio(0.01);
    expect(await prometheusQueryExecutor.execute(step.params as never, stepContext().ctx)).toMatchObject({ ok: true, output: { verdict: "passed" } });
  });
});
