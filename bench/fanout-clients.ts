/**
 * The client side of bench/fanout.ts, in a process of its own so that the 1,000+1,000 socket.io
 * clients do not run on the server's event loop. Driven over IPC by the parent; exits when the parent
 * says so, when the IPC channel closes, or after its own time budget.
 *
 * Every "run:changed" event is stamped on arrival with this process's wall clock (sub-ms); when all
 * sockets of a group have received a sequence number the receipt times go back to the parent.
 */
import { io as connect, type Socket } from "socket.io-client";
import type { ClientToServerEvents, RunChanged, ServerToClientEvents } from "../lib/realtime/events.ts";
import { wallMs } from "./lifecycle.ts";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
/** The bench's events are real run events; the status field carries the sequence number. */
export const SEQ_PREFIX = "bench-";

export type ToClients =
  | { type: "connect"; group: string; url: string; headers: Record<string, string>[]; watch: string | null; concurrency: number }
  | { type: "ping"; id: number }
  | { type: "expect"; seq: number; n: number }
  | { type: "collect"; seq: number }
  | { type: "stats" }
  | { type: "close" };

export type FromClients =
  | { type: "connected"; group: string; ok: number; failed: number; ms: number; errors: string[] }
  | { type: "pong"; id: number; t: number }
  | { type: "done"; seq: number; times: number[]; complete: boolean }
  | { type: "stats"; cpuUserMs: number; cpuSystemMs: number; rssMB: number }
  | { type: "closed" }
  | { type: "ready" };

const BUDGET_MS = Number(process.env.BENCH_FANOUT_CLIENT_BUDGET_MS ?? 240_000);
setTimeout(() => {
  console.error("[fanout-clients] time budget spent; exiting");
  process.exit(3);
}, BUDGET_MS).unref();
process.on("disconnect", () => process.exit(0));

const send = (m: FromClients) => process.send?.(m);
const sockets: Client[] = [];
const received = new Map<number, number[]>();
const expected = new Map<number, number>();
const cpuStart = process.cpuUsage();

function check(seq: number) {
  const n = expected.get(seq);
  const times = received.get(seq) ?? [];
  if (n !== undefined && times.length >= n) {
    expected.delete(seq);
    received.delete(seq);
    send({ type: "done", seq, times, complete: true });
  }
}

function onEvent(e: RunChanged) {
  const t = wallMs();
  if (!e.status.startsWith(SEQ_PREFIX)) return;
  const seq = Number(e.status.slice(SEQ_PREFIX.length));
  let times = received.get(seq);
  if (!times) received.set(seq, (times = []));
  times.push(t);
  check(seq);
}

function open(url: string, headers: Record<string, string>, watch: string | null): Promise<string | null> {
  return new Promise((resolve) => {
    const s: Client = connect(url, { transports: ["websocket"], extraHeaders: headers, reconnection: false, forceNew: true, timeout: 30_000 });
    sockets.push(s);
    s.on("run:changed", onEvent);
    s.once("connect", () => {
      if (watch) s.emit("incident:watch", watch);
      resolve(null);
    });
    s.once("connect_error", (err) => resolve(err.message));
  });
}

async function connectGroup(m: Extract<ToClients, { type: "connect" }>) {
  const s = performance.now();
  let ok = 0;
  const errors: string[] = [];
  for (let i = 0; i < m.headers.length; i += m.concurrency) {
    const batch = m.headers.slice(i, i + m.concurrency);
    const results = await Promise.all(batch.map((h) => open(m.url, h, m.watch)));
    for (const r of results) {
      if (r === null) ok++;
      else errors.push(r);
    }
  }
  send({ type: "connected", group: m.group, ok, failed: errors.length, ms: performance.now() - s, errors: [...new Set(errors)].slice(0, 5) });
}

process.on("message", (m: ToClients) => {
  switch (m.type) {
    case "connect":
      void connectGroup(m);
      break;
    case "ping":
      send({ type: "pong", id: m.id, t: wallMs() });
      break;
    case "expect":
      expected.set(m.seq, m.n);
      check(m.seq);
      break;
    case "collect": {
      const times = received.get(m.seq) ?? [];
      expected.delete(m.seq);
      received.delete(m.seq);
      send({ type: "done", seq: m.seq, times, complete: false });
      break;
    }
    case "stats": {
      const c = process.cpuUsage(cpuStart);
      send({ type: "stats", cpuUserMs: c.user / 1000, cpuSystemMs: c.system / 1000, rssMB: process.memoryUsage().rss / 2 ** 20 });
      break;
    }
    case "close":
      for (const s of sockets.splice(0)) s.disconnect();
      send({ type: "closed" });
      setTimeout(() => process.exit(0), 100);
      break;
  }
});
send({ type: "ready" });
