import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_VALIDATION_CHECKLIST } from "../executors/manual";
import { formatRunbookError, loadRunbookDir, parseRunbook } from "./load";

const root = path.resolve(import.meta.dirname, "../..");
const examples = readdirSync(path.join(root, "runbooks")).filter((f) => f.endsWith(".yaml"));
const SEED_PROCEDURES = [
  "application-only.yaml",
  "configuration.yaml",
  "database-only.yaml",
  "feature-flag.yaml",
  "frontend.yaml",
  "full-system.yaml",
  "git-tag.yaml",
  "kubernetes-rollout-undo.yaml",
];

const MINIMAL = `name: minimal
title: Minimal
scope: application
estimatedMinutes: { min: 1, max: 2 }
parameters:
  - { name: service, type: service, required: true }
steps:
  - id: restart
    title: Restart {{ params.service }}
    executor: shell
    params:
      argv: [systemctl, restart, "{{ params.service }}"]
`;

function lineOf(text: string, needle: string): number {
  return text.split("\n").findIndex((l) => l.includes(needle)) + 1;
}

function errorsOf(text: string, file = "rb.yaml") {
  const r = parseRunbook(file, text);
  if (r.ok) throw new Error("expected errors");
  return r.errors;
}

describe("example runbooks", () => {
  it("ship the eight procedures of the seeds", () => {
    expect(examples).toEqual(expect.arrayContaining(SEED_PROCEDURES));
  });

  it.each(examples)("%s loads, named after its file, with an estimate", (file) => {
    const r = parseRunbook(file, readFileSync(path.join(root, "runbooks", file), "utf8"));
    if (!r.ok) throw new Error(r.errors.map(formatRunbookError).join("\n"));
    const rb = r.loaded.runbook;
    expect(rb.name).toBe(file.replace(/\.yaml$/, ""));
    expect(rb.estimatedMinutes.max).toBeGreaterThanOrEqual(rb.estimatedMinutes.min);
  });

  it.each(SEED_PROCEDURES)("%s ends with the seeds' post-rollback checklist", (file) => {
    const r = parseRunbook(file, readFileSync(path.join(root, "runbooks", file), "utf8"));
    if (!r.ok) throw new Error(r.errors.map(formatRunbookError).join("\n"));
    const manual = r.loaded.runbook.validation.at(-1);
    expect(manual?.executor).toBe("manual");
    expect(manual?.params.checklist).toEqual([...DEFAULT_VALIDATION_CHECKLIST]);
  });

  it("estimates follow the seeds: full system 5-10, database 3-5, application 2-3, feature 1-2 minutes", async () => {
    const { runbooks, errors } = await loadRunbookDir(path.join(root, "runbooks"));
    expect(errors).toEqual([]);
    const est = Object.fromEntries(runbooks.map((r) => [r.runbook.name, r.runbook.estimatedMinutes]));
    expect(est["full-system"]).toEqual({ min: 5, max: 10 });
    expect(est["database-only"]).toEqual({ min: 3, max: 5 });
    expect(est["application-only"]).toEqual({ min: 2, max: 3 });
    expect(est["feature-flag"]).toEqual({ min: 1, max: 2 });
  });

  it("the database runbook runs backup, maintenance on, restore, validate, maintenance off in that order", async () => {
    const text = await readFile(path.join(root, "runbooks/database-only.yaml"), "utf8");
    const r = parseRunbook("database-only.yaml", text);
    if (!r.ok) throw new Error("does not load");
    expect(r.loaded.runbook.steps.map((s) => `${s.id}:${s.executor}`)).toEqual([
      "emergency-backup:postgres-backup",
      "maintenance-on:http",
      "restore-last-good:postgres-restore",
      "validate-data:shell",
      "maintenance-off:http",
    ]);
  });
});

