import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { listServices } from "@/lib/services/queries";
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
  const services = await listServices();
  const active = policyState().active;
  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <h1 className="text-2xl font-bold">Declare an incident</h1>
      <Card>
        <DeclareForm services={services} loaded={active ? { policy: active.policy, version: active.version } : null} />
      </Card>
    </div>
  );
}
