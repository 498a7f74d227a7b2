import { spawnSync } from "node:child_process";

// `prisma generate` is pure WASM but the CLI insists on a schema-engine path; any existing file does.
const res = spawnSync("npx", ["prisma", "generate"], {
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
});
process.exit(res.status ?? 1);
