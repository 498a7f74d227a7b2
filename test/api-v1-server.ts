import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { readdirSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";

// Every route handler under app/api/v1, found on disk, behind a real HTTP server on 127.0.0.1: a Node
// request becomes the Web Request Next would give the handler, with the path's [params].

export type ApiServer = { url: string; routes: ApiRoute[]; close(): Promise<void> };
export type ApiRoute = { file: string; path: string; pattern: RegExp; names: string[]; methods: string[] };

const ROOT = path.resolve(import.meta.dirname, "../app/api/v1");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;

function routeFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(p);
    return e.name === "route.ts" ? [p] : [];
  });
}

/** "/api/v1/incidents/{key}/status" for app/api/v1/incidents/[key]/status/route.ts. */
export function apiPathOf(file: string): string {
  const rel = path.relative(ROOT, path.dirname(file)).split(path.sep).filter(Boolean);
  return "/api/v1" + rel.map((s) => "/" + s.replace(/^\[(.+)\]$/, "{$1}")).join("");
}

function headersOf(req: IncomingMessage): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) h.append(k, one);
  }
  return h;
}

export async function startApiServer(): Promise<ApiServer> {
  const modules: { route: ApiRoute; mod: Record<string, Handler | undefined> }[] = [];
  for (const file of routeFiles()) {
    const p = apiPathOf(file);
    const names = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const pattern = new RegExp("^" + p.replace(/\{\w+\}/g, "([^/]+)") + "$");
    const mod = (await import(file)) as Record<string, Handler | undefined>;
    modules.push({ route: { file, path: p, pattern, names, methods: METHODS.filter((m) => typeof mod[m] === "function") }, mod });
  }
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const hit = modules.map((m) => ({ m, match: m.route.pattern.exec(url.pathname) })).find((x) => x.match);
    const handler = hit?.m.mod[req.method ?? "GET"];
    if (!hit || !handler) {
      res.writeHead(404).end();
      return;
    }
    const params = Object.fromEntries(hit.m.route.names.map((n, i) => [n, decodeURIComponent(hit.match![i + 1]!)]));
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const ac = new AbortController();
    res.on("close", () => ac.abort());
    const request = new Request(url, { method: req.method, headers: headersOf(req), signal: ac.signal, ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}) } as RequestInit);
    Promise.resolve(handler(request, { params: Promise.resolve(params) }))
      .then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        if (response.body) {
          for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
        }
        res.end();
        req.resume();
      })
      .catch((err: Error) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(err.message);
      });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routes: modules.map((m) => m.route),
    close: () => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}
