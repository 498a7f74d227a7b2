import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

// Runs the production server on a throw-away data directory (fresh embedded PostgreSQL per run).
const dir = mkdtempSync(path.join(tmpdir(), "rollcall-e2e-"));
chmodSync(dir, 0o755);
// The example runbooks let app_url and health_url point under APP_URL: here a closed local port.
const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, EMBEDDED_PG_PORT: String(await freePort()) };
env.APP_URL ??= "http://127.0.0.1:9";
delete env.DATABASE_URL;
const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], { stdio: "inherit", env });

function cleanup() {
  rmSync(dir, { recursive: true, force: true });
}
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    child.kill("SIGTERM");
  });
}
child.on("exit", (code) => {
  cleanup();
  process.exit(code ?? 0);
});

async function freePort(): Promise<number> {
  const { freePort: fp } = await import("../lib/db/embedded.ts");
  return fp();
}
