"use client";
import Link from "next/link";
import { useActionState, useEffect } from "react";
import { breakGlassAction, cancelRollbackAction, decideRequestAction, startRollbackAction } from "@/lib/approvals/actions";
import { ROLLBACK_STATE_LABELS, type RollbackState } from "@/lib/approvals/rollback-state";
import { initialState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, TextArea, TextInput } from "@/components/ui/field";
import { cancelResult, expectResult, useResultTarget } from "@/components/ui/focus-result";
import { RelativeTime } from "@/components/ui/relative-time";
import { SeverityBadge } from "@/components/incidents/badges";
import type { SeverityName } from "@/lib/incidents/schemas";

export type RequestCardData = {
  id: string;
  status: string;
  severity: SeverityName;
  scope: string;
  target: string;
  runbook: string | null;
  runbookVersion: string | null;
  params: [string, string][];
  mode: "live" | "drill" | "dry_run";
  environment: string;
  state: RollbackState;
  startError: string | null;
  runId: string | null;
  requestedById: string | null;
  reason: string;
  gate: string;
  approverRoles: string[];
  quorum: number;
  expiresAt: string | null;
  escalationLevel: number;
  breakGlassReason: string | null;
  /** Why the policy does not offer this person break-glass on this request (shown instead of the form). */
  breakGlassWhy?: string | null;
  createdAt: string;
  requestedBy: string;
  requesterRole: string;
  incident: { key: string; title: string };
  votes: { id: string; approve: boolean; comment: string; role: string; user: string; createdAt: string }[];
};

const STATE_STYLE: Record<RollbackState, string> = {
  awaiting_approval: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  approved: "bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200",
  running: "bg-sky-700 text-white",
  paused: "bg-orange-700 text-white",
  succeeded: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
  failed: "bg-red-700 text-white",
  aborted: "bg-slate-200 text-slate-900 dark:bg-slate-800 dark:text-slate-100",
  rejected: "bg-slate-200 text-slate-900 dark:bg-slate-800 dark:text-slate-100",
  expired: "bg-slate-200 text-slate-900 dark:bg-slate-800 dark:text-slate-100",
  cancelled: "bg-slate-200 text-slate-900 dark:bg-slate-800 dark:text-slate-100",
};

/** An approved rollback whose run did not start by itself: starts exactly what was approved. */
function StartForm({ requestId }: { requestId: string }) {
  const [state, action, pending] = useActionState(startRollbackAction, initialState);
  return (
    <form action={action} className="space-y-2" aria-label="Start approved rollback">
      <input type="hidden" name="requestId" value={requestId} />
      <FormMessage message={state.message} ok={state.ok} />
      <Button type="submit" variant="danger" disabled={pending} className="w-full">
        {pending ? "Starting…" : "Start rollback (as approved)"}
      </Button>
    </form>
  );
}

function CancelForm({ requestId }: { requestId: string }) {
  const [state, action, pending] = useActionState(cancelRollbackAction, initialState);
  const v = state.ok ? {} : (state.values ?? {});
  return (
    <details className="rounded-md border border-slate-200 p-3 dark:border-slate-800">
      <summary className="cursor-pointer text-sm font-semibold">Cancel this request</summary>
      <form action={action} key={JSON.stringify(v)} className="mt-2 space-y-2" aria-label="Cancel request">
        <input type="hidden" name="requestId" value={requestId} />
        <FormMessage message={state.message} ok={state.ok} />
        <Field label="Why cancel?" name={`cancel-${requestId}`} error={state.fieldErrors?.reason}>
          <TextInput name="reason" id={`cancel-${requestId}`} defaultValue={String(v.reason ?? "")} error={state.fieldErrors?.reason} />
        </Field>
        <Button type="submit" variant="secondary" disabled={pending}>
          Cancel request
        </Button>
      </form>
    </details>
  );
}

