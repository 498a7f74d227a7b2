import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../test/db";
import { startApiServer, type ApiServer } from "../test/api-v1-server";
import type { Db } from "../lib/db/client";
import { setEnv } from "../lib/env";
import type { Ctx } from "../lib/auth/actor";
import {
  makeService,
  setUpCommsKey,
  setUpRunbooks,
} from "../lib/alerts/testing/fixtures";
import { createApiToken } from "../lib/api-tokens/tokens";
import type { Scope } from "../lib/api-tokens/schemas";
import { EXIT } from "./exit-codes.ts";
import { run, type Io } from "./program.ts";

// The CLI's incident commands against the real /api/v1 route handlers over HTTP and a real PostgreSQL.

let db: Db;
let drop: () => Promise<void>;
let server: ApiServer;

async function token(scopes: Scope[]) {
  const u = await db.user.create({
    data: {
      email: `oncall-${randomUUID()}@example.test`,
      name: "Test on-call",
      role: "oncall",
    },
    select: { id: true, email: true, name: true },
  });
  const ctx: Ctx = {
    actor: {
      type: "user",
      id: u.id,
      email: u.email,
      name: u.name,
      role: "oncall",
    },
  };
  return (
    await createApiToken({
      ctx,
      input: { name: "cli", scopes, expiresInDays: 30 },
    })
  ).secret;
}

function cli(secret: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    env: {
      HOME: "/nonexistent",
      ROLLCALL_URL: server.url,
      ROLLCALL_TOKEN: secret,
    },
  };
  return { io, out, err };
}

beforeAll(async () => {
  setEnv("POLICY_FILE", "policy/default.yaml");
  setUpRunbooks();
  setUpCommsKey();
  ({ db, drop } = await freshDatabase("cli"));
  await makeService(db, "Checkout");
  server = await startApiServer();
});

afterAll(async () => {
  await server?.close();
  await drop?.();
});

describe("rollcall incident", () => {
  it("declares, lists and shows an incident with a token that may", async () => {
    const secret = await token(["incidents:read", "incidents:write"]);
    const d = cli(secret);
    expect(
      await run(
        [
          "--json",
          "incident",
          "declare",
          "--title",
          "Checkout errors after v2",
          "--trigger",
          "Error rate above 10%",
          "--severity",
          "HIGH",
          "--service",
          "checkout",
        ],
        d.io,
      ),
    ).toBe(EXIT.OK);
    const key = (JSON.parse(d.out.join("\n")) as { key: string }).key;
    expect(key).toMatch(/^INC-\d{4}-\d+$/);

    const l = cli(secret);
    expect(await run(["incident", "list", "--status", "active"], l.io)).toBe(
      EXIT.OK,
    );
    expect(l.out.join("\n")).toContain(`${key}  HIGH`);

    const s = cli(secret);
    expect(await run(["incident", "show", key], s.io)).toBe(EXIT.OK);
    expect(s.out.join("\n")).toContain("trigger   Error rate above 10%");
  });

  it("exits 3 with the API's message when the token lacks the scope, and 2 with field errors on invalid input", async () => {
    const readOnly = cli(await token(["incidents:read"]));
    expect(
      await run(
        [
          "incident",
          "declare",
          "--title",
          "Checkout down",
          "--trigger",
          "pager",
          "--severity",
          "LOW",
          "--service",
          "Checkout",
        ],
        readOnly.io,
      ),
    ).toBe(EXIT.AUTH);
    expect(readOnly.err.join("\n")).toMatch(/FORBIDDEN, HTTP 403/);

    const writer = cli(await token(["incidents:read", "incidents:write"]));
    expect(
      await run(
        [
          "incident",
          "declare",
          "--title",
          "x",
          "--trigger",
          "pager",
          "--severity",
          "LOW",
          "--service",
          "Checkout",
        ],
        writer.io,
      ),
    ).toBe(EXIT.USAGE);
    expect(writer.err.join("\n")).toMatch(
      /title: Title needs at least 3 characters/,
    );

    const missing = cli(await token(["incidents:read"]));
    expect(await run(["incident", "show", "INC-2020-999999"], missing.io)).toBe(
      EXIT.ERROR,
    );
    expect(missing.err.join("\n")).toMatch(
      /does not exist.*NOT_FOUND, HTTP 404/,
    );
  });
});

