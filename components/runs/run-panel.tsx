"use client";
import { useActionState, useEffect, useRef } from "react";
import { operateRunAction } from "@/lib/runs/actions";
import { initialState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { FormMessage, TextInput } from "@/components/ui/field";
import { cancelResult, expectResult, useResultTarget } from "@/components/ui/focus-result";

export type StepView = {
  id: string;
  index: number;
  title: string;
  phase: string;
  executor: string;
  status: string;
  attempt: number;
  startedAt: string | null;
  finishedAt: string | null;
  exitCode: number | null;
  error: string | null;
  skipReason: string | null;
  checklist: string[];
  log: string | null;
};

export type RunPanelData = {
  id: string;
  title: string;
  version: string;
  mode: "live" | "dry_run" | "drill";
  status: string;
  pauseReason: string | null;
  startedBy: string;
  createdAt: string;
  finishedAt: string | null;
  estimatedMinutes: number | null;
  pastMinutes: number | null;
  rtoMinutes: number | null;
  steps: StepView[];
};

const ICON: Record<string, string> = {
  pending: "○", running: "◐", succeeded: "✓", failed: "✗", skipped: "↷", interrupted: "⚠", awaiting_confirmation: "?", aborted: "■",
};
const TONE: Record<string, string> = {
  succeeded: "text-emerald-700 dark:text-emerald-400",
  failed: "text-red-700 dark:text-red-400",
  interrupted: "text-amber-700 dark:text-amber-400",
  running: "text-sky-700 dark:text-sky-400",
  awaiting_confirmation: "text-purple-700 dark:text-purple-400",
};

function minutes(ms: number) {
  const m = Math.floor(ms / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${m}:${String(s).padStart(2, "0")}`;
}

// The step's form goes away once it is done: focus moves to where the result shows (`resultTarget`).
function StepAction({ runId, step, resultTarget }: { runId: string; step: StepView; resultTarget: string }) {
  const [state, action, pending] = useActionState(operateRunAction, initialState);
  const v = state.ok ? {} : (state.values ?? {});
  useEffect(() => {
    if (!state.ok && state.message) cancelResult(resultTarget);
  }, [state, resultTarget]);
  const expect = () => expectResult(resultTarget);
  if (step.status === "awaiting_confirmation") {
    return (
      <form action={action} onSubmit={expect} className="mt-2 space-y-2" aria-label={`Confirm ${step.title}`}>
        <input type="hidden" name="runId" value={runId} />
        <input type="hidden" name="stepId" value={step.id} />
        <input type="hidden" name="action" value="confirm" />
        <FormMessage message={state.ok ? undefined : state.message} />
        {state.fieldErrors?.checked && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{state.fieldErrors.checked.join(" ")}</p>}
        {step.checklist.map((item) => (
          <label key={item} className="flex min-h-11 items-center gap-3 text-sm">
            <input type="checkbox" name="checked" value={item} className="h-5 w-5" />
            {item}
          </label>
        ))}
        <Button type="submit" disabled={pending}>Confirm step</Button>
      </form>
    );
  }
  if (step.status !== "failed" && step.status !== "interrupted") return null;
  return (
    <form action={action} key={JSON.stringify(v)} onSubmit={expect} className="mt-2 flex flex-wrap items-end gap-2" aria-label={`Decide ${step.title}`}>
      <input type="hidden" name="runId" value={runId} />
      <input type="hidden" name="stepId" value={step.id} />
      <Button type="submit" name="action" value="retry" disabled={pending}>Retry step</Button>
      <label className="min-w-48 flex-1 text-sm">
        <span className="sr-only">Reason to skip {step.title}</span>
        <TextInput name="reason" id={`skip-${step.id}`} placeholder="Reason to skip" defaultValue={String(v.reason ?? "")} error={state.fieldErrors?.reason} />
      </label>
      <Button type="submit" name="action" value="skip" variant="secondary" disabled={pending}>Skip step</Button>
      {!state.ok && state.message && <p role="alert" className="w-full text-sm text-red-700 dark:text-red-400">{state.fieldErrors?.reason?.join(" ") ?? state.message}</p>}
    </form>
  );
}

function AbortForm({ runId, resultTarget }: { runId: string; resultTarget: string }) {
  const [state, action, pending] = useActionState(operateRunAction, initialState);
  useEffect(() => {
    if (!state.ok && state.message) cancelResult(resultTarget);
  }, [state, resultTarget]);
  return (
    <form
      action={action}
      onSubmit={(e) => {
        if (!window.confirm("Abort this run? A running step is stopped (its whole process group is killed).")) e.preventDefault();
        else expectResult(resultTarget);
      }}
      aria-label="Abort run"
    >
      <input type="hidden" name="runId" value={runId} />
      <input type="hidden" name="action" value="abort" />
      <Button type="submit" variant="danger" disabled={pending}>Abort run</Button>
      {!state.ok && state.message && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{state.message}</p>}
    </form>
  );
}

function LogView({ text, follow }: { text: string; follow: boolean }) {
  const ref = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (follow && ref.current) ref.current.scrollTop = ref.current.scrollHeight;
  }, [text, follow]);
  return (
    <pre ref={ref} className="mt-1 max-h-64 overflow-auto rounded bg-slate-950 p-2 text-xs whitespace-pre-wrap text-slate-100">
      {text || "(no output yet)"}
    </pre>
  );
}

/**
 * `technical` false (stakeholders): steps and progress only, no executors, exit codes, errors or
 * runbook version. `resultTarget`: where focus goes after a step action (default: this run's state).
 */
export function RunPanel({ run, canOperate, now, technical = true, resultTarget }: { run: RunPanelData; canOperate: boolean; now: string; technical?: boolean; resultTarget?: string }) {
  const target = resultTarget ?? `run-${run.id}`;
  const done = run.steps.filter((s) => ["succeeded", "skipped"].includes(s.status) || (run.mode === "dry_run" && s.status === "failed")).length;
  const pct = Math.round((done / Math.max(1, run.steps.length)) * 100);
  const elapsed = (run.finishedAt ? new Date(run.finishedAt) : new Date(now)).getTime() - new Date(run.createdAt).getTime();
  const estimate = run.pastMinutes ?? run.estimatedMinutes;
  const active = run.status === "running" || run.status === "paused";
  const stateRef = useResultTarget<HTMLSpanElement>(`run-${run.id}`, `${run.status}-${done}`);
  const waiting = run.steps.find((s) => ["awaiting_confirmation", "failed", "interrupted"].includes(s.status));
  const pause = technical
    ? run.pauseReason
    : waiting
      ? `Step ${waiting.index + 1} “${waiting.title}” ${waiting.status === "awaiting_confirmation" ? "needs a person to confirm it" : "did not work; the team decides what to do next"}.`
      : "waiting for the team.";
  return (
    <section aria-label={`Run ${run.title}`} className="space-y-3" data-testid="run-panel" data-status={run.status}>
      <div className="flex flex-wrap items-center gap-2">
        <span className={`rounded px-2 py-0.5 text-xs font-bold ${run.mode === "live" ? "bg-red-700 text-white" : run.mode === "drill" ? "bg-purple-700 text-white" : "bg-slate-600 text-white"}`}>
          {run.mode === "dry_run" ? "DRY RUN" : run.mode.toUpperCase()}
        </span>
        <span className="font-semibold">{run.title}</span>
        <span ref={stateRef} tabIndex={-1} data-testid="run-status" className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-semibold uppercase dark:bg-slate-800">{run.status}</span>
        <span className="text-xs text-slate-600 dark:text-slate-400">
          {technical ? `v${run.version} · ` : ""}by {run.startedBy}
        </span>
      </div>
      <div>
        <div className="h-3 w-full overflow-hidden rounded bg-slate-200 dark:bg-slate-800" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100} aria-label="Run progress">
          <div className={`h-full ${run.status === "failed" || run.status === "aborted" ? "bg-red-600" : "bg-emerald-600"}`} style={{ width: `${pct}%` }} />
        </div>
        <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
          {done}/{run.steps.length} steps · elapsed {minutes(elapsed)}
          {estimate ? ` · estimated ${Math.round(estimate * 10) / 10} min${run.pastMinutes ? " (past runs)" : ""}` : ""}
          {run.rtoMinutes ? ` · RTO ${run.rtoMinutes} min` : ""}
          {run.rtoMinutes && elapsed > run.rtoMinutes * 60_000 ? " · OVER RTO" : ""}
        </p>
      </div>
      {run.pauseReason && run.status === "paused" && (
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm font-medium text-amber-900 dark:bg-amber-950 dark:text-amber-200">
          Paused: {pause}
        </p>
      )}
      <ol className="space-y-2" aria-label="Steps">
        {run.steps.map((s) => {
          const dur = s.startedAt ? (s.finishedAt ? new Date(s.finishedAt) : new Date(now)).getTime() - new Date(s.startedAt).getTime() : null;
          return (
            // The command header links here (#step-<id>) when this step waits for a person.
            <li key={s.id} id={`step-${s.id}`} data-step-status={s.status} className="rounded-md border border-slate-200 p-2 dark:border-slate-800">
              <div className="flex flex-wrap items-baseline gap-2 text-sm">
                <span aria-hidden className={`w-4 font-bold ${TONE[s.status] ?? ""}`}>{ICON[s.status] ?? "·"}</span>
                <span className="font-medium">{s.index + 1}. {s.title}</span>
                <span className="text-xs text-slate-600 dark:text-slate-400">
                  {s.phase !== "step" ? `${s.phase} · ` : ""}
                  {technical ? `${s.executor} · ` : ""}
                  {s.status.replace("_", " ")}
                  {s.attempt > 1 ? ` · attempt ${s.attempt}` : ""}
                  {dur !== null ? ` · ${minutes(dur)}` : ""}
                  {technical && s.exitCode !== null ? ` · exit ${s.exitCode}` : ""}
                </span>
              </div>
              {s.error && technical && <p className="mt-1 text-sm text-red-700 dark:text-red-400">{s.error}</p>}
              {s.skipReason && <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">Skipped: {s.skipReason}</p>}
              {canOperate && active && <StepAction runId={run.id} step={s} resultTarget={target} />}
              {s.log !== null && (s.status !== "pending" || s.log) && (
                <details open={s.status === "running" || s.status === "failed" || s.status === "interrupted"}>
                  <summary className="min-h-11 cursor-pointer py-3 text-sm text-slate-600 dark:text-slate-400">Log</summary>
                  <LogView text={s.log} follow={s.status === "running"} />
                </details>
              )}
            </li>
          );
        })}
      </ol>
      {canOperate && active && <AbortForm runId={run.id} resultTarget={target} />}
    </section>
  );
}
