import { requireUser } from "@/lib/auth/session";
import { can, ROLE_LABELS } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { escalationPath } from "@/lib/contacts/escalation-path";
import { policyState } from "@/lib/decisions/policy-registry";
import { formatPolicyError } from "@/lib/policy/load";
import { describeBound } from "@/lib/policy/evaluate";
import { policyReview } from "@/lib/policy-review/queries";
import { WhatIf } from "@/components/policy/what-if";
import { PolicyReview } from "@/components/policy/review-form";
import { Card } from "@/components/ui/card";
import { SeverityBadge } from "@/components/incidents/badges";
import { describeBreakGlass } from "@/lib/policy/break-glass";

export const metadata = { title: "Decision matrix" };
export const dynamic = "force-dynamic";

const th = "px-3 py-2 text-left";
const td = "px-3 py-2 align-top";

export default async function MatrixPage() {
  const user = await requireUser();
  const state = policyState();
  const active = state.active;
  // The path the sweeper uses: a saved one replaces the policy's (lib/contacts/escalation-path.ts).
  const path = active ? await escalationPath() : null;
  const ids = [...new Set(path?.steps.flatMap((s) => s.contactIds) ?? [])];
  const names = new Map(
    ids.length
      ? (
          await db().contact.findMany({
            where: { id: { in: ids } },
            select: { id: true, name: true },
          })
        ).map((c) => [c.id, c.name])
      : [],
  );
  const review = active ? await policyReview() : null;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Decision matrix</h1>
        {active && (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {active.policy.name} · version {active.version} ·{" "}
            {active.policy.source}
          </p>
        )}
      </div>
      {state.errors.length > 0 && (
        <div
          role="alert"
          className="rounded-lg border-2 border-red-600 bg-red-50 p-4 text-sm dark:bg-red-950"
        >
          <p className="font-bold text-red-900 dark:text-red-200">
            The policy file has errors.{" "}
            {active
              ? `The last good version (${active.version}) stays active.`
              : "No valid policy is loaded."}
          </p>
          <ul className="mt-2 list-disc pl-5 font-mono text-xs">
            {state.errors.map((e, i) => (
              <li key={i}>{formatPolicyError(e)}</li>
            ))}
          </ul>
        </div>
      )}
      {active && (
        <>
          <Card aria-labelledby="review-h">
            <h2 id="review-h" className="mb-2 font-semibold">
              Review
            </h2>
            <PolicyReview
              activeVersion={active.version}
              review={review}
              canReview={can(user.role, "settings.manage")}
            />
          </Card>
          <RulesTable
            title="Rollback triggers"
            policy={active.policy}
            rules={active.policy.rules.filter((r) => !r.when.metrics?.length)}
          />
          {/* Metric rules are what alerts are evaluated against (issue 13); they read apart from the seed's trigger table. */}
          <RulesTable
            title="Automatic triggers (alert readings)"
            policy={active.policy}
            rules={active.policy.rules.filter((r) => r.when.metrics?.length)}
            automatic
          />
          <Card className="overflow-x-auto p-0">
            <h2 className="px-4 pt-4 font-semibold">Decision authority</h2>
            <table className="mt-2 w-full min-w-[36rem] text-sm">
              <thead className="bg-slate-100 text-xs uppercase dark:bg-slate-800">
                <tr>
                  <th className={th}>Severity</th>
                  <th className={th}>Response</th>
                  <th className={th}>Who may start</th>
                  <th className={th}>Approval</th>
                  <th className={th}>Auto-rollback</th>
                </tr>
              </thead>
              <tbody>
                {active.policy.severities.map((s) => (
                  <tr
                    key={s.id}
                    className="border-t border-slate-200 dark:border-slate-800"
                  >
                    <td className={td}>
                      <SeverityBadge severity={s.id} />{" "}
                      <span className="ml-1">{s.label}</span>
                    </td>
                    <td className={td}>&lt; {s.responseMinutes} min</td>
                    <td className={td}>{s.initiators.join(", ")}</td>
                    <td className={td}>
                      {s.approval.mode === "none"
                        ? "none: start at once"
                        : `${s.approval.mode === "quorum" ? `${s.approval.quorum} × ` : ""}${s.approval.roles.join(" or ")}${s.approval.selfApproval ? "" : ", not the requester"}; expires ${s.approval.expiresMinutes} min; ${describeBreakGlass(s.approval.breakGlass)}`}
                    </td>
                    <td className={td}>{s.autoRollback}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
          {active.policy.metrics.length > 0 && (
            <Card className="overflow-x-auto p-0">
              <h2 className="px-4 pt-4 font-semibold">Metric thresholds</h2>
              <table className="mt-2 w-full min-w-[36rem] text-sm">
                <thead className="bg-slate-100 text-xs uppercase dark:bg-slate-800">
                  <tr>
                    <th className={th}>Metric</th>
                    <th className={th}>Warning</th>
                    <th className={th}>Critical</th>
                    <th className={th}>Action</th>
                  </tr>
                </thead>
                <tbody>
                  {active.policy.metrics.map((m) => (
                    <tr
                      key={m.id}
                      className="border-t border-slate-200 dark:border-slate-800"
                    >
                      <td className={td}>{m.label}</td>
                      <td className={td}>{describeBound(m.warning, m.unit)}</td>
                      <td className={td}>
                        {describeBound(m.critical, m.unit)}
                      </td>
                      <td className={td}>{m.action.replace("_", " ")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Card>
          )}
          {path && path.steps.length > 0 && (
            <Card>
              <h2 className="font-semibold">Escalation path</h2>
              <p className="text-xs text-slate-500 dark:text-slate-400">
                {path.source === "saved" ? (
                  <>
                    In use: version {path.version} saved in the app (it replaces
                    this policy&apos;s path; administrators edit it at
                    Contacts).
                  </>
                ) : (
                  <>In use: this policy&apos;s path.</>
                )}
              </p>
              <ol className="mt-2 space-y-1 text-sm">
                {path.steps.map((e, i) => (
                  <li key={i}>
                    {i + 1}. {e.role}{" "}
                    {i === 0
                      ? `(from ${e.afterMinutes} min)`
                      : `(after ${e.afterMinutes} min, or the response target if later)`}
                    {e.approverRole
                      ? `, then ${ROLE_LABELS[e.approverRole]} may decide`
                      : ""}{" "}
                    <span className="text-slate-600 dark:text-slate-400">
                      {e.contactIds
                        .map((id) => names.get(id))
                        .filter(Boolean)
                        .join(", ") || e.contact}
                    </span>
                  </li>
                ))}
              </ol>
            </Card>
          )}
          <Card>
            <h2 className="mb-3 font-semibold">What if…</h2>
            <WhatIf
              loaded={{ policy: active.policy, version: active.version }}
            />
          </Card>
        </>
      )}
    </div>
  );
}

type ActivePolicy = NonNullable<
  ReturnType<typeof policyState>["active"]
>["policy"];

function RulesTable({
  title,
  policy,
  rules,
  automatic = false,
}: {
  title: string;
  policy: ActivePolicy;
  rules: ActivePolicy["rules"];
  automatic?: boolean;
}) {
  if (rules.length === 0) return null;
  return (
    <Card className="overflow-x-auto p-0">
      <h2 className="px-4 pt-4 font-semibold">{title}</h2>
      <table className="mt-2 w-full min-w-[40rem] text-sm">
        <thead className="bg-slate-100 text-xs uppercase dark:bg-slate-800">
          <tr>
            <th className={th}>Severity</th>
            <th className={th}>When</th>
            <th className={th}>Response</th>
            <th className={th}>Scope / action</th>
            {automatic && <th className={th}>Automatic rollback</th>}
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => {
            const sev = r.then.severity;
            const row = policy.severities.find((s) => s.id === sev);
            const when = [
              r.when.trigger
                ?.map(
                  (t) => policy.triggers.find((x) => x.id === t)?.label ?? t,
                )
                .join(" or "),
              r.when.severity ? `assessed ${r.when.severity.join("/")}` : null,
              r.when.usersAffectedPct
                ? `users ${describeBound(r.when.usersAffectedPct, "%")}`
                : null,
              r.when.timeToFixMinutes
                ? `time to fix ${describeBound(r.when.timeToFixMinutes, " min")}`
                : null,
              ...(r.when.metrics ?? []).map(
                (m) =>
                  `${policy.metrics.find((x) => x.id === m.metric)?.label ?? m.metric} ${describeBound(m)}${m.forMinutes ? ` for ${m.forMinutes}+ min` : ""}`,
              ),
            ].filter(Boolean);
            return (
              <tr
                key={r.id}
                className="border-t border-slate-200 dark:border-slate-800"
              >
                <td className={td}>
                  {sev ? <SeverityBadge severity={sev} /> : "as assessed"}
                </td>
                <td className={td}>{when.join(", ")}</td>
                <td className={td}>
                  {(r.then.responseMinutes ?? row?.responseMinutes)
                    ? `< ${r.then.responseMinutes ?? row?.responseMinutes} min`
                    : "—"}
                </td>
                <td className={td}>
                  {[
                    r.then.scope
                      ? policy.scopes.find((s) => s.id === r.then.scope)?.label
                      : null,
                    r.then.action !== "rollback"
                      ? r.then.action.replace("_", " ")
                      : null,
                    r.then.level
                      ? `level ${typeof r.then.level === "number" ? r.then.level : `${r.then.level.min}-${r.then.level.max}`}`
                      : null,
                  ]
                    .filter(Boolean)
                    .join(" · ") || "rollback"}
                </td>
                {automatic && (
                  <td className={td}>
                    {r.then.autoRollback ??
                      policy.severities.find((s) => s.id === sev)
                        ?.autoRollback ??
                      "no"}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </Card>
  );
}
