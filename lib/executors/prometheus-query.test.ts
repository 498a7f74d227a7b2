import { describe, expect, it } from "vitest";
import { judge, meets, parseCondition, ZPrometheusQueryParams } from "./prometheus-query";
import { prometheusApiUrl, sampleValue } from "../prometheus/api";
import { validate } from "./registry";

const vector = (...values: [Record<string, string>, number][]) => ({ kind: "vector" as const, samples: values.map(([labels, value]) => ({ labels, value })) });

describe("prometheus-query condition", () => {
  it.each([
    ["result < 0.05", "<", 0.05],
    ["result<=1", "<=", 1],
    ["  result >= -2.5e-3 ", ">=", -0.0025],
    ["result == 0", "==", 0],
    ["result != 1", "!=", 1],
    ["RESULT > .5", ">", 0.5],
  ])("%s parses", (text, op, threshold) => {
    expect(parseCondition(text)).toMatchObject({ op, threshold });
  });

  it.each(["result", "result < ", "0.05 > result", "result < 0.05 && result > 0", "result[0] < 1", "len(result) == 1", "result < abc", "result < 1e999"])("%s is refused", (text) => {
    expect(parseCondition(text)).toBeNull();
  });

  it("compares each operator", () => {
    const c = (t: string) => parseCondition(t)!;
    expect([meets(c("result < 1"), 0.5), meets(c("result < 1"), 1), meets(c("result <= 1"), 1), meets(c("result > 1"), 1), meets(c("result >= 1"), 1), meets(c("result == 1"), 1), meets(c("result != 1"), 1)]).toEqual([
      true,
      false,
      true,
      false,
      true,
      true,
      false,
    ]);
  });
});

describe("prometheus-query judge", () => {
  const lt = parseCondition("result < 0.05")!;

  it("passes only when every series meets the condition", () => {
    expect(judge(vector([{ job: "a" }, 0.01], [{ job: "b" }, 0.02]), lt, "fail").verdict).toBe("passed");
    const one = judge(vector([{ job: "a" }, 0.01], [{ job: "b" }, 0.4]), lt, "fail");
    expect(one.verdict).toBe("failed");
    expect(one.detail).toBe('1 of 2 series do not meet result < 0.05: {job="b"} = 0.4');
  });

  it("applies the no-data rule to an empty result and to NaN-only results", () => {
    expect(judge(vector(), lt, "fail").verdict).toBe("failed");
    expect(judge(vector(), lt, "pass").verdict).toBe("passed");
    expect(judge(vector(), lt, "inconclusive")).toMatchObject({ verdict: "inconclusive", detail: 'no data: noData is "inconclusive"' });
    expect(judge(vector([{ job: "a" }, NaN]), lt, "inconclusive")).toMatchObject({ verdict: "inconclusive", detail: 'only NaN values (1 series): noData is "inconclusive"' });
  });

  it("a NaN series beside real ones is no reading; the others decide", () => {
    expect(judge(vector([{ job: "a" }, NaN], [{ job: "b" }, 0.01]), lt, "fail").verdict).toBe("passed");
  });

  it("a scalar is one series; a range vector is refused", () => {
    expect(judge({ kind: "scalar", samples: [{ labels: {}, value: 0.5 }] }, lt, "fail").verdict).toBe("failed");
    expect(judge({ kind: "unsupported", resultType: "matrix" }, lt, "pass")).toMatchObject({ verdict: "failed", detail: expect.stringContaining("returned a matrix") });
  });

  it("reads Prometheus' text values", () => {
    expect([sampleValue("0.5"), sampleValue("+Inf"), sampleValue("-Inf"), Number.isNaN(sampleValue("NaN"))]).toEqual([0.5, Infinity, -Infinity, true]);
  });
});

describe("prometheus-query params", () => {
  it("fills defaults", () => {
    expect(validate("prometheus-query", { url: "http://prometheus:9090", query: "up", successCondition: "result == 1" })).toEqual({
      ok: true,
      kind: "prometheus-query",
      params: { url: "http://prometheus:9090", query: "up", successCondition: "result == 1", noData: "inconclusive", count: 1, intervalSeconds: 30, failureLimit: 0, inconclusiveLimit: 0, headers: {}, timeoutSeconds: 10 },
    });
  });

  it("names each bad field", () => {
    const v = validate("prometheus-query", { url: "http://user:pw@prom:9090/?x=1", query: " ", successCondition: "result is low", noData: "maybe", count: 0 });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors.map((e) => e.path).sort()).toEqual(["count", "noData", "query", "successCondition", "url"]);
  });

  it("joins the API path onto the base by parsing, keeping a path prefix", () => {
    expect(prometheusApiUrl("http://prom:9090", "query").toString()).toBe("http://prom:9090/api/v1/query");
    expect(prometheusApiUrl("https://metrics.example/prometheus", "query_range").toString()).toBe("https://metrics.example/prometheus/api/v1/query_range");
    expect(prometheusApiUrl("https://metrics.example/prometheus/", "query").toString()).toBe("https://metrics.example/prometheus/api/v1/query");
    expect(() => prometheusApiUrl("http://prom:9090/?target=http://evil.example/", "query")).toThrow("no query string");
    expect(() => prometheusApiUrl("file:///etc/passwd", "query")).toThrow("http");
    expect(ZPrometheusQueryParams.safeParse({ url: "http://prom:9090#x", query: "up", successCondition: "result == 1" }).success).toBe(false);
  });
});
