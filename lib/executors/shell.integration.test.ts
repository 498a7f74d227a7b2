import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRunbook } from "../runbooks/load";
import { renderStep } from "../runbooks/render";
import { groupMembers } from "./process";
import { validate } from "./registry";
import { shellExecutor, ZShellParams, type ShellParams } from "./shell";
import { stepContext, until } from "./testing/context";
import { processAlive } from "./testing/processes";

const PRINT_ARGV = "console.log(JSON.stringify(process.argv.slice(1)))";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "rollcall-shell-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function params(p: Partial<ShellParams> & { argv: string[] }): ShellParams {
  return ZShellParams.parse(p);
}

describe("shell executor (real child processes)", () => {
  it("a parameter `x; rm -rf /` reaches the program as exactly one argument, rendered from a runbook", async () => {
    const marker = path.join(dir, "pwned");
    const yaml = [
      "name: argv-check",
      "title: argv check",
      "scope: application",
      "estimatedMinutes: { min: 1, max: 1 }",
      "parameters:",
      "  - { name: payload, type: string, required: true }",
      "steps:",
      "  - id: print",
      "    title: print argv",
      "    executor: shell",
      "    params:",
      `      argv: [node, -e, ${JSON.stringify(PRINT_ARGV)}, "{{ params.payload }}", "--label={{ params.payload }}"]`,
    ].join("\n");
    const parsed = parseRunbook("argv.yaml", yaml);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const payload = `x; rm -rf / $(touch ${marker}) \`touch ${marker}\` *`;
    const rendered = renderStep(parsed.loaded.runbook.steps[0]!, { payload }, { PATH: process.env.PATH });
    if (!rendered.ok) throw new Error(JSON.stringify(rendered.errors));

    const { ctx, logs } = stepContext();
    const r = await shellExecutor.execute(rendered.step.params as ShellParams, ctx);
    expect(r).toMatchObject({ ok: true, exitCode: 0 });
    const printed = logs.find((l) => l.stream === "stdout")!.text;
    expect(JSON.parse(printed)).toEqual([payload, `--label=${payload}`]);
    expect(existsSync(marker)).toBe(false);
  });

  it("records the exit code; successExitCodes decides success", async () => {
    const failing = await shellExecutor.execute(params({ argv: ["sh", "-c", "exit 3"] }), stepContext().ctx);
    expect(failing).toMatchObject({ ok: false, exitCode: 3, error: "exited with code 3" });
    const tolerated = await shellExecutor.execute(params({ argv: ["sh", "-c", "exit 3"], successExitCodes: [0, 3] }), stepContext().ctx);
    expect(tolerated).toMatchObject({ ok: true, exitCode: 3 });
  });

  it("streams stdout and stderr line by line, including a last line without a newline", async () => {
    const { ctx, logs } = stepContext();
    const r = await shellExecutor.execute(params({ argv: ["sh", "-c", "echo one; echo two >&2; printf three"] }), ctx);
    expect(r.ok).toBe(true);
    expect(logs.filter((l) => l.stream !== "info")).toEqual([
      { stream: "stdout", text: "one" },
      { stream: "stderr", text: "two" },
      { stream: "stdout", text: "three" },
    ]);
  });

  it("abort kills the child AND its grandchild (the whole process group)", async () => {
    const { ctx, logs, controller } = stepContext();
    const running = shellExecutor.execute(params({ argv: ["sh", "-c", "sleep 300 & echo bg=$!; sleep 300"], killGraceSeconds: 2 }), ctx);
    await until(() => logs.some((l) => l.text.startsWith("bg=")) && logs.some((l) => l.text.startsWith("started pid")));
    const leader = Number(/started pid (\d+)/.exec(logs.find((l) => l.text.startsWith("started pid"))!.text)![1]);
    const grandchild = Number(logs.find((l) => l.text.startsWith("bg="))!.text.slice(3));
    const members = groupMembers(leader)!;
    expect(members).toEqual(expect.arrayContaining([leader, grandchild]));
    expect(members.every(processAlive)).toBe(true);

    controller.abort();
    const r = await running;
    expect(r).toMatchObject({ ok: false, error: "aborted: the process group was stopped" });
    for (const pid of members) expect(processAlive(pid), `pid ${pid} still running`).toBe(false);
  });

  it("a timeout stops the group, and SIGKILL follows when SIGTERM is ignored", async () => {
    const { ctx, logs } = stepContext();
    const started = Date.now();
    // trap '' TERM is inherited by the sleeps: only SIGKILL ends them.
    const r = await shellExecutor.execute(params({ argv: ["sh", "-c", "trap '' TERM; sleep 300 & sleep 300"], timeoutSeconds: 0.5, killGraceSeconds: 0.5 }), ctx);
    expect(r.ok).toBe(false);
    expect(r.error).toBe("timed out after 0.5s: the process group was stopped");
    expect(r.output).toMatchObject({ timedOut: true });
    expect(Date.now() - started).toBeLessThan(5000);
    const leader = Number(/started pid (\d+)/.exec(logs.find((l) => l.text.startsWith("started pid"))!.text)![1]);
    expect(groupMembers(leader)).toEqual([]);
  });

  it("redacts secrets (ctx.secrets and secret-named env values) from every log line", async () => {
    const { ctx, text } = stepContext({ PATH: process.env.PATH, DEPLOY_TOKEN: "server-token-777" }, ["hunter2-password"]);
    const r = await shellExecutor.execute(
      params({
        argv: ["sh", "-c", 'echo "api=$API_KEY"; echo "pw=hunter2-password" >&2; echo "$1"', "sh", "server-token-777"],
        env: { API_KEY: "k-1234567890" },
      }),
      ctx,
    );
    expect(r.ok).toBe(true);
    const all = text();
    for (const secret of ["k-1234567890", "hunter2-password", "server-token-777"]) expect(all).not.toContain(secret);
    expect(all).toContain("stdout: api=[redacted]");
    expect(all).toContain("stderr: pw=[redacted]");
    expect(all).toContain("stdout: [redacted]");
  });

  it("the child gets only PATH, HOME, locale, TZ and what the step names, never Rollcall's own secrets", async () => {
    const env = { PATH: process.env.PATH, DATABASE_URL: "postgresql://rollcall@db/rollcall", NEXTAUTH_SECRET: "s3cr3t-value" };
    const script = "console.log(JSON.stringify([process.env.DATABASE_URL ?? null, process.env.NEXTAUTH_SECRET ?? null]))";
    const plain = stepContext(env);
    await shellExecutor.execute(params({ argv: ["node", "-e", script] }), plain.ctx);
    expect(JSON.parse(plain.logs.find((l) => l.stream === "stdout")!.text)).toEqual([null, null]);
    const passed = stepContext(env);
    await shellExecutor.execute(params({ argv: ["node", "-e", script], passEnv: ["DATABASE_URL"] }), passed.ctx);
    expect(JSON.parse(passed.logs.find((l) => l.stream === "stdout")!.text)).toEqual(["postgresql://rollcall@db/rollcall", null]);
  });

  it("runs in cwd and reports a program that cannot start", async () => {
    const { ctx, logs } = stepContext();
    await shellExecutor.execute(params({ argv: ["pwd"], cwd: dir }), ctx);
    expect(logs.find((l) => l.stream === "stdout")?.text).toBe(dir);
    const missing = await shellExecutor.execute(params({ argv: ["rollcall-no-such-program"] }), stepContext().ctx);
    expect(missing.ok).toBe(false);
    expect(missing.error).toMatch(/^cannot start rollcall-no-such-program: .*ENOENT/);
  });

  it("plan checks the program and cwd and has no side effects", async () => {
    const marker = path.join(dir, "plan-marker");
    const ok = await shellExecutor.plan(params({ argv: ["touch", marker], cwd: dir }), { env: { PATH: process.env.PATH } });
    expect(ok.checks.every((c) => c.ok)).toBe(true);
    expect(ok.actions[0]).toBe(`run touch ${marker} in ${dir}`);
    expect(existsSync(marker)).toBe(false);

    const bad = await shellExecutor.plan(params({ argv: ["rollcall-no-such-program"], cwd: path.join(dir, "missing") }), { env: { PATH: process.env.PATH } });
    expect(bad.checks.filter((c) => !c.ok).map((c) => c.detail)).toEqual(["rollcall-no-such-program is not an executable on PATH", `${path.join(dir, "missing")} does not exist`]);
  });

  it("validate() turns a number parameter into its text for argv", () => {
    const v = validate("shell", { argv: ["sleep", 5] });
    expect(v.ok && v.params.argv).toEqual(["sleep", "5"]);
  });
});
