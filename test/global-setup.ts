import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedHandle } from "../lib/db/embedded.ts";

// One real PostgreSQL for the whole integration run; each test file creates its own fresh database.
let pg: EmbeddedHandle | undefined;
let dir: string | undefined;

export async function setup(project: TestProject) {
  dir = await mkdtemp(path.join(tmpdir(), "rollcall-it-"));
  await chmod(dir, 0o755);
  pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg") });
  project.provide("pgAdminUrl", pg.url("postgres"));
}

export async function teardown() {
  await pg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}

declare module "vitest" {
  // Declaration merging needs an interface here.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}
