import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { timingSafeEqual } from "node:crypto";
import { createFlagStore, ZFlagName, type FlagStore } from "./store.ts";

export type FlagServerOptions = {
  file: string;
  port?: number;
  host?: string;
  /** When set, every request needs `Authorization: Bearer <token>`. */
  token?: string;
};
export type FlagServer = { url: string; port: number; store: FlagStore; close(): Promise<void> };

const MAX_BODY = 16 * 1024;

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  res.end(text);
}

function authorised(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const given = Buffer.from(req.headers.authorization ?? "");
  const want = Buffer.from(`Bearer ${token}`);
  return given.length === want.length && timingSafeEqual(given, want);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error("body too large");
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
}

async function handle(store: FlagStore, token: string | undefined, req: IncomingMessage, res: ServerResponse) {
  if (!authorised(req, token)) return send(res, 401, { error: "unauthorised" });
  const { pathname } = new URL(req.url ?? "/", "http://flags");
  if (pathname === "/flags" || pathname === "/flags/") {
    if (req.method !== "GET") return send(res, 405, { error: "use GET" });
    return send(res, 200, { flags: await store.list() });
  }
  const m = /^\/flags\/([^/]+)$/.exec(pathname);
  if (!m) return send(res, 404, { error: "not found" });
  const name = decodeURIComponent(m[1]!);
  if (!ZFlagName.safeParse(name).success) return send(res, 400, { error: "invalid flag name" });
  if (req.method === "GET") {
    const flag = await store.get(name);
    return flag ? send(res, 200, { name, ...flag }) : send(res, 404, { error: `no flag ${name}` });
  }
  if (req.method === "PUT") {
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (err) {
      return send(res, 400, { error: (err as Error).message });
    }
    const enabled = (body as { enabled?: unknown } | null)?.enabled;
    if (typeof enabled !== "boolean") return send(res, 400, { error: 'body must be {"enabled": true|false}' });
    const { previous, flag } = await store.set(name, enabled);
    return send(res, 200, { name, ...flag, previous: previous ? previous.enabled : null });
  }
  return send(res, 405, { error: "use GET or PUT" });
}

/** The built-in flag store's HTTP API: GET /flags, GET /flags/:name, PUT /flags/:name {enabled}. */
export async function startFlagServer(opts: FlagServerOptions): Promise<FlagServer> {
  const store = createFlagStore(opts.file);
  const server = createServer((req, res) => {
    handle(store, opts.token, req, res).catch((err: unknown) => send(res, 500, { error: (err as Error).message }));
  });
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    store,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
