import type { DeploymentView } from "@/lib/deployments/schemas";
import { RelativeTime } from "@/components/ui/relative-time";

const VERDICT: Record<DeploymentView["verdict"], { label: string; className: string }> = {
  verified_good: { label: "verified good", className: "bg-green-100 text-green-900 dark:bg-green-950 dark:text-green-200" },
  bad: { label: "bad", className: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200" },
  pending: { label: "verifying", className: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300" },
};

function verdictOf(d: DeploymentView) {
  if (d.status !== "succeeded") return { label: d.status === "failed" ? "deploy failed" : "deploying", className: VERDICT.pending.className };
  if (d.verdict === "pending" && d.evidence?.supersededBy) return { label: "replaced before verified", className: VERDICT.pending.className };
  return VERDICT[d.verdict];
}

function why(d: DeploymentView): string {
  const e = d.evidence;
  if (!e) return "";
  if (d.verdict === "bad") {
    const parts = [...e.incidents.map((i) => `incident ${i.key}`), ...e.alertGroups.map((a) => `alert “${a.title}”`)];
    return parts.join(", ");
  }
  if (d.verdict === "verified_good") return `${e.windowMinutes} min with no incident or firing alert`;
  return "";
}

/** A service's deployments, newest first, with verdicts and why. */
export function DeployHistory({ deployments }: { deployments: DeploymentView[] }) {
  if (deployments.length === 0) return <p className="text-sm text-slate-600 dark:text-slate-400">No deployments recorded yet. Pipelines record them through the API.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[36rem] text-left text-sm">
        <caption className="sr-only">Deploy history, newest first</caption>
        <thead className="bg-slate-100 text-xs uppercase text-slate-600 dark:bg-slate-800 dark:text-slate-300">
          <tr>
            <th scope="col" className="px-3 py-2">Version</th>
            <th scope="col" className="px-3 py-2">Environment</th>
            <th scope="col" className="px-3 py-2">Deployed</th>
            <th scope="col" className="px-3 py-2">Verdict</th>
          </tr>
        </thead>
        <tbody>
          {deployments.map((d) => {
            const v = verdictOf(d);
            return (
              <tr key={d.id} className="border-t border-slate-200 align-top dark:border-slate-800">
                <th scope="row" className="px-3 py-2 font-mono font-semibold">
                  {d.version}
                  {d.isRollback && <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 font-sans text-xs font-semibold text-amber-900 dark:bg-amber-950 dark:text-amber-200">rollback</span>}
                  {d.commit && <span className="block text-xs font-normal text-slate-600 dark:text-slate-400">{d.commit.slice(0, 12)}</span>}
                </th>
                <td className="px-3 py-2">{d.environment}</td>
                <td className="px-3 py-2">
                  <RelativeTime iso={d.startedAt.toISOString()} />
                  <span className="block text-xs text-slate-600 dark:text-slate-400">by {d.deployedBy.label}</span>
                  {d.forcedReason && <span className="block text-xs text-red-800 dark:text-red-300">forced during a rollback: {d.forcedReason}</span>}
                </td>
                <td className="px-3 py-2">
                  <span className={`rounded px-1.5 py-0.5 text-xs font-semibold ${v.className}`}>{v.label}</span>
                  {why(d) && <span className="block text-xs text-slate-600 dark:text-slate-400">{why(d)}</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
