import type { Db } from "../db/client.ts";
import { createIncident } from "../incidents/create-incident.ts";
import { changeStatus } from "../incidents/change-status.ts";
import type { DEMO_INCIDENTS } from "./demo-data.ts";

export async function createDemoIncidents(db: Db, incidents: typeof DEMO_INCIDENTS, now: Date) {
  const commander = await db.user.findUnique({
    where: { email: "oncall@rollcall.demo" },
    select: { id: true, email: true, name: true, role: true },
  });
  if (!commander) return;
  const ctx = { actor: { type: "user" as const, ...commander } };
  const services = await db.service.findMany({ select: { id: true, name: true } });
  for (const d of incidents) {
    const inc = await createIncident({
      ctx,
      input: {
        title: d.title,
        summary: d.summary,
        trigger: d.trigger,
        triggerId: d.triggerId,
        severity: d.severity,
        serviceIds: services.filter((s) => (d.services as readonly string[]).includes(s.name)).map((s) => s.id),
        detectedAt: new Date(now.getTime() - d.minutesAgo * 60_000),
      },
    });
    if (d.status !== "detected") {
      await changeStatus({ ctx, input: { key: inc.key, status: d.status, version: 0, note: "" } });
    }
  }
}
