import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Received = { method: string; url: string; headers: IncomingMessage["headers"]; body: string };
export type Reply = { status: number; body?: string; headers?: Record<string, string>; delayMs?: number };
export type TestServer = { url: string; received: Received[]; close(): Promise<void> };

/** A real HTTP server on 127.0.0.1 that records every request and answers with reply(request, index). */
export async function startTestServer(reply: (req: Received, index: number) => Reply | Promise<Reply>): Promise<TestServer> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r: Received = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      received.push(r);
      void Promise.resolve(reply(r, received.length - 1)).then(async (out) => {
        if (out.delayMs) await new Promise((ok) => setTimeout(ok, out.delayMs));
        if (res.destroyed) return;
        res.writeHead(out.status, { "content-type": "text/plain", ...out.headers });
        res.end(out.body ?? "");
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
