import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { listServices } from "@/lib/services/queries";
import { openIncidentsByService } from "@/lib/incidents/queries";
import { activeServiceCount } from "@/lib/setup/checklist-queries";
import { DeclareForm } from "@/components/incidents/declare-form";
import { Card } from "@/components/ui/card";
import { NotAllowed } from "@/components/auth/not-allowed";
import { policyState } from "@/lib/decisions/policy-registry";

export const metadata = { title: "Declare incident" };

export default async function NewIncidentPage() {
  const user = await requireUser();
  if (!can(user.role, "incident.declare")) {
    return <NotAllowed title="You cannot declare incidents">Your role may watch incidents but not declare them. Ask an on-call engineer or team lead.</NotAllowed>;
  }
  const [services, serviceCount, open] = await Promise.all([listServices(), activeServiceCount(), openIncidentsByService()]);
  const active = policyState().active;
  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <h1 className="text-2xl font-bold">Declare an incident</h1>
      <Card>
        {services.length === 0 || serviceCount === 0 ? (
          // An incident must name at least one affected service: a form without any cannot be submitted.
          <div role="status" data-testid="declare-no-services">
            <h2 className="font-semibold">No services to declare an incident against</h2>
            <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
              Every incident names the services it affects, and none exist yet.{" "}
              {can(user.role, "service.manage") ? (
                <>
                  <Link href="/services" className="font-semibold text-sky-700 underline dark:text-sky-400">
                    Add a service
                  </Link>{" "}
                  (or point SERVICES_FILE at a catalogue file), then come back here.
                </>
              ) : (
                "Ask an administrator to add your services; then you can declare incidents here."
              )}
            </p>
          </div>
        ) : (
          <DeclareForm services={services} openByService={open} loaded={active ? { policy: active.policy, version: active.version } : null} />
        )}
      </Card>
    </div>
  );
}
