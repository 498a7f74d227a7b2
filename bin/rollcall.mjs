#!/usr/bin/env node
// The rollcall CLI: runs cli/index.ts with tsx (a dependency), passing arguments, stdio and the exit code through.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const tsx = path.join(
  path.dirname(require.resolve("tsx/package.json")),
  "dist",
  "cli.mjs",
);
const child = spawn(
  process.execPath,
  [tsx, path.join(here, "..", "cli", "index.ts"), ...process.argv.slice(2)],
  { stdio: "inherit" },
);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) =>
  process.exit(code ?? (signal === "SIGINT" ? 130 : 1)),
);
