import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixedParams, runbookEnvironments } from "./environments";
import { parseRunbook } from "./load";
import { resolveParams, type ParameterDef } from "./params";
import { formatRenderError, renderRunbook, renderStep } from "./render";
import { stepBatches, ZStep, type Step } from "./schema";
import { substitute } from "./template";

const root = path.resolve(import.meta.dirname, "../..");

function step(s: Record<string, unknown>): Step {
  return ZStep.parse({ id: "s", title: "step", ...s });
}

describe("resolveParams checks each parameter's type", () => {
  const defs: ParameterDef[] = [
    { name: "service", type: "service", required: true },
    { name: "version", type: "version", required: false, default: "v1" },
    { name: "backup", type: "backup_id", required: false },
    { name: "flag", type: "flag", required: false },
    { name: "url", type: "url", required: false },
    { name: "count", type: "number", required: false },
    { name: "dry", type: "boolean", required: false },
    { name: "note", type: "string", required: false },
  ];

  it("applies defaults and accepts form strings for numbers and booleans", () => {
    expect(resolveParams(defs, { service: "checkout", count: "3", dry: "false", note: "x; rm -rf /" })).toEqual({
      ok: true,
      values: { service: "checkout", version: "v1", count: 3, dry: false, note: "x; rm -rf /" },
    });
  });

  it.each([
    ["service", "x; rm -rf /", "must be letters, digits, . _ @ - (not starting with -) (service)"],
    ["service", "--force", "must be letters, digits, . _ @ - (not starting with -) (service)"],
    ["version", "-v", "must be a tag, version or digest such as v2.9.0 (not starting with -) (version)"],
    ["backup", "../../etc/passwd", "must be letters, digits, . _ - (no slashes) (backup_id)"],
    ["flag", "new checkout", "must be letters, digits, . _ : - (flag)"],
    ["url", "ftp://files.example.com/", "must be an http:// or https:// URL (url)"],
    ["url", "not a url", "must be a URL (url)"],
    ["count", "three", "must be a number (number)"],
    ["dry", "yes", "must be true or false (boolean)"],
  ])("%s = %j is refused", (name, value, message) => {
    expect(resolveParams(defs, { service: "ok", [name]: value })).toEqual({ ok: false, errors: [{ param: name, message }] });
  });

  it("a missing required parameter and an undeclared one are errors", () => {
    expect(resolveParams(defs, { extra: 1 })).toEqual({
      ok: false,
      errors: [
        { param: "extra", message: "is not a parameter of this runbook" },
        { param: "service", message: "is required" },
      ],
    });
  });
});

describe("renderStep", () => {
  const env = { PATH: "/usr/bin", DEPLOY_TOKEN: "tok-secret-1", REGION: "eu" };

  it("substitutes `x; rm -rf /` as exactly one argv element", () => {
    const r = renderStep(step({ executor: "shell", params: { argv: ["echo", "{{ params.note }}", "--msg={{ params.note }}"] } }), { note: "x; rm -rf /" }, env);
    expect(r.ok && r.step.params).toMatchObject({ argv: ["echo", "x; rm -rf /", "--msg=x; rm -rf /"] });
  });

  it("a whole-string placeholder keeps the value's type; spliced ones become text", () => {
    const r = renderStep(
      step({ executor: "health-check", title: "check {{ params.service }} in {{ env.REGION }}", params: { url: "http://{{ params.service }}.internal/health", successes: "{{ params.n }}" } }),
      { service: "checkout", n: 4 },
      env,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.step.title).toBe("check checkout in eu");
    expect(r.step.params).toMatchObject({ url: "http://checkout.internal/health", successes: 4, intervalSeconds: 2 });
  });

  it("validates the rendered params against the executor and names the field", () => {
    const r = renderStep(step({ executor: "http", params: { url: "{{ params.target }}" } }), { target: "nowhere" }, env);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([{ section: "steps", step: "s", path: "params.url", message: "an http:// or https:// URL" }]);
    expect(formatRenderError(r.errors[0]!)).toBe("steps.s: params.url: an http:// or https:// URL");
  });

  it("unknown placeholders, missing parameters and unset environment variables are errors", () => {
    const r = renderStep(step({ executor: "shell", params: { argv: ["{{ nope }}", "{{ params.missing }}", "{{ env.UNSET_VAR }}"] } }), {}, env);
    expect(!r.ok && r.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      "params.argv.0: unknown placeholder {{ nope }} (use {{ params.name }} or {{ env.NAME }})",
      "params.argv.1: no value for parameter missing",
      "params.argv.2: environment variable UNSET_VAR is not set",
    ]);
  });

  it("values of secret-looking environment variables come back as secrets for the log sink", () => {
    const r = renderStep(step({ executor: "http", params: { url: "http://x.example/", headers: { authorization: "Bearer {{ env.DEPLOY_TOKEN }}", "x-region": "{{ env.REGION }}" } } }), {}, env);
    expect(r.ok && r.step.secrets).toEqual(["tok-secret-1"]);
  });

  it("the deadline is the step's own, or what the executor's settings allow", () => {
    const own = renderStep(step({ executor: "shell", timeoutSeconds: 42, params: { argv: ["true"] } }), {}, env);
    const derived = renderStep(step({ executor: "shell", params: { argv: ["true"], timeoutSeconds: 60, killGraceSeconds: 5 } }), {}, env);
    expect(own.ok && own.step.timeoutSeconds).toBe(42);
    expect(derived.ok && derived.step.timeoutSeconds).toBe(70);
  });

  it("substitute never splits or re-parses values", () => {
    const { value } = substitute(["{{ params.a }}", "{{ params.a }} {{ params.a }}"], { params: { a: "$(id) `id` ' \" *" }, env: {} });
    expect(value).toEqual(["$(id) `id` ' \" *", "$(id) `id` ' \" * $(id) `id` ' \" *"]);
  });
});

