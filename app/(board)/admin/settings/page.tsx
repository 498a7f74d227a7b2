import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { statusPageIsPublic } from "@/lib/status/queries";
import { StatusVisibilityForm } from "@/components/admin/status-visibility-form";
import { Card } from "@/components/ui/card";
import { NotAllowed } from "@/components/auth/not-allowed";
import { AutomationSwitchForm, ServiceAutomationForm } from "@/components/alerts/automation-forms";
import { automationEnabled } from "@/lib/alerts/kill-switch";
import { db } from "@/lib/db/client";

export const metadata = { title: "Settings" };
export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  const me = await requireUser();
  if (!can(me.role, "settings.manage")) {
    return <NotAllowed title="Administrators only">Your role cannot change settings.</NotAllowed>;
  }
  const [isPublic, automation, services] = await Promise.all([
    statusPageIsPublic(),
    automationEnabled(),
    db().service.findMany({ where: { archivedAt: null }, orderBy: { name: "asc" }, select: { id: true, name: true, automationEnabled: true } }),
  ]);
  const servicesOff = services.filter((s) => !s.automationEnabled);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Settings</h1>
      <Card>
        <h2 className="font-semibold">Status page</h2>
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
          Now: <strong data-testid="status-visibility">{isPublic ? "public" : "signed-in users only"}</strong>.{" "}
          <a href="/status" className="underline">Open the status page</a>
        </p>
        <StatusVisibilityForm isPublic={isPublic} />
      </Card>
      <Card id="automation" aria-labelledby="automation-h" className="space-y-3">
        <h2 id="automation-h" className="font-semibold">
          Automation (alerts)
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Now: <strong data-testid="automation-enabled">{automation ? "on" : "off for every service"}</strong>
          {servicesOff.length > 0 && <> · off for {servicesOff.map((s) => s.name).join(", ")}</>}. When the policy says roll back on an alert, automation
          declares the incident and starts or requests the rollback. Off, alerts are still recorded and decided, and on-call is asked instead. Every switch is
          audited.
        </p>
        <AutomationSwitchForm enabled={automation} />
        <h3 className="pt-2 text-sm font-semibold">One service</h3>
        <ServiceAutomationForm services={services} />
      </Card>
    </div>
  );
}
