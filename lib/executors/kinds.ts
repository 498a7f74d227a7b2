// Kept apart from the registry so the runbook schema can name executors without loading them.
export const EXECUTOR_KINDS = [
  "shell",
  "http",
  "health-check",
  "wait",
  "manual",
  "notify",
  "postgres-backup",
  "postgres-restore",
  "feature-flag",
  "kubernetes",
  "prometheus-query",
] as const;
export type ExecutorKind = (typeof EXECUTOR_KINDS)[number];

export function isExecutorKind(kind: string): kind is ExecutorKind {
  return (EXECUTOR_KINDS as readonly string[]).includes(kind);
}