describe("renderRunbook over the example runbooks", () => {
  // One value for every environment variable the examples use: a new one must be added here.
  const env: Record<string, string> = {
    PATH: "/usr/bin",
    ROLLBACK_DATABASE_URL: "postgresql://app:pw@db.internal:5432/app",
    ROLLBACK_BACKUP_DIR: "/var/backups/app",
    MAINTENANCE_TOKEN: "maint-token",
    APP_DIR: "/opt/app",
    FRONTEND_DIR: "/opt/frontend",
    FLAG_STORE_URL: "http://127.0.0.1:4010",
    DEMO_SERVICE_URL: "http://127.0.0.1:4020",
    DEMO_DRILL_SERVICE_URL: "http://127.0.0.1:4021",
    APP_URL: "https://app.example.com",
    SITE_URL: "https://www.example.com",
    ROLLCALL_NODE: "/usr/bin/node",
    ROLLCALL_HOME: "/opt/rollcall",
  };
  const samples: Record<string, unknown> = {
    service: "checkout",
    version: "v2.9.0",
    backup_id: "good-20261101",
    flag: "new-checkout",
    string: "registry.example.com/app",
    url: "https://app.example.com/",
    number: 1,
    boolean: true,
  };
  const files = readdirSync(path.join(root, "runbooks")).filter((f) => f.endsWith(".yaml"));

  it.each(files)("%s renders every step with sample parameters", (file) => {
    const r = parseRunbook(file, readFileSync(path.join(root, "runbooks", file), "utf8"));
    if (!r.ok) throw new Error("does not load");
    const environment = runbookEnvironments(r.loaded.runbook)[0]!;
    const fixed = fixedParams(environment, env);
    if (!fixed.ok) throw new Error("an environment's fixed value does not resolve");
    const sample = (p: { name: string; type: string }) => (p.name === "site_url" ? env.SITE_URL : samples[p.type]);
    const input = { ...Object.fromEntries(r.loaded.runbook.parameters.filter((p) => p.required).map((p) => [p.name, sample(p)])), ...fixed.values };
    const rendered = renderRunbook(r.loaded.runbook, input, env, environment.name);
    if (!rendered.ok) throw new Error(rendered.errors.map(formatRenderError).join("\n"));
    const count = r.loaded.runbook.prerequisites.length + r.loaded.runbook.steps.length + r.loaded.runbook.validation.length;
    expect(rendered.steps).toHaveLength(count);
    expect(JSON.stringify(rendered.steps)).not.toContain("{{");
  });

  it("a bad parameter stops rendering with the parameter named", () => {
    const r = parseRunbook("f.yaml", readFileSync(path.join(root, "runbooks/feature-flag.yaml"), "utf8"));
    if (!r.ok) throw new Error("does not load");
    const rendered = renderRunbook(r.loaded.runbook, { flag: "x; rm -rf /", app_url: "https://app.example.com" }, env);
    expect(!rendered.ok && rendered.errors).toEqual([{ section: null, step: null, path: "params.flag", message: "flag must be letters, digits, . _ : - (flag)" }]);
  });
});

describe("stepBatches", () => {
  it("groups consecutive steps of one parallel group", () => {
    const s = (id: string, parallelGroup?: string) => ({ id, parallelGroup });
    expect(stepBatches([s("a"), s("b", "stop"), s("c", "stop"), s("d"), s("e", "start"), s("f", "start")]).map((b) => b.map((x) => x.id))).toEqual([["a"], ["b", "c"], ["d"], ["e", "f"]]);
  });
});
