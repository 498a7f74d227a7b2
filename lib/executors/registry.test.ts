import { describe, expect, it } from "vitest";
import { EXECUTOR_KINDS } from "./kinds";
import { getExecutor, validate } from "./registry";

describe("executor registry", () => {
  it.each(EXECUTOR_KINDS)("%s has an executor of that kind with a schema, plan and execute", (kind) => {
    const e = getExecutor(kind);
    expect(e?.kind).toBe(kind);
    expect(typeof e?.plan).toBe("function");
    expect(typeof e?.execute).toBe("function");
  });

  it("an unknown kind has no executor and fails validation", () => {
    expect(getExecutor("teleport")).toBeUndefined();
    expect(validate("teleport", {})).toEqual({ ok: false, errors: [{ path: "", message: 'unknown executor "teleport"' }] });
  });

  it("validate returns typed params with defaults filled in", () => {
    const v = validate("http", { url: "https://app.example.com/health" });
    expect(v).toEqual({
      ok: true,
      kind: "http",
      params: {
        method: "GET",
        url: "https://app.example.com/health",
        headers: {},
        expectStatus: { min: 200, max: 299 },
        timeoutSeconds: 30,
        retries: { count: 0, backoffSeconds: 1, maxBackoffSeconds: 60 },
        probeInPlan: false,
      },
    });
  });

  it("validate names each bad field", () => {
    const v = validate("shell", { argv: [], timeoutSeconds: 0, shell: "rm -rf /" });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors.map((e) => e.path).sort()).toEqual(["", "argv", "timeoutSeconds"]);
    expect(v.errors.find((e) => e.path === "")?.message).toContain('"shell"');
  });

  it("postgres-restore needs a recorded backup: an id with its directory, or a file with its checksum", () => {
    const v = validate("postgres-restore", { url: "postgresql://db/app", file: "/backups/x.dump", verifyQuery: "select 1" });
    expect(v).toEqual({ ok: false, errors: [{ path: "sha256", message: "a backup file is restored only against its recorded sha256" }] });
    expect(validate("postgres-restore", { url: "postgresql://db/app", backupId: "good", backupDir: "/backups", verifyQuery: "select 1" }).ok).toBe(true);
  });

  it("feature-flag picks its provider's fields", () => {
    expect(validate("feature-flag", { provider: "builtin", url: "http://127.0.0.1:4010", flag: "checkout", enabled: false }).ok).toBe(true);
    const bad = validate("feature-flag", { provider: "http", url: "not a url {flag}", flag: "checkout", enabled: false });
    expect(!bad.ok && bad.errors).toEqual([{ path: "url", message: "an http(s) URL template; {flag} and {enabled} are filled in" }]);
  });
});

describe("http params", () => {
  it("refuse a body on GET", () => {
    expect(validate("http", { url: "http://x.example/", body: { a: 1 } })).toEqual({ ok: false, errors: [{ path: "body", message: "GET and HEAD requests carry no body" }] });
  });
});
