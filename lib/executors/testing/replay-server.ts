import { isDeepStrictEqual } from "node:util";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export type RecordedRequest = { method: string; path: string; query?: Record<string, string>; contentType?: string; headers?: Record<string, string>; body?: unknown };
export type Exchange = { request: RecordedRequest; response: { status: number; body: unknown } };
export type Recording = { description: string; exchanges: Exchange[] };

export type ReplayServer = {
  url: string;
  /** Requests that did not match the next recorded exchange, described. Empty when the client behaved exactly as recorded. */
  mismatches: string[];
  /** How many recorded exchanges were answered. */
  served(): number;
  close(): Promise<void>;
};

export async function loadRecording(file: string): Promise<Recording> {
  return JSON.parse(await readFile(file, "utf8")) as Recording;
}

/**
 * Replays recorded API exchanges in order: each request must match the next recorded request
 * (method, path, query, content type, listed headers, JSON body) or it gets a 500 and is noted.
 */
export async function startReplayServer(exchanges: Exchange[]): Promise<ReplayServer> {
  const mismatches: string[] = [];
  let next = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const u = new URL(req.url ?? "/", "http://replay");
      const raw = Buffer.concat(chunks).toString("utf8");
      const expected = exchanges[next];
      const problems: string[] = [];
      if (!expected) problems.push("no more recorded exchanges");
      else {
        const want = expected.request;
        if (req.method !== want.method) problems.push(`method ${req.method}, recorded ${want.method}`);
        if (u.pathname !== want.path) problems.push(`path ${u.pathname}, recorded ${want.path}`);
        const query = Object.fromEntries(u.searchParams);
        if (!isDeepStrictEqual(query, want.query ?? {})) problems.push(`query ${JSON.stringify(query)}, recorded ${JSON.stringify(want.query ?? {})}`);
        if (want.contentType && !(req.headers["content-type"] ?? "").startsWith(want.contentType)) problems.push(`content-type ${req.headers["content-type"]}, recorded ${want.contentType}`);
        for (const [k, v] of Object.entries(want.headers ?? {})) if (req.headers[k] !== v) problems.push(`header ${k}: ${req.headers[k]}, recorded ${v}`);
        if (want.body !== undefined) {
          let body: unknown;
          try {
            body = JSON.parse(raw);
          } catch {
            body = raw;
          }
          if (!isDeepStrictEqual(body, want.body)) problems.push(`body ${raw}, recorded ${JSON.stringify(want.body)}`);
        }
      }
      if (problems.length) {
        mismatches.push(`request ${next + 1} (${req.method} ${req.url}): ${problems.join("; ")}`);
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ kind: "Status", status: "Failure", message: "not in the recording", code: 500 }));
        return;
      }
      next++;
      res.writeHead(expected!.response.status, { "content-type": "application/json" });
      res.end(JSON.stringify(expected!.response.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    mismatches,
    served: () => next,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
