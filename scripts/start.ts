import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

// `npm start`: generate the client and build when the sources are newer than the build, then serve.
const root = path.resolve(import.meta.dirname, "..");
const SOURCES = ["app", "components", "lib", "prisma/schema.prisma", "next.config.js", "package.json", "postcss.config.mjs"];
const SKIP = new Set(["generated", "node_modules"]);

function newest(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const entry of readdirSync(p)) {
    if (SKIP.has(entry)) continue;
    max = Math.max(max, newest(path.join(p, entry)));
  }
  return max;
}

function run(cmd: string, args: string[]) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

const buildId = path.join(root, ".next", "BUILD_ID");
const generated = path.join(root, "lib", "db", "generated", "client.ts");
if (!existsSync(generated) || newest(path.join(root, "prisma", "schema.prisma")) > statSync(generated).mtimeMs) {
  run("npx", ["tsx", "scripts/prisma-generate.ts"]);
}
const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
if (builtAt < Math.max(...SOURCES.map((s) => newest(path.join(root, s))))) {
  console.log("Building Rollcall (first start or sources changed)...");
  run("npx", ["next", "build"]);
}
(process.env as Record<string, string>).NODE_ENV = "production";
await import("../server.ts");
