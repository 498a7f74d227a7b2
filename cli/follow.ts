import { EXIT, exitForOutcome, type ExitCode } from "./exit-codes.ts";
import type { Client } from "./http.ts";

// Follows a rollback request until its one state ends (approval, then its run), polling
// GET /api/v1/rollbacks/<id> and GET /api/v1/runs/<id>. Waits through an injected clock.

export type Clock = { now: () => number; sleep: (ms: number) => Promise<void> };
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

export type RollbackView = {
  id: string;
  state: string;
  target: string;
  runbook: string;
  run: { id: string; status: string } | null;
  startError?: string | null;
};
export type RunStep = { index: number; title: string; status: string };
export type RunView = {
  id: string;
  status: string;
  pauseReason?: string | null;
  steps: RunStep[];
};

export type Progress = {
  state: string;
  rollback: RollbackView;
  run: RunView | null;
};

export type FollowResult = {
  code: ExitCode;
  state: string;
  rollback: RollbackView;
  run: RunView | null;
};

export async function followRollback(opts: {
  client: Client;
  requestId: string;
  timeoutMs?: number;
  intervalMs?: number;
  clock?: Clock;
  onProgress?: (p: Progress) => void;
  /** false: poll only. */
  sse?: boolean;
}): Promise<FollowResult> {
  const clock = opts.clock ?? systemClock;
  const interval = opts.intervalMs ?? 2000;
  const deadline =
    opts.timeoutMs === undefined ? Infinity : clock.now() + opts.timeoutMs;
  let last = "";
  let stream: EventWaker | null = null;
  try {
    for (;;) {
      const rollback = await opts.client.get<RollbackView>(
        `/rollbacks/${encodeURIComponent(opts.requestId)}`,
      );
      const run = rollback.run
        ? await opts.client.get<RunView>(
            `/runs/${encodeURIComponent(rollback.run.id)}`,
          )
        : null;
      const state = run ? run.status : rollback.state;
      const key = JSON.stringify([state, run?.steps.map((s) => s.status)]);
      if (key !== last) {
        last = key;
        opts.onProgress?.({ state, rollback, run });
      }
      const code = exitForOutcome(state);
      if (code !== undefined) return { code, state, rollback, run };
      if (clock.now() >= deadline)
        return { code: EXIT.TIMED_OUT, state, rollback, run };
      if (run && !stream && opts.sse !== false)
        stream = new EventWaker(
          opts.client,
          `/runs/${encodeURIComponent(run.id)}/events`,
          clock,
        );
      const wait = Math.max(0, deadline - clock.now());
      // With a live stream an event wakes us at once; the interval stays as a safety poll (longer while streaming).
      if (stream?.live) await stream.wait(Math.min(interval * 5, wait));
      else await clock.sleep(Math.min(interval, wait));
    }
  } finally {
    stream?.close();
  }
}

/**
 * Reads a run's Server-Sent Events only as a signal that something changed (the state itself is read
 * from GET, so the event format does not matter). Reconnects with Last-Event-ID after a drop; when the
 * server has no stream there, stays down and the caller polls.
 */
export class EventWaker {
  live = false;
  private waiters: (() => void)[] = [];
  private lastEventId: string | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly client: Client,
    private readonly path: string,
    private readonly clock: Clock,
  ) {
    void this.loop();
  }

  private async loop() {
    let failures = 0;
    while (!this.abort.signal.aborted && failures < 5) {
      try {
        const body = await this.client.events(
          this.path,
          this.abort.signal,
          this.lastEventId,
        );
        if (!body) return;
        this.live = true;
        failures = 0;
        await this.read(body);
      } catch {
        failures++;
      }
      this.live = false;
      this.wake();
      if (!this.abort.signal.aborted)
        await this.clock.sleep(Math.min(1000 * 2 ** failures, 15_000));
    }
  }

  private async read(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    let buf = "";
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, "\n");
      let end: number;
      while ((end = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const id = block.split("\n").find((l) => l.startsWith("id:"));
        if (id) this.lastEventId = id.slice(3).trim();
        if (
          block
            .split("\n")
            .some((l) => l.startsWith("data:") || l.startsWith("event:"))
        )
          this.wake();
      }
    }
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves on the next event, a drop, or after ms. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      void this.clock.sleep(ms).then(resolve);
    });
  }

  close() {
    this.abort.abort();
    this.wake();
  }
}

/** One plain line per change (not a TTY, CI logs). */
export function progressLine(p: Progress): string {
  const steps = p.run?.steps ?? [];
  const done = steps.filter(
    (s) => s.status === "succeeded" || s.status === "skipped",
  ).length;
  const current = steps.find(
    (s) =>
      s.status === "running" ||
      s.status === "awaiting_confirmation" ||
      s.status === "failed",
  );
  const pause =
    p.state === "paused" && p.run?.pauseReason ? ` (${p.run.pauseReason})` : "";
  return `${p.state}${pause}${steps.length ? ` ${done}/${steps.length} steps` : ""}${current ? `: ${current.title}` : ""}`;
}

/** A bar for a terminal, redrawn in place. */
export function progressBar(p: Progress, width = 24): string {
  const steps = p.run?.steps ?? [];
  const done = steps.filter(
    (s) => s.status === "succeeded" || s.status === "skipped",
  ).length;
  const filled = steps.length ? Math.round((done / steps.length) * width) : 0;
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${progressLine(p)}`;
}
