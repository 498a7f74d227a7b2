import { env } from "./env.ts";
import { migrationStatus } from "./db/migration-status.ts";
import { databaseLastAnsweredAt, noteDatabaseAnswered } from "./db/availability.ts";
import pkg from "../package.json" with { type: "json" };

export type HealthReport = {
  status: "ok" | "degraded" | "down";
  version: string;
  /** lastReachableAt: while unreachable, when this instance last had an answer (null: not since start). */
  database: { reachable: boolean; error?: string; latencyMs?: number; lastReachableAt?: string | null };
  migrations: { applied: number; pending: string[]; latest: string | null } | null;
  time: string;
};

export async function healthReport(): Promise<HealthReport> {
  const time = new Date().toISOString();
  const url = env().DATABASE_URL;
  if (!url) return { status: "down", version: pkg.version, database: { reachable: false, error: "DATABASE_URL is not set" }, migrations: null, time };
  const started = performance.now();
  try {
    const migrations = await migrationStatus(url);
    const latencyMs = Math.round(performance.now() - started);
    noteDatabaseAnswered();
    return {
      status: migrations.pending.length ? "degraded" : "ok",
      version: pkg.version,
      database: { reachable: true, latencyMs },
      migrations,
      time,
    };
  } catch {
    const lastReachableAt = databaseLastAnsweredAt()?.toISOString() ?? null;
    return { status: "down", version: pkg.version, database: { reachable: false, error: "database unreachable", lastReachableAt }, migrations: null, time };
  }
}
