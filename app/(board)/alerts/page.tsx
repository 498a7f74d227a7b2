import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { automationState, listAlertGroups } from "@/lib/alerts/queries";
import { AlertGroupCard } from "@/components/alerts/alert-group-card";
import { LiveAlerts } from "@/components/alerts/live-alerts";
import { NotAllowed } from "@/components/auth/not-allowed";
import { Card } from "@/components/ui/card";

export const metadata = { title: "Alerts" };
export const dynamic = "force-dynamic";

export default async function AlertsPage() {
  const me = await requireUser();
  if (!can(me.role, "alerts.read")) {
    return <NotAllowed title="Not available to your role">Alerts carry internal labels and automation decisions; ask an administrator.</NotAllowed>;
  }
  const [groups, automation] = await Promise.all([listAlertGroups(), automationState()]);
  const unroutable = groups.filter((g) => g.unroutable);
  const routed = groups.filter((g) => !g.unroutable);
  return (
    <div className="space-y-6">
      <LiveAlerts />
      <div className="space-y-1">
        <h1 className="text-2xl font-bold">Alerts</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Alert groups from your integrations, newest first, with what automation decided for each. Updates live.
        </p>
      </div>
      <Card className="text-sm" aria-label="Automation">
        <p data-testid="automation-state">
          Automation is <strong>{automation.enabled ? "on" : "off for every service"}</strong>
          {automation.servicesOff.length > 0 && <> · off for {automation.servicesOff.map((s) => s.name).join(", ")}</>}.{" "}
          {can(me.role, "settings.manage") && (
            <Link href="/admin/settings#automation" className="font-medium text-sky-800 underline dark:text-sky-300">
              Change
            </Link>
          )}
        </p>
        {can(me.role, "integrations.manage") && (
          <p className="mt-1">
            Alert sources are set up under{" "}
            <Link href="/admin/integrations" className="font-medium text-sky-800 underline dark:text-sky-300">
              Integrations
            </Link>
            .
          </p>
        )}
      </Card>

      {unroutable.length > 0 && (
        <section aria-labelledby="unroutable-h" className="space-y-2">
          <h2 id="unroutable-h" className="text-lg font-semibold">
            Unroutable ({unroutable.length})
          </h2>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            These name no known service. They are kept, and on-call was asked; add the service or map the label in the integration.
          </p>
          <ul className="space-y-3" aria-label="Unroutable alert groups">
            {unroutable.map((g) => (
              <AlertGroupCard key={g.id} g={g} />
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="groups-h" className="space-y-2">
        <h2 id="groups-h" className="text-lg font-semibold">
          Alert groups
        </h2>
        {routed.length === 0 ? (
          <Card>
            <p className="font-semibold">No alerts yet.</p>
            <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">
              Point Alertmanager, Grafana, PagerDuty or any tool at an integration&apos;s URL and its alerts appear here; the README&apos;s “Alerts” section shows how.
            </p>
          </Card>
        ) : (
          <ul className="space-y-3" aria-label="Alert groups">
            {routed.map((g) => (
              <AlertGroupCard key={g.id} g={g} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