describe("parseRunbook errors name file, line and field", () => {
  it("a schema error", () => {
    const text = MINIMAL.replace("scope: application", "scope: everything");
    const [e] = errorsOf(text, "runbooks/minimal.yaml");
    expect(e).toMatchObject({ file: "runbooks/minimal.yaml", line: 3, path: "scope" });
    expect(formatRunbookError(e!)).toMatch(/^runbooks\/minimal\.yaml:3 \(scope\): Invalid option/);
  });

  it("a YAML syntax error", () => {
    const [e] = errorsOf("name: x\nsteps: [\n  - id: {\n", "broken.yaml");
    expect(e?.file).toBe("broken.yaml");
    expect(e?.line).toBeGreaterThan(1);
  });

  it("a misspelt field points at the stray key", () => {
    const text = MINIMAL.replace("    executor: shell", "    executor: shell\n    retry: 3");
    expect(errorsOf(text)[0]).toMatchObject({ line: lineOf(text, "retry: 3"), path: "steps.0.retry" });
  });

  it("an executor parameter that is wrong or misspelt, checked at load time", () => {
    const typo = MINIMAL.replace("      argv:", "      args:");
    expect(errorsOf(typo)).toEqual([
      expect.objectContaining({ line: lineOf(typo, "args:"), path: "steps.0.params.argv", message: "Invalid input: expected array, received undefined" }),
      expect.objectContaining({ line: lineOf(typo, "args:"), path: "steps.0.params.args" }),
    ]);
    const negative = MINIMAL.replace('      argv: [systemctl, restart, "{{ params.service }}"]', '      argv: [systemctl, restart, "{{ params.service }}"]\n      timeoutSeconds: -5');
    expect(errorsOf(negative)[0]).toMatchObject({ line: lineOf(negative, "timeoutSeconds: -5"), path: "steps.0.params.timeoutSeconds" });
  });

  it("a templated executor value is left for render time", () => {
    const text = MINIMAL.replace("  - { name: service, type: service, required: true }", "  - { name: service, type: service, required: true }\n  - { name: t, type: number, default: 30 }").replace(
      '      argv: [systemctl, restart, "{{ params.service }}"]',
      '      argv: [systemctl, restart, "{{ params.service }}"]\n      timeoutSeconds: "{{ params.t }}"',
    );
    expect(parseRunbook("rb.yaml", text).ok).toBe(true);
  });

  it("an unknown placeholder, an undeclared parameter, and an optional parameter without default", () => {
    const unknown = MINIMAL.replace("Restart {{ params.service }}", "Restart {{ service }}");
    expect(errorsOf(unknown)[0]).toMatchObject({ line: lineOf(unknown, "{{ service }}"), path: "steps.0.title", message: "unknown placeholder {{ service }} (use {{ params.name }} or {{ env.NAME }})" });

    const undeclared = MINIMAL.replace('"{{ params.service }}"]', '"{{ params.unit }}"]');
    expect(errorsOf(undeclared)[0]).toMatchObject({ path: "steps.0.params.argv.2", message: "{{ params.unit }} is not a declared parameter" });

    const optional = MINIMAL.replace("required: true", "required: false");
    expect(errorsOf(optional)[0]?.message).toBe("parameter service is used here, so it must be required or have a default");
  });

  it("a default that does not fit its type", () => {
    const text = MINIMAL.replace("{ name: service, type: service, required: true }", "{ name: service, type: service, default: 'x; rm -rf /' }");
    expect(errorsOf(text)[0]).toMatchObject({ path: "parameters.0.default", line: lineOf(text, "default:") });
  });

  it("duplicate step ids, a split parallel group, and a prerequisite that would change something", () => {
    const steps = `steps:
  - { id: a, title: A, executor: wait, params: { seconds: 1 }, parallelGroup: g }
  - { id: b, title: B, executor: wait, params: { seconds: 1 } }
  - { id: a, title: C, executor: wait, params: { seconds: 1 }, parallelGroup: g }
prerequisites:
  - { id: p1, title: P, executor: postgres-restore, params: { url: "postgresql://x/y", file: /b.dump, sha256: "${"0".repeat(64)}", verifyQuery: select 1 } }
  - { id: p2, title: P2, executor: http, params: { method: POST, url: "http://x.example/" } }
`;
    const text = MINIMAL.replace(/steps:[\s\S]*$/, steps);
    expect(errorsOf(text).map((e) => [e.path, e.message])).toEqual([
      ["prerequisites.0.executor", "a prerequisite only checks: use shell, http, health-check, manual"],
      ["prerequisites.1.params.method", "a prerequisite only checks: use GET or HEAD"],
      ["steps.2.id", "step id a is used twice"],
      ["steps.2.parallelGroup", "steps of group g must be next to each other"],
    ]);
  });

  it("the version is a content hash: any edit changes it, the same text keeps it", () => {
    const a = parseRunbook("a.yaml", MINIMAL);
    const b = parseRunbook("b.yaml", MINIMAL);
    const c = parseRunbook("a.yaml", MINIMAL + "# edited\n");
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (!a.ok || !b.ok || !c.ok) return;
    expect(a.loaded.version).toMatch(/^[0-9a-f]{12}$/);
    expect(a.loaded.version).toBe(b.loaded.version);
    expect(c.loaded.version).not.toBe(a.loaded.version);
    expect(a.loaded.source).toBe(MINIMAL);
  });
});

