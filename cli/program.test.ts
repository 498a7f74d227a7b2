import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  configPath,
  readConfigFile,
  resolveConfig,
  ConfigError,
} from "./config.ts";
import { EXIT, exitForHttpStatus, exitForOutcome } from "./exit-codes.ts";
import { run, type Io } from "./program.ts";

// A stand-in for the server's answers (the API itself is tested in lib/api/api-v1.integration.test.ts).
type Handler = (req: {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
}) => { status: number; body?: unknown };

function harness(handler: Handler, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const calls: { method: string; url: URL; headers: Headers; body: unknown }[] =
    [];
  const io: Io = {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    env: {
      HOME: tmp,
      ROLLCALL_URL: "http://rollcall.test",
      ROLLCALL_TOKEN: "rc_secret",
      ...env,
    },
    fetch: (async (input: URL, init: RequestInit) => {
      const req = {
        method: init.method ?? "GET",
        url: new URL(input),
        headers: new Headers(init.headers),
        body: init.body ? JSON.parse(String(init.body)) : undefined,
      };
      calls.push(req);
      const r = handler(req);
      return new Response(
        r.body === undefined ? null : JSON.stringify(r.body),
        { status: r.status, headers: { "content-type": "application/json" } },
      );
    }) as typeof fetch,
  };
  return { io, out, err, calls };
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rollcall-cli-"));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const services = {
  items: [
    {
      id: "7b0c2c3e-7f1a-4c56-9d0e-1a2b3c4d5e6f",
      name: "Checkout",
      slug: "checkout",
    },
  ],
};

describe("exit codes", () => {
  it("maps each outcome to its own code", () => {
    const codes = ["succeeded", "failed", "aborted", "rejected", "expired"].map(
      exitForOutcome,
    );
    expect(codes).toEqual([
      EXIT.OK,
      EXIT.FAILED,
      EXIT.ABORTED,
      EXIT.REJECTED,
      EXIT.EXPIRED,
    ]);
    expect(
      new Set([...codes, EXIT.TIMED_OUT, EXIT.USAGE, EXIT.AUTH, EXIT.ERROR])
        .size,
    ).toBe(9);
    expect(exitForOutcome("running")).toBeUndefined();
  });
  it("maps refused tokens to the auth code and invalid input to the usage code", () => {
    expect([401, 403, 400, 422, 404, 409, 500].map(exitForHttpStatus)).toEqual([
      EXIT.AUTH,
      EXIT.AUTH,
      EXIT.USAGE,
      EXIT.USAGE,
      EXIT.ERROR,
      EXIT.ERROR,
      EXIT.ERROR,
    ]);
  });
});

