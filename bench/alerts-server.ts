/**
 * The server side of `npm run bench -- alerts` (bench/alerts.ts starts it as a child process, so the
 * load generator never shares its event loop): one HTTP server on 127.0.0.1 with
 *  - POST /api/alerts/<slug>: Rollcall's real route handler (app/api/alerts/[integration]/route.ts);
 *  - POST /bare/<slug>: the baseline, a bare route handler of the same shape that reads and parses
 *    the body and answers 200 with nothing stored;
 * both behind the same Node → Web Request conversion, and a RunEngine configured as server.ts
 * configures it, so an automatic rollback's run starts as it would in production.
 * Prints `LISTENING <port>` when ready; stops on SIGTERM. Reads DATABASE_URL etc. from the environment.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { POST } from "../app/api/alerts/[integration]/route.ts";
import { db } from "../lib/db/client.ts";
import { RunEngine } from "../lib/runs/engine.ts";

function headersOf(req: IncomingMessage): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) h.append(k, one);
  }
  return h;
}

/** The baseline: what any route handler must do with an alert post, and nothing else. */
async function bare(request: Request): Promise<Response> {
  const text = await request.text();
  const body = JSON.parse(text) as { alerts?: unknown[] };
  return Response.json({ ok: true, alerts: Array.isArray(body.alerts) ? body.alerts.length : 0 });
}

const engine = new RunEngine({ db: db(), log: () => {} });
await engine.start();

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const m = /^\/(api\/alerts|bare)\/([^/]+)$/.exec(url.pathname);
  if (!m || req.method !== "POST") {
    res.writeHead(404).end();
    return;
  }
  const request = new Request(url, { method: "POST", headers: headersOf(req), body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } as RequestInit);
  const handled = m[1] === "bare" ? bare(request) : POST(request, { params: Promise.resolve({ integration: decodeURIComponent(m[2]!) }) });
  handled
    .then(async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    })
    .catch((err: Error) => res.writeHead(500).end(err.message));
});
server.keepAliveTimeout = 30_000;
await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
console.log(`LISTENING ${(server.address() as AddressInfo).port}`);

process.once("SIGTERM", () => {
  server.closeAllConnections();
  server.close();
  void engine
    .stop()
    .catch(() => {})
    .then(() => db().$disconnect())
    .finally(() => process.exit(0));
});
