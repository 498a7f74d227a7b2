import { featureFlagExecutor } from "./feature-flag.ts";
import { healthCheckExecutor } from "./health-check.ts";
import { httpExecutor } from "./http.ts";
import { isExecutorKind, type ExecutorKind } from "./kinds.ts";
import { kubernetesExecutor } from "./kubernetes.ts";
import { manualExecutor } from "./manual.ts";
import { notifyExecutor } from "./notify.ts";
import { postgresBackupExecutor } from "./postgres-backup.ts";
import { postgresRestoreExecutor } from "./postgres-restore.ts";
import { prometheusQueryExecutor } from "./prometheus-query.ts";
import { shellExecutor } from "./shell.ts";
import type { Executor, FieldError } from "./types.ts";
import { waitExecutor } from "./wait.ts";

const executors = {
  shell: shellExecutor,
  http: httpExecutor,
  "health-check": healthCheckExecutor,
  wait: waitExecutor,
  manual: manualExecutor,
  notify: notifyExecutor,
  "postgres-backup": postgresBackupExecutor,
  "postgres-restore": postgresRestoreExecutor,
  "feature-flag": featureFlagExecutor,
  kubernetes: kubernetesExecutor,
  "prometheus-query": prometheusQueryExecutor,
} satisfies Record<ExecutorKind, { kind: string }>;

type Executors = typeof executors;
export type ParamsOf<K extends ExecutorKind> = Executors[K] extends Executor<infer P> ? P : never;
export type Validated<K extends ExecutorKind = ExecutorKind> = { ok: true; kind: K; params: ParamsOf<K> } | { ok: false; errors: FieldError[] };

/** The executor for a kind (as stored on a step), or undefined. Its params come from validate(). */
export function getExecutor(kind: string): Executor<unknown> | undefined {
  return isExecutorKind(kind) ? (executors[kind] as Executor<unknown>) : undefined;
}

/** Checks params against the executor's schema: typed params (defaults filled in), or errors per field. */
export function validate<K extends ExecutorKind>(kind: K, params: unknown): Validated<K>;
export function validate(kind: string, params: unknown): Validated;
export function validate(kind: string, params: unknown): Validated {
  const executor = getExecutor(kind);
  if (!executor) return { ok: false, errors: [{ path: "", message: `unknown executor "${kind}"` }] };
  const parsed = executor.schema.safeParse(params);
  if (parsed.success) return { ok: true, kind: kind as ExecutorKind, params: parsed.data as ParamsOf<ExecutorKind> };
  return { ok: false, errors: parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })) };
}