describe("argument parsing", () => {
  it("exits with the usage code on an unknown command, a bad choice or a missing option, without calling the server", async () => {
    const h = harness(() => ({ status: 500 }));
    expect(await run(["incident", "lst"], h.io)).toBe(EXIT.USAGE);
    expect(await run(["incident", "list", "--severity", "HUGE"], h.io)).toBe(
      EXIT.USAGE,
    );
    expect(await run(["incident", "list", "--limit", "0"], h.io)).toBe(
      EXIT.USAGE,
    );
    expect(
      await run(["incident", "declare", "--title", "Checkout down"], h.io),
    ).toBe(EXIT.USAGE);
    expect(h.calls).toEqual([]);
    expect(h.err.join("\n")).toMatch(/--limit must be a whole number/);
  });

  it("documents the exit codes in --help", async () => {
    const h = harness(() => ({ status: 500 }));
    expect(await run(["--help"], h.io)).toBe(EXIT.OK);
    expect(h.out.join("\n")).toMatch(/14\s+--timeout passed/);
  });

  it("declares with the service resolved by slug, an Idempotency-Key and the bearer token; --json prints the answer", async () => {
    const h = harness(({ method, url }) => {
      if (method === "GET" && url.pathname === "/api/v1/services")
        return { status: 200, body: services };
      if (method === "POST" && url.pathname === "/api/v1/incidents")
        return {
          status: 201,
          body: {
            key: "INC-2026-0007",
            title: "Checkout down",
            severity: "HIGH",
            status: "detected",
          },
        };
      return {
        status: 404,
        body: { error: { code: "NOT_FOUND", message: "no" } },
      };
    });
    const code = await run(
      [
        "--json",
        "incident",
        "declare",
        "--title",
        "Checkout down",
        "--trigger",
        "5xx after v2",
        "--severity",
        "HIGH",
        "--service",
        "checkout",
      ],
      h.io,
    );
    expect(code).toBe(EXIT.OK);
    const post = h.calls.find((c) => c.method === "POST")!;
    expect(post.body).toMatchObject({
      title: "Checkout down",
      severity: "HIGH",
      serviceIds: [services.items[0]!.id],
    });
    expect(post.headers.get("authorization")).toBe("Bearer rc_secret");
    expect(post.headers.get("idempotency-key")).toBeTruthy();
    expect(JSON.parse(h.out.join("\n"))).toMatchObject({
      key: "INC-2026-0007",
    });
  });

  it("prints the API's error message and field errors and exits with the mapped code", async () => {
    const h = harness(({ method }) =>
      method === "GET"
        ? { status: 200, body: services }
        : {
            status: 422,
            body: {
              error: {
                code: "VALIDATION",
                message: "Please correct the fields.",
                fields: { title: ["Title needs at least 3 characters."] },
              },
            },
          },
    );
    expect(
      await run(
        [
          "incident",
          "declare",
          "--title",
          "x",
          "--trigger",
          "abc",
          "--severity",
          "LOW",
          "--service",
          "Checkout",
        ],
        h.io,
      ),
    ).toBe(EXIT.USAGE);
    expect(h.err.join("\n")).toContain(
      "Please correct the fields. (VALIDATION, HTTP 422)\n  title: Title needs at least 3 characters.",
    );

    const refused = harness(() => ({
      status: 403,
      body: {
        error: {
          code: "FORBIDDEN",
          message: "This token lacks the scope incidents:read.",
        },
      },
    }));
    expect(await run(["incident", "show", "INC-2026-0001"], refused.io)).toBe(
      EXIT.AUTH,
    );
    expect(refused.err.join("\n")).toContain("lacks the scope incidents:read");
  });

  it("needs a token before it calls the server", async () => {
    const h = harness(() => ({ status: 200, body: { items: [] } }), {
      ROLLCALL_TOKEN: "",
    });
    expect(await run(["incident", "list"], h.io)).toBe(EXIT.AUTH);
    expect(h.calls).toEqual([]);
  });
});

describe("config", () => {
  it("takes the flag over the environment over the config file, under $XDG_CONFIG_HOME when set", () => {
    const env = { HOME: tmp, XDG_CONFIG_HOME: path.join(tmp, "xdg") };
    const file = configPath(env);
    expect(file).toBe(path.join(tmp, "xdg", "rollcall", "config.json"));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      JSON.stringify({ url: "https://file.example/", token: "rc_file" }),
      { mode: 0o600 },
    );
    expect(resolveConfig({}, env)).toMatchObject({
      url: "https://file.example",
      token: "rc_file",
    });
    expect(
      resolveConfig(
        {},
        {
          ...env,
          ROLLCALL_TOKEN: "rc_env",
          ROLLCALL_URL: "http://env.example",
        },
      ),
    ).toMatchObject({ url: "http://env.example", token: "rc_env" });
    expect(
      resolveConfig(
        { token: "rc_flag", url: "http://flag.example" },
        { ...env, ROLLCALL_TOKEN: "rc_env" },
      ),
    ).toMatchObject({ url: "http://flag.example", token: "rc_flag" });
  });

  it("refuses a config file with a token that others may read", () => {
    const file = path.join(tmp, "config.json");
    fs.writeFileSync(file, JSON.stringify({ token: "rc_file" }), {
      mode: 0o644,
    });
    fs.chmodSync(file, 0o644);
    expect(() => readConfigFile(file)).toThrow(ConfigError);
    expect(() => readConfigFile(file)).toThrow(/chmod 600/);
  });
});
