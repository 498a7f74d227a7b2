import type { RunView } from "@/lib/runs/queries";
import type { RunPanelData } from "./run-panel";

export function toPanel(r: RunView, opts: { pastMinutes: number | null; rtoMinutes: number | null }): RunPanelData {
  return {
    id: r.id,
    title: r.runbookTitle,
    version: r.runbookVersion,
    mode: r.mode,
    status: r.status,
    pauseReason: r.pauseReason,
    startedBy: r.startedByLabel,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    estimatedMinutes: r.estimatedMinutes,
    pastMinutes: opts.pastMinutes,
    rtoMinutes: opts.rtoMinutes,
    steps: r.steps.map((s) => ({
      id: s.id,
      index: s.index,
      title: s.title,
      phase: s.phase,
      executor: s.executor,
      status: s.status,
      attempt: s.attempt,
      startedAt: s.startedAt?.toISOString() ?? null,
      finishedAt: s.finishedAt?.toISOString() ?? null,
      exitCode: s.exitCode,
      error: s.error,
      skipReason: s.skipReason,
      checklist: ((s.output as { checklist?: unknown } | null)?.checklist as string[] | undefined) ?? [],
      // Logs are only selected for roles that may read them; stakeholders see steps and progress.
      log: "logs" in s && Array.isArray(s.logs) ? (s.logs as { text: string }[]).map((l) => l.text).join("") : null,
    })),
  };
}
