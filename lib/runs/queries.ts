import { db } from "../db/client.ts";

/** The latest runs of an incident with their steps; logs only when the viewer may read them. */
export async function runsForIncident(incidentKey: string, withLogs: boolean) {
  const runs = await db().run.findMany({
    where: { incident: { key: incidentKey } },
    orderBy: { createdAt: "desc" },
    take: 5,
    select: runSelect(withLogs),
  });
  return runs;
}

export type RunView = Awaited<ReturnType<typeof runsForIncident>>[number];

/** One run with its steps (for /api/v1/runs/<id>); logs only when the caller may read them. */
export async function runById(id: string, withLogs: boolean) {
  return db().run.findUnique({ where: { id }, select: { ...runSelect(withLogs), incident: { select: { key: true } } } });
}

function runSelect(withLogs: boolean) {
  return {
      id: true, runbookName: true, runbookTitle: true, runbookVersion: true, mode: true, status: true, pauseReason: true,
      estimatedMinutes: true, startedByLabel: true, createdAt: true, finishedAt: true,
      steps: {
        orderBy: { index: "asc" },
        select: {
          id: true, index: true, title: true, phase: true, executor: true, status: true, attempt: true, startedAt: true, finishedAt: true,
          exitCode: true, error: true, skipReason: true, output: true, idempotent: true,
          ...(withLogs ? { logs: { orderBy: { id: "asc" as const }, take: 400, select: { id: true, stream: true, text: true } } } : {}),
        },
      },
    } as const;
}

/** How long past runs of a runbook took, for an ETA that learns from history. */
export async function pastDurationMinutes(runbookName: string): Promise<number | null> {
  const rows = await db().run.findMany({
    where: { runbookName, status: "succeeded", mode: { not: "dry_run" }, finishedAt: { not: null } },
    orderBy: { createdAt: "desc" },
    take: 10,
    select: { createdAt: true, finishedAt: true },
  });
  if (rows.length === 0) return null;
  const mins = rows.map((r) => (r.finishedAt!.getTime() - r.createdAt.getTime()) / 60_000).sort((a, b) => a - b);
  return mins[Math.floor(mins.length / 2)]!;
}
