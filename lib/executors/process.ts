import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import type { Readable } from "node:stream";
import { sleep } from "./sleep.ts";

export type RunOptions = {
  argv: string[];
  env: Record<string, string>;
  cwd?: string;
  timeoutMs: number;
  killGraceMs: number;
  signal: AbortSignal;
  onLine: (stream: "stdout" | "stderr", line: string) => void;
  onSpawn?: (pid: number) => void;
};

export type RunResult = {
  pid: number | null;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  spawnError: string | null;
  durationMs: number;
};

// A line longer than this is emitted in pieces, so one runaway line cannot exhaust memory.
const MAX_LINE = 16 * 1024;
// After the leader exits normally, how long to wait for the pipes before letting go of them.
const PIPE_DRAIN_MS = 1000;

function lines(stream: Readable, emit: (line: string) => void): () => void {
  let buf = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      emit(buf.slice(0, nl).replace(/\r$/, ""));
      buf = buf.slice(nl + 1);
    }
    while (buf.length > MAX_LINE) {
      emit(buf.slice(0, MAX_LINE));
      buf = buf.slice(MAX_LINE);
    }
  });
  return () => {
    if (buf) emit(buf.replace(/\r$/, ""));
    buf = "";
  };
}

/** Live (non-zombie) members of a process group; null where /proc is unavailable. */
export function groupMembers(pgid: number): number[] | null {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return null;
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the parenthesised command name: state ppid pgrp ...
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(rest[2]) === pgid && rest[0] !== "Z" && rest[0] !== "X") members.push(Number(entry));
    } catch {
      continue;
    }
  }
  return members;
}

function groupAlive(pgid: number): boolean {
  const members = groupMembers(pgid);
  if (members) return members.length > 0;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pgid: number, sig: NodeJS.Signals) {
  try {
    process.kill(-pgid, sig);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Runs argv (never through a shell) as the leader of a new process group, so that abort and
 * timeout can stop everything it started: SIGTERM to the group, SIGKILL after the grace period.
 */
export function runProcess(opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const base = { pid: null, exitCode: null, signal: null, timedOut: false, aborted: false, spawnError: null };
  if (opts.signal.aborted) return Promise.resolve({ ...base, aborted: true, durationMs: 0 });
  const [command, ...args] = opts.argv;
  if (!command) return Promise.resolve({ ...base, spawnError: "empty argv", durationMs: 0 });

  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: processEnv(opts.env), detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let timedOut = false;
    let aborted = false;
    let stopping: Promise<void> | null = null;
    let settled = false;
    const flushOut = lines(child.stdout, (l) => opts.onLine("stdout", l));
    const flushErr = lines(child.stderr, (l) => opts.onLine("stderr", l));

    const stopGroup = (pgid: number): Promise<void> => {
      stopping ??= (async () => {
        killGroup(pgid, "SIGTERM");
        const deadline = Date.now() + opts.killGraceMs;
        while (Date.now() < deadline) {
          if (!groupAlive(pgid)) return;
          await sleep(25);
        }
        killGroup(pgid, "SIGKILL");
        const killDeadline = Date.now() + 2000;
        while (groupAlive(pgid) && Date.now() < killDeadline) await sleep(25);
      })();
      return stopping;
    };

    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) void stopGroup(child.pid);
    }, opts.timeoutMs);
    const onAbort = () => {
      aborted = true;
      if (child.pid) void stopGroup(child.pid);
    };
    opts.signal.addEventListener("abort", onAbort, { once: true });

    const finish = async (exitCode: number | null, signal: NodeJS.Signals | null, spawnError: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal.removeEventListener("abort", onAbort);
      if (stopping) await stopping;
      flushOut();
      flushErr();
      resolve({ pid: child.pid ?? null, exitCode, signal, timedOut, aborted, spawnError, durationMs: Date.now() - started });
    };

    child.on("spawn", () => {
      if (child.pid) opts.onSpawn?.(child.pid);
    });
    child.on("error", (err) => {
      void finish(null, null, err.message);
    });
    child.on("exit", (code, signal) => {
      // Background processes it left may hold the pipes open: wait briefly, then let go.
      const closed = new Promise<void>((r) => child.on("close", () => r()));
      void Promise.race([closed, sleep(PIPE_DRAIN_MS)]).then(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        return finish(code, signal, null);
      });
    });
  });
}

/** Node's types demand the app's own variables (NODE_ENV) in every env; a child gets only what it is given. */
export function processEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return env as NodeJS.ProcessEnv;
}
