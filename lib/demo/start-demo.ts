import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import type { FlagStore } from "../executors/flags/store.ts";
import { freePort } from "../db/embedded.ts";
import { resetDemoState } from "./demo-service.ts";

export const DEMO_TRAFFIC_PER_SECOND = 4;

/** Where the running demo service (not its drill copy) says it listens, for `npm run demo:alert`. */
export function demoServiceUrlFile(dataDir: string): string {
  return path.join(dataDir, "demo", "service.url");
}

/**
 * Starts the quick start's demo service as its own process (v2 deployed: broken) and turns its
 * feature flag on, so the demo runbook has something real to roll back. Returns a stop function.
 */
export async function startDemo(opts: { dataDir: string; root: string; flags: FlagStore; port?: number; log: (l: string) => void; instance?: "service" | "drill" }) {
  const port = opts.port ?? (await freePort());
  const instance = opts.instance ?? "service";
  const stateFile = path.join(opts.dataDir, "demo", `${instance}.json`);
  const flag = instance === "drill" ? "new-checkout-drill" : "new-checkout";
  if (!existsSync(stateFile)) resetDemoState(stateFile);
  if (!(await opts.flags.get(flag))) await opts.flags.set(flag, true);
  // A few synthetic checkouts a second give its /metrics an error rate for Prometheus to alert on.
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/demo-service.ts", String(port), stateFile, String(DEMO_TRAFFIC_PER_SECOND)], {
    cwd: opts.root,
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.on("data", (b: Buffer) => opts.log(`[demo ${instance}] ${b.toString("utf8").trimEnd()}`));
  const url = `http://127.0.0.1:${port}`;
  // Wait until it answers, so the first dry run does not race its start.
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/version`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (instance === "service") {
    mkdirSync(path.dirname(demoServiceUrlFile(opts.dataDir)), { recursive: true });
    writeFileSync(demoServiceUrlFile(opts.dataDir), `${url}\n`);
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
