import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { serviceDeployments } from "@/lib/deployments/queries";
import { DeployHistory } from "@/components/deployments/deploy-history";
import { Card } from "@/components/ui/card";

export const metadata = { title: "Service" };
export const dynamic = "force-dynamic";

export default async function ServicePage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) notFound();
  const service = await db().service.findUnique({
    where: { id },
    select: { id: true, name: true, environments: true, currentVersion: true, lastKnownGoodVersion: true, verificationWindowMinutes: true, ownerTeam: true },
  });
  if (!service) notFound();
  const deployments = can(user.role, "deployment.read") ? await serviceDeployments(service.id) : null;
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link href="/services" className="underline">Services</Link>
      </p>
      <h1 className="text-2xl font-bold">{service.name}</h1>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-600 dark:text-slate-400">Owner</dt>
        <dd>{service.ownerTeam}</dd>
        <dt className="text-slate-600 dark:text-slate-400">Running in production</dt>
        <dd className="font-mono">{service.currentVersion ?? "—"}</dd>
        <dt className="text-slate-600 dark:text-slate-400">Last known good</dt>
        <dd className="font-mono">{service.lastKnownGoodVersion ?? "—"}</dd>
        <dt className="text-slate-600 dark:text-slate-400">Verification window</dt>
        <dd>{service.verificationWindowMinutes} min with no incident or firing alert</dd>
      </dl>
      <Card aria-labelledby="deploys-h">
        <h2 id="deploys-h" className="mb-3 font-semibold">Deploy history</h2>
        {deployments ? <DeployHistory deployments={deployments} /> : <p className="text-sm">Your role may not read deployments.</p>}
      </Card>
    </div>
  );
}
