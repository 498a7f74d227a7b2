import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { listServices } from "@/lib/services/queries";
import { ServiceForm } from "@/components/services/service-form";
import { Card } from "@/components/ui/card";

export const metadata = { title: "Services" };
export const dynamic = "force-dynamic";

function minutes(m: number) {
  return m >= 60 && m % 60 === 0 ? `${m / 60} h` : `${m} min`;
}

export default async function ServicesPage() {
  const user = await requireUser();
  const services = await listServices();
  const editable = can(user.role, "service.manage");
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Services</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">Recovery objectives: how long each service may be down (RTO) and how much data it may lose (RPO).</p>
      <Card className="overflow-x-auto p-0">
        <table className="w-full min-w-[36rem] text-left text-sm">
          <thead className="bg-slate-100 text-xs uppercase text-slate-600 dark:bg-slate-800 dark:text-slate-300">
            <tr>
              <th scope="col" className="px-3 py-2">Service</th>
              <th scope="col" className="px-3 py-2">RTO</th>
              <th scope="col" className="px-3 py-2">RPO</th>
              <th scope="col" className="px-3 py-2">Tier</th>
              <th scope="col" className="px-3 py-2">Owner</th>
              <th scope="col" className="px-3 py-2">Current / last good</th>
            </tr>
          </thead>
          <tbody>
            {services.map((s) => (
              <tr key={s.id} className="border-t border-slate-200 dark:border-slate-800">
                <th scope="row" className="px-3 py-2 font-semibold">{s.name}</th>
                <td className="px-3 py-2">{minutes(s.rtoMinutes)}</td>
                <td className="px-3 py-2">{minutes(s.rpoMinutes)}</td>
                <td className="px-3 py-2">{s.tier}</td>
                <td className="px-3 py-2">{s.ownerTeam}</td>
                <td className="px-3 py-2 font-mono text-xs">{s.currentVersion ?? "—"} / {s.lastKnownGoodVersion ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      {editable && (
        <section aria-labelledby="edit-services" className="space-y-3">
          <h2 id="edit-services" className="text-lg font-semibold">Edit services</h2>
          {services.map((s) => (
            <Card key={s.id}>
              <h3 className="mb-2 font-semibold">{s.name}</h3>
              <ServiceForm service={s} />
            </Card>
          ))}
        </section>
      )}
    </div>
  );
}