function DecideForm({ requestId }: { requestId: string }) {
  const [state, action, pending] = useActionState(decideRequestAction, initialState);
  const v = state.ok ? {} : (state.values ?? {});
  // A decided request loses this form: focus goes to the request's state instead (see RequestCard).
  useEffect(() => {
    if (!state.ok && state.message) cancelResult(`request-${requestId}`);
  }, [state, requestId]);
  return (
    <form action={action} key={JSON.stringify(v)} onSubmit={() => expectResult(`request-${requestId}`)} className="space-y-2" aria-label="Decide request">
      <input type="hidden" name="requestId" value={requestId} />
      <FormMessage message={state.message} ok={state.ok} />
      <Field label="Comment (required to reject)" name={`comment-${requestId}`} error={state.fieldErrors?.comment}>
        <TextInput name="comment" id={`comment-${requestId}`} defaultValue={String(v.comment ?? "")} error={state.fieldErrors?.comment} placeholder="Optional for approval; say why when rejecting" />
      </Field>
      {/* Approve is the wide primary action; Reject is smaller and outlined, so a thumb cannot confuse them. */}
      <div className="flex gap-3">
        <Button type="submit" name="decision" value="approve" disabled={pending} className="flex-[2]">
          Approve
        </Button>
        <Button type="submit" name="decision" value="reject" variant="secondary" disabled={pending} className="flex-1 border-red-700 text-red-800 dark:border-red-400 dark:text-red-300">
          Reject
        </Button>
      </div>
    </form>
  );
}

function BreakGlassForm({ requestId }: { requestId: string }) {
  const [state, action, pending] = useActionState(breakGlassAction, initialState);
  const v = state.ok ? {} : (state.values ?? {});
  return (
    <details className="rounded-md border border-red-300 p-3 dark:border-red-800">
      <summary className="cursor-pointer text-sm font-semibold text-red-800 dark:text-red-300">Break glass: start without approval</summary>
      <form action={action} key={JSON.stringify(v)} className="mt-2 space-y-2" aria-label="Break glass">
        <input type="hidden" name="requestId" value={requestId} />
        <FormMessage message={state.message} ok={state.ok} />
        <Field label="Justification" name={`justification-${requestId}`} error={state.fieldErrors?.justification} hint="Written down, shown to approvers, flagged for review.">
          <TextArea name="justification" id={`justification-${requestId}`} rows={2} defaultValue={String(v.justification ?? "")} error={state.fieldErrors?.justification} />
        </Field>
        <Button type="submit" variant="danger" disabled={pending}>
          Override the gate
        </Button>
      </form>
    </details>
  );
}

