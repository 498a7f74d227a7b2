import { createServer, type Server } from "node:http";
import { readFileSync, writeFileSync, mkdirSync, renameSync } from "node:fs";
import path from "node:path";

// A tiny service to roll back for real in the quick start: v1 is healthy, v2 fails 3 requests in 5.
export type DemoState = { version: string; deployedAt: string };

export function readState(file: string): DemoState {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as DemoState;
  } catch {
    return { version: "v2", deployedAt: new Date().toISOString() };
  }
}

function writeState(file: string, state: DemoState) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(state));
  renameSync(`${file}.tmp`, file);
}

export function startDemoService(opts: { port: number; stateFile: string; host?: string }): Promise<Server> {
  let counter = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://demo");
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(body));
    };
    const state = readState(opts.stateFile);
    if (req.method === "GET" && url.pathname === "/version") return send(200, state);
    if (req.method === "GET" && (url.pathname === "/health" || url.pathname === "/checkout")) {
      counter++;
      if (state.version === "v2" && counter % 5 < 3) return send(503, { status: "error", version: state.version, error: "checkout failed: null session" });
      return send(200, { status: "ok", version: state.version });
    }
    if (req.method === "POST" && url.pathname === "/admin/deploy") {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString("utf8");
        if (body.length > 1000) req.destroy();
      });
      req.on("end", () => {
        let version = "";
        try {
          version = String((JSON.parse(body || "{}") as { version?: unknown }).version ?? "");
        } catch {
          return send(400, { error: "body must be JSON {\"version\": \"v1\"}" });
        }
        if (!/^v\d+$/.test(version)) return send(400, { error: "version must look like v1" });
        // A deploy takes a moment, as real ones do.
        setTimeout(() => {
          writeState(opts.stateFile, { version, deployedAt: new Date().toISOString() });
          send(200, { deployed: version });
        }, 800);
      });
      return;
    }
    send(404, { error: "not found" });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "127.0.0.1", () => resolve(server));
  });
}

/** Puts the demo back in its broken state (v2 deployed), as at first start. */
export function resetDemoState(file: string) {
  writeState(file, { version: "v2", deployedAt: new Date().toISOString() });
}
