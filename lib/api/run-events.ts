import { runById } from "../runs/queries.ts";

// Run events for /api/v1/runs/<id>/events as Server-Sent Events. Polls the database (every
// instance sees the same rows, so it works behind any load balancer); sends the run whenever it
// changed, and ends after a finished run. The wait between polls is injected.

export const TERMINAL = ["succeeded", "failed", "aborted"] as const;
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise((ok) => {
    const t = setTimeout(ok, ms);
    signal.addEventListener("abort", () => { clearTimeout(t); ok(); }, { once: true });
  });

const replacer = (_k: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);

export function runEventStream(runId: string, opts: { withLogs: boolean; signal: AbortSignal; pollMs?: number; sleep?: Sleep }): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const pollMs = opts.pollMs ?? 1000;
  const sleep = opts.sleep ?? realSleep;
  return new ReadableStream({
    async start(controller) {
      let last = "";
      let quiet = 0;
      try {
        while (!opts.signal.aborted) {
          const run = await runById(runId, opts.withLogs);
          if (!run) {
            controller.enqueue(enc.encode(`event: gone\ndata: {}\n\n`));
            break;
          }
          const data = JSON.stringify(run, replacer);
          if (data !== last) {
            last = data;
            quiet = 0;
            controller.enqueue(enc.encode(`event: run\ndata: ${data}\n\n`));
          } else if (++quiet % 15 === 0) {
            controller.enqueue(enc.encode(`: still ${run.status}\n\n`));
          }
          if ((TERMINAL as readonly string[]).includes(run.status)) break;
          await sleep(pollMs, opts.signal);
        }
      } catch (e) {
        if (!opts.signal.aborted) controller.enqueue(enc.encode(`event: error\ndata: ${JSON.stringify({ message: (e as Error).message })}\n\n`));
      }
      try {
        controller.close();
      } catch {
        // The client went away first.
      }
    },
  });
}
