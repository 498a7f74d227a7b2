import path from "node:path";
import { z } from "zod";
import { directoryCheck, programCheck } from "./program.ts";
import { runProcess } from "./process.ts";
import { redact, secretValues } from "./redact.ts";
import type { Executor, StepContext } from "./types.ts";

// Only these reach the child from Rollcall's own environment, so a step never sees the
// server's database URL or session secret unless it asks for a variable by name (passEnv).
export const BASE_ENV_KEYS = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SHELL"] as const;

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name");
// A number or boolean parameter rendered into an argument becomes its text.
const arg = z.union([z.string(), z.number(), z.boolean()]).transform(String);

export const ZShellParams = z.strictObject({
  argv: z.array(arg).min(1, "argv needs at least the program").describe("program and arguments; each element reaches the program as one argument, never through a shell"),
  env: z.record(envName, arg).default({}).describe("variables set for the program"),
  passEnv: z.array(envName).default([]).describe("variables passed through from Rollcall's environment besides PATH, HOME, locale and TZ"),
  cwd: z.string().min(1).optional(),
  timeoutSeconds: z.number().positive().max(86_400).default(300),
  killGraceSeconds: z.number().min(0).max(600).default(5).describe("between SIGTERM and SIGKILL to the process group"),
  successExitCodes: z.array(z.int().min(0).max(255)).min(1).default([0]),
});
export type ShellParams = z.infer<typeof ZShellParams>;

export function childEnv(params: ShellParams, env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of [...BASE_ENV_KEYS, ...params.passEnv]) {
    const value = env[key];
    if (value !== undefined) out[key] = value;
  }
  return { ...out, ...params.env };
}

/** argv as a person would type it; for display only, the program never sees this string. */
export function displayArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}

function secretsFor(params: ShellParams, ctx: { env: Record<string, string | undefined>; secrets?: string[] }) {
  return secretValues({ ...ctx.env, ...params.env }, ctx.secrets ?? []);
}

export const shellExecutor: Executor<ShellParams> = {
  kind: "shell",
  schema: ZShellParams,
  budgetSeconds: (p) => p.timeoutSeconds + p.killGraceSeconds + 5,

  async plan(params, ctx) {
    const secrets = secretsFor(params, ctx);
    const env = childEnv(params, ctx.env);
    const cwd = params.cwd ? path.resolve(params.cwd) : undefined;
    const checks = [await programCheck(params.argv[0]!, env.PATH, cwd)];
    if (cwd) checks.push(await directoryCheck(cwd));
    const actions = [
      `run ${redact(displayArgv(params.argv), secrets)}${cwd ? ` in ${cwd}` : ""}`,
      ...Object.keys(params.env).map((k) => `with ${k}=${redact(params.env[k] ?? "", secrets)}`),
      `stop the process group after ${params.timeoutSeconds}s`,
    ];
    return { summary: `run ${params.argv[0]} (${params.argv.length - 1} argument${params.argv.length === 2 ? "" : "s"})`, actions, checks };
  },

  async execute(params, ctx: StepContext) {
    const secrets = secretsFor(params, ctx);
    const say = (text: string) => ctx.log("info", redact(text, secrets));
    say(`$ ${displayArgv(params.argv)}`);
    const r = await runProcess({
      argv: params.argv,
      env: childEnv(params, ctx.env),
      cwd: params.cwd,
      timeoutMs: params.timeoutSeconds * 1000,
      killGraceMs: params.killGraceSeconds * 1000,
      signal: ctx.signal,
      onLine: (stream, line) => ctx.log(stream, redact(line, secrets)),
      onSpawn: (pid) => say(`started pid ${pid} (process group ${pid})`),
    });
    const output = { pid: r.pid, exitCode: r.exitCode, signal: r.signal, timedOut: r.timedOut, aborted: r.aborted, durationMs: r.durationMs };
    if (r.spawnError) return { ok: false, exitCode: null, output, error: redact(`cannot start ${params.argv[0]}: ${r.spawnError}`, secrets) };
    if (r.aborted) return { ok: false, exitCode: r.exitCode, output, error: "aborted: the process group was stopped" };
    if (r.timedOut) return { ok: false, exitCode: r.exitCode, output, error: `timed out after ${params.timeoutSeconds}s: the process group was stopped` };
    const ok = r.exitCode !== null && params.successExitCodes.includes(r.exitCode);
    say(r.exitCode === null ? `killed by ${r.signal}` : `exited with code ${r.exitCode}`);
    return { ok, exitCode: r.exitCode, output, error: ok ? undefined : r.exitCode === null ? `killed by ${r.signal}` : `exited with code ${r.exitCode}` };
  },
};
