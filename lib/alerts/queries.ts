import { db, type Db } from "../db/client.ts";
import { readMapping } from "./mapping.ts";
import { automationEnabled } from "./kill-switch.ts";

/** Integrations for /admin/integrations: never the token or the secret, only a hint and a flag. */
export async function listIntegrations(client: Db = db()) {
  const rows = await client.alertIntegration.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true, name: true, slug: true, kind: true, tokenHint: true, secretEncrypted: true, mapping: true, shadow: true, enabled: true, prometheusUrl: true, lastReceivedAt: true, createdAt: true,
      _count: { select: { groups: true } },
    },
  });
  return rows.map(({ secretEncrypted, mapping, _count, ...r }) => ({ ...r, hasSecret: secretEncrypted !== null, mapping: readMapping(mapping), groups: _count.groups }));
}
export type IntegrationRow = Awaited<ReturnType<typeof listIntegrations>>[number];

/** Alert groups for /alerts, newest activity first, each with its latest decision. */
export async function listAlertGroups(client: Db = db(), take = 100) {
  const rows = await client.alertGroup.findMany({
    orderBy: [{ lastReceivedAt: "desc" }, { id: "desc" }],
    take,
    select: {
      id: true, title: true, status: true, groupKey: true, serviceKey: true, episode: true, reopenCount: true, integrationName: true,
      firstFiredAt: true, lastFiredAt: true, lastReceivedAt: true, resolvedAt: true,
      service: { select: { name: true, automationEnabled: true } },
      incident: { select: { key: true, title: true, status: true } },
      alerts: { orderBy: { startsAt: "asc" }, take: 20, select: { fingerprint: true, status: true, labels: true, annotations: true, startsAt: true, generatorURL: true } },
      decisions: { orderBy: { createdAt: "desc" }, take: 1, select: { outcome: true, reason: true, shadow: true, readings: true, actions: true, createdAt: true } },
      _count: { select: { alerts: true } },
    },
  });
  return rows.map(({ decisions, _count, alerts, ...g }) => ({
    ...g,
    unroutable: g.service === null,
    alertCount: _count.alerts,
    firing: alerts.filter((a) => a.status === "firing").length,
    alerts: alerts.map((a) => ({ ...a, labels: a.labels as Record<string, string>, annotations: a.annotations as Record<string, string> })),
    decision: decisions[0] ?? null,
  }));
}
export type AlertGroupRow = Awaited<ReturnType<typeof listAlertGroups>>[number];

/** The kill switches' state: global, and the services switched off. */
export async function automationState(client: Db = db()) {
  const [enabled, off] = await Promise.all([automationEnabled(client), client.service.findMany({ where: { automationEnabled: false, archivedAt: null }, orderBy: { name: "asc" }, select: { id: true, name: true } })]);
  return { enabled, servicesOff: off };
}