describe("rollcall rollback", () => {
  it("requests a rollback, shows it, and watch exits 11 once its run is aborted", async () => {
    const secret = await token([
      "incidents:read",
      "incidents:write",
      "rollbacks:request",
      "runs:operate",
    ]);
    const d = cli(secret);
    expect(
      await run(
        [
          "--json",
          "incident",
          "declare",
          "--title",
          "Checkout errors after v2",
          "--trigger",
          "Error rate above 10%",
          "--severity",
          "HIGH",
          "--service",
          "checkout",
        ],
        d.io,
      ),
    ).toBe(EXIT.OK);
    const key = (JSON.parse(d.out.join("\n")) as { key: string }).key;

    const r = cli(secret);
    expect(
      await run(
        [
          "--json",
          "rollback",
          "request",
          "--incident",
          key,
          "--runbook",
          "svc-rollback",
          "--target",
          "v1",
          "--param",
          "version=v1",
          "--reason",
          "Errors since v2",
        ],
        r.io,
      ),
    ).toBe(EXIT.OK);
    const requested = JSON.parse(r.out.join("\n")) as {
      id: string;
      target: string;
      run: { id: string };
    };
    expect(requested.target).toBe("v1");

    const s = cli(secret);
    expect(await run(["rollback", "status", requested.id], s.io)).toBe(EXIT.OK);
    expect(s.out.join("\n")).toContain(`run      ${requested.run.id}`);

    const abort = await fetch(
      `${server.url}/api/v1/runs/${requested.run.id}/actions`,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${secret}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ action: "abort", reason: "Wrong target" }),
      },
    );
    expect(abort.status).toBe(200);

    const w = cli(secret);
    expect(await run(["rollback", "watch", requested.id], w.io)).toBe(
      EXIT.ABORTED,
    );
    expect(w.out).toEqual(["Rollback aborted."]);
  });
});

describe("rollcall deploy", () => {
  it("records a deploy once per key, recognises a deploy of an earlier version as a rollback, and finishes one", async () => {
    const secret = await token(["incidents:read", "deployments:write"]);
    const record = async (args: string[]) => {
      const c = cli(secret);
      const code = await run(
        ["--json", "deploy", "record", "--service", "Checkout", ...args],
        c.io,
      );
      return {
        code,
        body:
          code === EXIT.OK
            ? (JSON.parse(c.out.join("\n")) as {
                id: string;
                version: string;
                status: string;
                isRollback: boolean;
              })
            : null,
        err: c.err.join("\n"),
      };
    };
    const v1 = await record(["--version", "v1", "--commit", "aaa111"]);
    expect(v1.code).toBe(EXIT.OK);
    expect(v1.body).toMatchObject({
      version: "v1",
      status: "succeeded",
      isRollback: false,
    });
    // A CI retry of the same step: the same key, the same record.
    expect(
      (await record(["--version", "v1", "--commit", "aaa111"])).body?.id,
    ).toBe(v1.body!.id);

    expect(
      (await record(["--version", "v2", "--commit", "bbb222"])).body,
    ).toMatchObject({ version: "v2", isRollback: false });
    const back = await record([
      "--version",
      "v1",
      "--commit",
      "aaa111",
      "--key",
      "redeploy-v1",
    ]);
    expect(back.body).toMatchObject({ version: "v1", isRollback: true });
    expect(back.body!.id).not.toBe(v1.body!.id);

    const started = await record([
      "--version",
      "v3",
      "--status",
      "in_progress",
    ]);
    expect(started.body).toMatchObject({ status: "in_progress" });
    const f = cli(secret);
    expect(
      await run(
        ["deploy", "finish", started.body!.id, "--status", "failed"],
        f.io,
      ),
    ).toBe(EXIT.OK);
    expect(f.out.join("\n")).toBe(`Deployment ${started.body!.id}: failed.`);

    const noScope = cli(await token(["incidents:read"]));
    expect(
      await run(
        ["deploy", "record", "--service", "Checkout", "--version", "v4"],
        noScope.io,
      ),
    ).toBe(EXIT.AUTH);
  });
});
