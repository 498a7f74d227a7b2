"use client";
import Link from "next/link";
import { useActionState } from "react";
import { breakGlassAction, decideRequestAction } from "@/lib/approvals/actions";
import { initialState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, TextArea, TextInput } from "@/components/ui/field";
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
  reason: string;
  gate: string;
  approverRoles: string[];
  quorum: number;
  expiresAt: string | null;
  escalationLevel: number;
  breakGlassReason: string | null;
  createdAt: string;
  requestedBy: string;
  requesterRole: string;
  incident: { key: string; title: string };
  votes: { id: string; approve: boolean; comment: string; role: string; user: string; createdAt: string }[];
};

const STATUS_STYLE: Record<string, string> = {
  pending: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  approved: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
  rejected: "bg-slate-200 text-slate-900 dark:bg-slate-800 dark:text-slate-100",
  expired: "bg-slate-200 text-slate-900 dark:bg-slate-800 dark:text-slate-100",
  overridden: "bg-red-700 text-white",
};

function DecideForm({ requestId }: { requestId: string }) {
  const [state, action, pending] = useActionState(decideRequestAction, initialState);
  const v = state.ok ? {} : (state.values ?? {});
  return (
    <form action={action} key={JSON.stringify(v)} className="space-y-2" aria-label="Decide request">
      <input type="hidden" name="requestId" value={requestId} />
      <FormMessage message={state.message} ok={state.ok} />
      <Field label="Comment" name={`comment-${requestId}`} error={state.fieldErrors?.comment}>
        <TextInput name="comment" id={`comment-${requestId}`} defaultValue={String(v.comment ?? "")} placeholder="Optional for approval, expected for rejection" />
      </Field>
      <div className="flex gap-2">
        <Button type="submit" name="decision" value="approve" disabled={pending} className="flex-1">
          Approve
        </Button>
        <Button type="submit" name="decision" value="reject" variant="secondary" disabled={pending} className="flex-1">
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

export function RequestCard({ r, canDecide, canBreakGlass, showIncident }: { r: RequestCardData; canDecide: boolean; canBreakGlass: boolean; showIncident?: boolean }) {
  const approvals = r.votes.filter((v) => v.approve).length;
  return (
    <article aria-label={`Rollback request for ${r.incident.key}`} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <SeverityBadge severity={r.severity} />
        <span data-testid="request-status" className={`rounded-full px-2 py-0.5 text-xs font-bold uppercase ${STATUS_STYLE[r.status] ?? ""}`}>
          {r.status === "overridden" ? "break-glass" : r.status}
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
          <dt className="inline text-slate-500">Scope: </dt>
          <dd className="inline">{r.scope}</dd>
        </div>
        <div>
          <dt className="inline text-slate-500">Roll back to: </dt>
          <dd className="inline font-mono">{r.target}</dd>
        </div>
        {r.runbook && (
          <div>
            <dt className="inline text-slate-500">Runbook: </dt>
            <dd className="inline">{r.runbook}</dd>
          </div>
        )}
        <div>
          <dt className="inline text-slate-500">Requested by: </dt>
          <dd className="inline">
            {r.requestedBy} ({r.requesterRole}) <RelativeTime iso={r.createdAt} />
          </dd>
        </div>
        <div>
          <dt className="inline text-slate-500">Gate: </dt>
          <dd className="inline">
            {r.gate === "none" ? "none" : `${approvals}/${r.quorum} approval${r.quorum > 1 ? "s" : ""} from ${r.approverRoles.join(" or ")}`}
          </dd>
        </div>
        {r.status === "pending" && r.expiresAt && (
          <div>
            <dt className="inline text-slate-500">Expires: </dt>
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
      {canDecide && <DecideForm requestId={r.id} />}
      {r.status === "pending" && canBreakGlass && <BreakGlassForm requestId={r.id} />}
    </article>
  );
}