/** `technical` false (stakeholders): no runbook version or parameters, the snapshot's internals. */
export function RequestCard({ r, canDecide, canBreakGlass, canStart = false, canCancel = false, showIncident, technical = true }: { r: RequestCardData; canDecide: boolean; canBreakGlass: boolean; canStart?: boolean; canCancel?: boolean; showIncident?: boolean; technical?: boolean }) {
  const approvals = r.votes.filter((v) => v.approve).length;
  const kind = r.mode === "drill" ? "Drill" : "Rollback";
  const result = useResultTarget<HTMLSpanElement>(`request-${r.id}`, `${r.state}-${r.votes.length}`);
  return (
    <article aria-label={`${kind} request for ${r.incident.key}`} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <SeverityBadge severity={r.severity} />
        <span ref={result} tabIndex={-1} data-testid="request-status" data-state={r.state} className={`rounded-full px-2 py-0.5 text-xs font-bold uppercase ${STATE_STYLE[r.state]}`}>
          {ROLLBACK_STATE_LABELS[r.state]}
        </span>
        {r.status === "overridden" && <span className="rounded-full bg-red-700 px-2 py-0.5 text-xs font-bold uppercase text-white">break-glass</span>}
        <span className="rounded bg-slate-100 px-2 py-0.5 text-xs font-semibold dark:bg-slate-800">
          {kind} · {r.environment}
        </span>
        {showIncident && (
          <Link href={`/incidents/${r.incident.key}`} className="font-semibold underline">
            {r.incident.key}: {r.incident.title}
          </Link>
        )}
        {r.escalationLevel > 0 && <span className="rounded bg-purple-100 px-2 text-xs font-semibold text-purple-900 dark:bg-purple-950 dark:text-purple-200">escalated ×{r.escalationLevel}</span>}
      </div>
      <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-2">
        <div>
          <dt className="inline text-slate-600 dark:text-slate-400">Scope: </dt>
          <dd className="inline">{r.scope}</dd>
        </div>
        <div>
          <dt className="inline text-slate-600 dark:text-slate-400">Roll back to: </dt>
          <dd className="inline font-mono">{r.target}</dd>
        </div>
        {r.runbook && technical && (
          <div>
            <dt className="inline text-slate-600 dark:text-slate-400">Runbook: </dt>
            <dd className="inline">
              {r.runbook}
              {r.runbookVersion && <span className="font-mono text-xs text-slate-600 dark:text-slate-400"> @{r.runbookVersion}</span>}
            </dd>
          </div>
        )}
        {r.params.length > 0 && technical && (
          <div className="sm:col-span-2">
            <dt className="text-slate-600 dark:text-slate-400">Parameters (exactly what runs):</dt>
            <dd>
              <ul className="font-mono text-xs break-all">
                {r.params.map(([k, val]) => (
                  <li key={k}>
                    {k} = {val}
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        )}
        <div>
          <dt className="inline text-slate-600 dark:text-slate-400">Requested by: </dt>
          <dd className="inline">
            {r.requestedBy} ({r.requesterRole}) <RelativeTime iso={r.createdAt} />
          </dd>
        </div>
        <div>
          <dt className="inline text-slate-600 dark:text-slate-400">Gate: </dt>
          <dd className="inline">
            {r.gate === "none" ? "none" : `${approvals}/${r.quorum} approval${r.quorum > 1 ? "s" : ""} from ${r.approverRoles.join(" or ")}`}
          </dd>
        </div>
        {r.status === "pending" && r.expiresAt && (
          <div>
            <dt className="inline text-slate-600 dark:text-slate-400">Expires: </dt>
            <dd className="inline">
              <RelativeTime iso={r.expiresAt} />
            </dd>
          </div>
        )}
      </dl>
      <p className="text-sm whitespace-pre-wrap break-words">{r.reason}</p>
      {r.breakGlassReason && <p className="rounded-md bg-red-50 px-3 py-2 text-sm font-medium text-red-900 dark:bg-red-950 dark:text-red-200">Break-glass: {r.breakGlassReason}</p>}
      {r.votes.length > 0 && (
        <ul className="space-y-1 text-sm" aria-label="Votes">
          {r.votes.map((v) => (
            <li key={v.id}>
              <span className={v.approve ? "font-semibold text-emerald-700 dark:text-emerald-400" : "font-semibold text-red-700 dark:text-red-400"}>{v.approve ? "Approved" : "Rejected"}</span> by {v.user} ({v.role})
              {v.comment ? `: “${v.comment}”` : ""}
            </li>
          ))}
        </ul>
      )}
      {r.startError && r.state === "approved" && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm font-medium text-red-900 dark:bg-red-950 dark:text-red-200">
          The run did not start: {r.startError}
        </p>
      )}
      {canDecide && <DecideForm requestId={r.id} />}
      {r.state === "approved" && canStart && <StartForm requestId={r.id} />}
      {r.status === "pending" && canBreakGlass && <BreakGlassForm requestId={r.id} />}
      {r.status === "pending" && !canBreakGlass && r.breakGlassWhy && (
        <p data-testid="break-glass-why" className="rounded-md border border-slate-200 px-3 py-2 text-sm text-slate-700 dark:border-slate-800 dark:text-slate-300">
          Break glass is not offered to you here. {r.breakGlassWhy}
        </p>
      )}
      {r.status === "pending" && canCancel && <CancelForm requestId={r.id} />}
    </article>
  );
}
