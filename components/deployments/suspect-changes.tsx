import { suspectDeployments, SUSPECT_WINDOW_MINUTES } from "@/lib/deployments/queries";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";

function ago(minutes: number) {
  if (minutes < 1) return "less than a minute";
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  return `${Math.round(minutes / 60)} hours`;
}

/** The incident's suspect changes: its services' deployments in the two hours before detection. */
export async function SuspectChanges({ incidentId, lastKnownGood }: { incidentId: string; lastKnownGood: string }) {
  const suspects = await suspectDeployments(incidentId);
  if (suspects.length === 0) return null;
  return (
    <Card aria-labelledby="suspect-h">
      <h2 id="suspect-h" className="mb-2 font-semibold">Suspect change</h2>
      <ul className="space-y-2 text-sm">
        {suspects.map((d) => (
          <li key={d.id}>
            <span className="font-semibold">{d.serviceName}</span> <span className="font-mono">{d.version}</span> deployed to {d.environment}{" "}
            <strong>{ago(d.minutesBeforeDetection)} before detection</strong>
            <span className="block text-xs text-slate-600 dark:text-slate-400">
              by {d.deployedBy.label}, <RelativeTime iso={d.startedAt.toISOString()} />
              {d.commit ? <> · commit <span className="font-mono">{d.commit.slice(0, 12)}</span></> : null}
              {d.previousVersion ? <> · before it: <span className="font-mono">{d.previousVersion}</span></> : null}
              {d.status === "in_progress" ? " · still in progress" : null}
            </span>
          </li>
        ))}
      </ul>
      {lastKnownGood && (
        <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">
          The rollback form starts from the last known good version, <span className="font-mono">{lastKnownGood}</span>.
        </p>
      )}
      <p className="sr-only">Deployments in the {SUSPECT_WINDOW_MINUTES / 60} hours before detection.</p>
    </Card>
  );
}