describe("url parameters, URLs and secrets are checked when a runbook loads", () => {
  const WEB = `name: web
title: Web
scope: application
estimatedMinutes: { min: 1, max: 2 }
parameters:
  - { name: app_url, type: url, required: true, allowedUrls: ["{{ env.APP_URL }}", "https://app.example.com/api"] }
  - { name: flag, type: flag, required: true }
  - { name: note, type: string, required: true }
secrets:
  DEPLOY_TOKEN: { sendTo: ["{{ env.APP_URL }}"] }
steps:
  - id: call
    title: Call
    executor: http
    params:
      method: POST
      url: { base: "{{ params.app_url }}", path: [flags, "{{ params.flag }}"], query: { note: "{{ params.note }}" } }
      headers: { authorization: "Bearer {{ env.DEPLOY_TOKEN }}" }
`;
  const errors = (text: string) => errorsOf(text).map((e) => [e.path, e.message]);

  it("a runbook that declares them loads", () => {
    const r = parseRunbook("web.yaml", WEB);
    expect(r.ok || r.errors).toBe(true);
  });

  it("a url parameter that does not say where it may point, in some environment", () => {
    const none = WEB.replace(', allowedUrls: ["{{ env.APP_URL }}", "https://app.example.com/api"]', "");
    expect(errors(none)).toEqual([["parameters.0.allowedUrls", expect.stringMatching(/^url parameter app_url must say where it may point \(in production\): allowedUrls: /)]]);
    const perEnv = none.replace("secrets:", 'environments:\n  production: { allowedUrls: { app_url: ["https://app.example.com"] } }\n  staging: { params: { app_url: "https://staging.example.com" } }\n  dev: {}\nsecrets:');
    expect(errors(perEnv)).toEqual([["parameters.0.allowedUrls", expect.stringContaining("(in dev)")]]);
    expect(parseRunbook("w.yaml", perEnv.replace("  dev: {}\n", "")).ok).toBe(true);
  });

  it("allowed base URLs are URLs without query, fragment or credentials, or exactly one server variable", () => {
    const bad = WEB.replace('"https://app.example.com/api"', '"https://app.example.com/?x=", "https://u:p@app.example.com", "{{ params.note }}", "{{ env.A }}/api"');
    expect(errors(bad)).toEqual([
      ["parameters.0.allowedUrls.1", "https://app.example.com/?x= must not have a query or fragment"],
      ["parameters.0.allowedUrls.2", "https://u:p@app.example.com must not carry a user name or password"],
      ["parameters.0.allowedUrls.3", "use a base URL, or exactly one server variable {{ env.NAME }}"],
      ["parameters.0.allowedUrls.4", "use a base URL, or exactly one server variable {{ env.NAME }}"],
    ]);
    expect(errors(WEB.replace("{ name: flag, type: flag, required: true }", '{ name: flag, type: flag, required: true, allowedUrls: ["https://x.example"] }'))).toEqual([["parameters.1.allowedUrls", "only a url parameter has allowedUrls"]]);
  });

  it("a URL joined from a placeholder and text, a string parameter as a URL, a parameter inside a path string", () => {
    const joined = WEB.replace(/url: \{ base: .*\n/, 'url: "{{ params.app_url }}/flags/{{ params.flag }}"\n');
    expect(errors(joined)).toEqual([
      ["steps.0.params.url", expect.stringMatching(/^a URL may not join a placeholder with other text; build it from parts: url: \{ base:/)],
      ["steps.0.params.url", "{{ params.app_url }} is a URL: use it as a whole value, or as the base of { base, path, query }"],
    ]);
    const envJoined = WEB.replace(/url: \{ base: .*\n/, 'url: "{{ env.APP_URL }}/flags"\n');
    expect(errors(envJoined)).toEqual([["steps.0.params.url", expect.stringMatching(/^a URL may not join a placeholder with other text/)]]);
    const stringAsUrl = WEB.replace('base: "{{ params.app_url }}"', 'base: "{{ params.note }}"');
    expect(errors(stringAsUrl)).toEqual([["steps.0.params.url.base", "the base comes from a parameter of type url (which says where it may point), not string note"]]);
    const pathString = WEB.replace('path: [flags, "{{ params.flag }}"]', 'path: "flags/{{ params.flag }}"');
    expect(errors(pathString)).toEqual([["steps.0.params.url.path", 'a parameter in a path is its own segment: path: [flags, "{{ params.flag }}"]']]);
  });

  it("a secret a step sends without saying where it may go", () => {
    const undeclared = WEB.replace("secrets:\n  DEPLOY_TOKEN: { sendTo: [\"{{ env.APP_URL }}\"] }\n", "");
    expect(errors(undeclared)).toEqual([["steps.0.params.headers.authorization", expect.stringMatching(/^\{\{ env\.DEPLOY_TOKEN \}\} is a secret this step sends: declare where it may go/)]]);
    const credentialKey = undeclared.replace("authorization: \"Bearer {{ env.DEPLOY_TOKEN }}\"", "x-api-key: \"{{ env.DEPLOY_CRED }}\"");
    expect(errors(credentialKey)).toEqual([["steps.0.params.headers.x-api-key", expect.stringContaining("{{ env.DEPLOY_CRED }} is a secret")]]);
    const inQuery = undeclared.replace("{ note: \"{{ params.note }}\" }", "{ note: \"{{ env.PASSWORD }}\" }");
    expect(errors(inQuery).map(([p]) => p)).toEqual(["steps.0.params.url.query.note", "steps.0.params.headers.authorization"]);
  });
});

describe("loadRunbookDir", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "rollcall-runbooks-"));
    await writeFile(path.join(dir, "a-good.yaml"), MINIMAL);
    await writeFile(path.join(dir, "b-syntax.yaml"), "name: broken\nsteps: [\n");
    await writeFile(path.join(dir, "c-schema.yml"), MINIMAL.replace("name: minimal", "name: other").replace("executor: shell", "executor: teleport"));
    await writeFile(path.join(dir, "d-duplicate.yaml"), MINIMAL);
    await writeFile(path.join(dir, "e-also-good.yaml"), MINIMAL.replace("name: minimal", "name: second"));
    await writeFile(path.join(dir, "notes.txt"), "not a runbook");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("one broken file does not stop the others; each error names its file", async () => {
    const { runbooks, errors } = await loadRunbookDir(dir);
    expect(runbooks.map((r) => r.runbook.name)).toEqual(["minimal", "second"]);
    expect(runbooks[0]?.file).toBe(path.join(dir, "a-good.yaml"));
    const byFile = errors.map((e) => [path.basename(e.file), e.path, e.line]);
    expect(byFile).toEqual([
      ["b-syntax.yaml", "", expect.any(Number)],
      ["c-schema.yml", "steps.0.executor", lineOf(MINIMAL, "executor: shell")],
      ["d-duplicate.yaml", "name", null],
    ]);
    expect(errors[2]?.message).toBe(`runbook minimal is already defined in ${path.join(dir, "a-good.yaml")}`);
  });

  it("a missing directory is an error, not a crash", async () => {
    const r = await loadRunbookDir(path.join(dir, "nope"));
    expect(r.runbooks).toEqual([]);
    expect(r.errors[0]?.message).toBe("cannot read the runbook directory: ENOENT");
  });
});
