import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { POST } from "../app/api/alerts/[integration]/route.ts";

// The real route handler of POST /api/alerts/<slug> behind a real HTTP server on 127.0.0.1, for
// integration tests: a Node request becomes the Web Request Next would give the handler.

export type RouteServer = { url: string; close(): Promise<void> };

function headersOf(req: IncomingMessage): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) h.append(k, one);
  }
  return h;
}

export async function startAlertRouteServer(): Promise<RouteServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const m = /^\/api\/alerts\/([^/]+)$/.exec(url.pathname);
    if (!m || req.method !== "POST") {
      res.writeHead(404).end();
      return;
    }
    const request = new Request(url, { method: "POST", headers: headersOf(req), body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } as RequestInit);
    POST(request, { params: Promise.resolve({ integration: decodeURIComponent(m[1]!) }) })
      .then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
        // A refused body (413) is not read by the handler: drain it so the client gets the answer.
        req.resume();
      })
      .catch((err: Error) => {
        res.writeHead(500).end(err.message);
      });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
