import { db, type Tx } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import type { AlertStatus, AutomaticOutcome, Severity } from "../db/generated/enums.ts";
import { actorLabel, type Ctx } from "../auth/actor.ts";
import { toJsonSafe } from "../audit/hash.ts";
import { ALERT_GROUP_LOCK, ALERT_SERVICE_LOCK } from "../db/locks.ts";
import { activePolicy } from "../decisions/policy-registry.ts";
import type { LoadedPolicy } from "../policy/evaluate.ts";
import { recordIncidentChange } from "../incidents/record.ts";
import { publish } from "../realtime/publish.ts";
import { rooms } from "../realtime/events.ts";
import { approvalEvent } from "../approvals/request-rollback.ts";
import { runAfterCommit, type AfterCommit } from "../runs/lifecycle.ts";
import { findRunbook } from "../runs/runbook-registry.ts";
import { preferredRunbook } from "../services/rollback-runbooks.ts";
import type { IntegrationKind, NormalizedAlert, NormalizedGroup } from "./payloads.ts";
import { readMapping, readingsOf, serviceKeyOf, serviceSlug, type AlertMapping } from "./mapping.ts";
import { decideGroup, type GroupDecision, type Outcome } from "./decide.ts";
import { askOnCall, automationActor, declareFromAlert, requestAutomaticRollback } from "./automation.ts";
import { automationEnabled } from "./kill-switch.ts";

// Alerts in: one transaction per (source group, service), serialised by an advisory lock on the
// group and then on the service, so replays and concurrent identical posts change nothing twice,
// and a service gets one incident and one automatic rollback however many alerts arrive at once.

export type IngestIntegration = { id: string; name: string; kind: IntegrationKind; mapping: unknown; shadow: boolean };

export type GroupResult = {
  id: string | null;
  serviceKey: string;
  status: AlertStatus | "ignored";
  outcome: Outcome | null;
  incidentKey: string | null;
  /** Nothing new: a replay of what was already recorded. */
  replay: boolean;
};

type Published = () => void;

const groupSelect = {
  id: true, status: true, episode: true, serviceId: true, incidentId: true, firstFiredAt: true, lastFiredAt: true, resolvedAt: true, reopenCount: true, title: true,
} as const satisfies Prisma.AlertGroupSelect;

const OPEN_INCIDENT = { notIn: ["resolved", "closed"] } as Prisma.EnumIncidentStatusFilter;

function titleOf(alerts: NormalizedAlert[], common: Record<string, string>, groupKey: string): string {
  const a = alerts.find((x) => x.status === "firing") ?? alerts[0];
  return (a?.labels.alertname ?? common.alertname ?? a?.annotations.summary ?? groupKey).slice(0, 200);
}

// JSONB keeps keys in its own order: compare as data, not as text.
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

function sameJson(a: unknown, b: unknown) {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

async function findService(tx: Tx, serviceKey: string, mapping: AlertMapping) {
  if (!serviceKey) return null;
  const alias = mapping.serviceAliases[serviceKey];
  const wanted = serviceSlug(alias ?? serviceKey);
  const all = await tx.service.findMany({ where: { archivedAt: null }, select: { id: true, name: true } });
  return all.find((s) => serviceSlug(s.name) === wanted) ?? null;
}

async function liveRollbackOf(tx: Tx, incidentId: string): Promise<string | null> {
  const open = await tx.rollbackRequest.findFirst({
    where: { incidentId, mode: "live", status: { in: ["pending", "approved", "overridden"] }, OR: [{ run: null }, { run: { status: { in: ["running", "paused"] } } }] },
    select: { status: true, run: { select: { status: true } } },
  });
  if (!open) return null;
  return open.status === "pending" ? "waiting for approval" : open.run ? open.run.status : "approved and not started";
}

/** Records a post's alerts, split by service, and decides what automation does for each group. */
export async function ingestAlerts(integration: IngestIntegration, group: NormalizedGroup, now: Date = new Date()): Promise<GroupResult[]> {
  const loaded = activePolicy();
  const mapping = readMapping(integration.mapping);
  const byService = new Map<string, NormalizedAlert[]>();
  for (const a of group.alerts) {
    let k = serviceKeyOf(a, group.commonLabels, mapping);
    if (!k) {
      // A PagerDuty acknowledge or resolve names only its dedup_key: it belongs where the trigger went.
      const seen = await db().alert.findFirst({ where: { fingerprint: a.fingerprint, group: { integrationId: integration.id, groupKey: group.groupKey } }, orderBy: { lastSeenAt: "desc" }, select: { group: { select: { serviceKey: true } } } });
      k = seen?.group.serviceKey ?? "";
    }
    byService.set(k, [...(byService.get(k) ?? []), a]);
  }
  const results: GroupResult[] = [];
  // Sorted, so two posts naming the same services take the locks in the same order.
  for (const serviceKey of [...byService.keys()].sort()) {
    const { result, after, published } = await ingestGroup(integration, loaded, mapping, group, serviceKey, byService.get(serviceKey)!, now);
    runAfterCommit(after);
    for (const p of published) p();
    results.push(result);
  }
  await db().alertIntegration.update({ where: { id: integration.id }, data: { lastReceivedAt: now } }).catch(() => undefined);
  return results;
}

async function ingestGroup(
  integration: IngestIntegration,
  loaded: LoadedPolicy,
  mapping: AlertMapping,
  source: NormalizedGroup,
  serviceKey: string,
  alerts: NormalizedAlert[],
  now: Date,
): Promise<{ result: GroupResult; after: AfterCommit[]; published: Published[] }> {
  const webhook: Ctx = { actor: { type: "webhook", id: integration.id, label: integration.name } };
  const cfg = loaded.policy.alerts;
  return db().$transaction(async (tx) => {
    const after: AfterCommit[] = [];
    const published: Published[] = [];
    await tx.$executeRaw`select pg_advisory_xact_lock(${ALERT_GROUP_LOCK}::int, hashtext(${`${integration.id}\n${source.groupKey}\n${serviceKey}`}))`;
    const anyFiring = alerts.some((a) => a.status === "firing");
    let g = await tx.alertGroup.findFirst({ where: { integrationId: integration.id, groupKey: source.groupKey, serviceKey }, orderBy: { episode: "desc" }, select: groupSelect });

    if (!g && alerts.every((a) => a.acknowledged || (a.status === "resolved" && Object.keys(a.labels).length === 0))) {
      // A PagerDuty acknowledge or resolve for a dedup_key never seen: there is nothing to record it on.
      return { result: { id: null, serviceKey, status: "ignored" as const, outcome: null, incidentKey: null, replay: true }, after, published };
    }
    const service = await findService(tx, serviceKey, mapping);
    const title = titleOf(alerts, source.commonLabels, source.groupKey);
    let event: "new" | "reopened" | "episode" | null = null;
    const earliest = alerts.reduce<Date | null>((m, a) => (a.startsAt && (!m || a.startsAt < m) ? a.startsAt : m), null) ?? now;
    const createGroup = (episode: number) =>
      tx.alertGroup.create({
        data: {
          integrationId: integration.id, integrationName: integration.name, groupKey: source.groupKey, serviceKey, episode,
          serviceId: service?.id ?? null, status: anyFiring ? "firing" : "resolved", title,
          commonLabels: source.commonLabels, raw: toJsonSafe(source.envelope) as Prisma.InputJsonValue,
          firstFiredAt: earliest, lastFiredAt: now, lastReceivedAt: now, resolvedAt: anyFiring ? null : now,
        },
        select: groupSelect,
      });
    if (!g) {
      g = await createGroup(1);
      event = "new";
    } else if (g.status === "resolved" && anyFiring) {
      const flapping = g.resolvedAt !== null && now.getTime() - g.resolvedAt.getTime() <= cfg.flapWindowMinutes * 60_000;
      if (flapping) {
        g = await tx.alertGroup.update({ where: { id: g.id }, data: { status: "firing", resolvedAt: null, lastFiredAt: now, reopenCount: { increment: 1 } }, select: groupSelect });
        event = "reopened";
      } else {
        g = await createGroup(g.episode + 1);
        event = "episode";
      }
    }
    const groupId = g.id;

    // The alerts, as last received; a replay only refreshes when they were last seen.
    const existing = await tx.alert.findMany({
      where: { groupId, fingerprint: { in: alerts.map((a) => a.fingerprint) } },
      select: { id: true, fingerprint: true, status: true, startsAt: true, labels: true, annotations: true, values: true, resolvedAt: true },
    });
    let changed = event !== null;
    const unchanged: string[] = [];
    for (const a of alerts) {
      const ex = existing.find((e) => e.fingerprint === a.fingerprint);
      if (!ex) {
        if (a.acknowledged) continue;
        await tx.alert.create({
          data: {
            groupId, fingerprint: a.fingerprint, status: a.status, labels: a.labels, annotations: a.annotations, values: a.values,
            startsAt: a.startsAt ?? now, endsAt: a.endsAt, generatorURL: a.generatorURL, raw: toJsonSafe(a.raw) as Prisma.InputJsonValue,
            firstSeenAt: now, lastSeenAt: now, resolvedAt: a.status === "resolved" ? now : null,
          },
        });
        changed = true;
        continue;
      }
      if (a.acknowledged) {
        unchanged.push(ex.id);
        continue;
      }
      const startsAt = a.startsAt ?? (ex.status === "firing" && a.status === "firing" ? ex.startsAt : now);
      const differs = ex.status !== a.status || startsAt.getTime() !== ex.startsAt.getTime() || !sameJson(ex.labels, a.labels) || !sameJson(ex.annotations, a.annotations) || !sameJson(ex.values, a.values);
      if (!differs) {
        unchanged.push(ex.id);
        continue;
      }
      changed = true;
      await tx.alert.update({
        where: { id: ex.id },
        data: {
          status: a.status, labels: a.labels, annotations: a.annotations, values: a.values, startsAt, endsAt: a.endsAt, generatorURL: a.generatorURL,
          raw: toJsonSafe(a.raw) as Prisma.InputJsonValue, lastSeenAt: now, resolvedAt: a.status === "resolved" ? (ex.resolvedAt ?? now) : null,
        },
      });
    }
    if (unchanged.length) await tx.alert.updateMany({ where: { id: { in: unchanged } }, data: { lastSeenAt: now } });

    const firingCount = await tx.alert.count({ where: { groupId, status: "firing" } });
    const status: AlertStatus = firingCount > 0 ? "firing" : "resolved";
    const justResolved = g.status === "firing" && status === "resolved";
    g = await tx.alertGroup.update({
      where: { id: groupId },
      data: {
        status, resolvedAt: justResolved ? now : status === "resolved" ? (g.resolvedAt ?? now) : null, lastReceivedAt: now, title,
        serviceId: service?.id ?? g.serviceId, commonLabels: source.commonLabels, raw: toJsonSafe(source.envelope) as Prisma.InputJsonValue,
        ...(g.status === "resolved" && status === "firing" && event === null ? { lastFiredAt: now } : {}),
      },
      select: groupSelect,
    });

    let incident: { id: string; key: string; title: string; severity: Severity; detectedAt: Date; commanderId: string | null } | null = null;
    const incidentSelect = { id: true, key: true, title: true, severity: true, detectedAt: true, commanderId: true, status: true } as const;
    if (g.incidentId) {
      const inc = await tx.incident.findUnique({ where: { id: g.incidentId }, select: incidentSelect });
      if (inc && inc.status !== "resolved" && inc.status !== "closed") incident = inc;
    }

    let outcome: AutomaticOutcome | null = null;
    if (status === "firing" && g.serviceId) {
      await tx.$executeRaw`select pg_advisory_xact_lock(${ALERT_SERVICE_LOCK}::int, hashtext(${g.serviceId}))`;
      if (!incident) {
        // A firing alert for a service with an open incident joins it instead of opening a second one.
        const open = await tx.incident.findFirst({ where: { status: OPEN_INCIDENT, services: { some: { serviceId: g.serviceId } } }, orderBy: { detectedAt: "desc" }, select: incidentSelect });
        if (open) {
          incident = open;
          await attach(tx, webhook, g.id, open, { title: g.title, integration: integration.name, reopened: event === "reopened", alerts: firingCount });
          published.push(() => publish([rooms.board, rooms.incident(open.key)], "incident:changed", { key: open.key, kind: "details", title: open.title, severity: open.severity, status: open.status, by: integration.name, at: now.toISOString() }));
        }
      } else if (event === "reopened") {
        await recordIncidentChange(tx, webhook, {
          incidentId: incident.id, incidentKey: incident.key, kind: "alert_attached",
          payload: { groupId: g.id, title: g.title, integration: integration.name, reopened: true, reopenCount: g.reopenCount, alerts: firingCount },
          action: "alert.reopen", after: { groupId: g.id, reopenCount: g.reopenCount },
        });
      }
    }

    if (status === "firing") {
      const decided = await maybeDecide(tx, { integration, loaded, mapping, groupId, g, serviceKey, service: service ?? null, incident, changed, now, after, published });
      outcome = decided.outcome;
      if (decided.incident) incident = decided.incident;
    }

    if (justResolved && incident) {
      const stillFiring = await tx.alertGroup.count({ where: { incidentId: incident.id, status: "firing" } });
      if (stillFiring === 0) {
        // Told, not resolved: whether the incident is over is the commander's call.
        await recordIncidentChange(tx, webhook, {
          incidentId: incident.id, incidentKey: incident.key, kind: "alerts_resolved",
          payload: { groupId: g.id, title: g.title, integration: integration.name, note: "Every alert of this incident has resolved. The incident stays open until its commander resolves it." },
          action: "alert.all_resolved", after: { groupId: g.id },
        });
        const inc = incident;
        published.push(() => {
          const e = { incidentKey: inc.key, title: inc.title, at: now.toISOString() };
          publish([rooms.incident(inc.key), ...(inc.commanderId ? [rooms.user(inc.commanderId)] : [])], "alerts:resolved", e);
        });
      }
    }

    const incidentKey = incident?.key ?? null;
    published.push(() => publish([rooms.board], "alert:changed", { groupId, status, outcome, incidentKey, at: now.toISOString() }));
    return { result: { id: groupId, serviceKey, status, outcome, incidentKey, replay: !changed }, after, published };
  });
}

async function attach(tx: Tx, ctx: Ctx, groupId: string, inc: { id: string; key: string }, payload: Record<string, unknown>) {
  await tx.alertGroup.update({ where: { id: groupId }, data: { incidentId: inc.id } });
  await recordIncidentChange(tx, ctx, {
    incidentId: inc.id, incidentKey: inc.key, kind: "alert_attached",
    payload: { groupId, ...payload }, action: "alert.attach", after: { groupId },
  });
}

type DecideArgs = {
  integration: IngestIntegration;
  loaded: LoadedPolicy;
  mapping: AlertMapping;
  groupId: string;
  g: { id: string; title: string; firstFiredAt: Date; lastFiredAt: Date; reopenCount: number; serviceId: string | null };
  serviceKey: string;
  service: { id: string; name: string } | null;
  incident: { id: string; key: string; title: string; severity: Severity; detectedAt: Date; commanderId: string | null } | null;
  changed: boolean;
  now: Date;
  after: AfterCommit[];
  published: Published[];
};

type StoredReadings = GroupDecision["facts"] & { at: string; retry: boolean };

/**
 * Decides when something changed (or the last decision was waiting only for time): never twice for
 * one firing of a group once it acted, so a replay cannot roll back twice.
 */
export async function maybeDecide(tx: Tx, a: DecideArgs): Promise<{ outcome: AutomaticOutcome | null; incident: DecideArgs["incident"] }> {
  const cfg = a.loaded.policy.alerts;
  const shadow = cfg.shadow || a.integration.shadow;
  const acted = await tx.automaticDecision.findFirst({ where: { groupId: a.groupId, outcome: "act", shadow, createdAt: { gte: a.g.lastFiredAt } }, select: { id: true } });
  if (acted) return { outcome: null, incident: a.incident };
  const last = await tx.automaticDecision.findFirst({ where: { groupId: a.groupId }, orderBy: { createdAt: "desc" }, select: { readings: true, outcome: true } });
  const lastRetry = (last?.readings as StoredReadings | null)?.retry === true;
  if (last && !a.changed && !lastRetry) return { outcome: null, incident: a.incident };

  const firing = await tx.alert.findMany({ where: { groupId: a.groupId, status: "firing" }, select: { fingerprint: true, labels: true, annotations: true, values: true, startsAt: true, lastSeenAt: true, endsAt: true } });
  const readings = readingsOf(
    firing.map((f) => ({ ...f, labels: f.labels as Record<string, string>, annotations: f.annotations as Record<string, string>, values: f.values as Record<string, number> })),
    a.mapping,
    a.loaded.policy,
  );
  const svc = a.g.serviceId
    ? await tx.service.findUnique({ where: { id: a.g.serviceId }, select: { id: true, name: true, automationEnabled: true, currentVersion: true, lastKnownGoodVersion: true, runbooks: true } })
    : null;
  const runbookName = svc ? preferredRunbook(svc.runbooks) : null;
  const runbook = runbookName ? await findRunbook(runbookName) : null;
  const windowStart = new Date(a.now.getTime() - cfg.circuitBreaker.windowMinutes * 60_000);
  const recent = svc ? await tx.automaticDecision.count({ where: { serviceId: svc.id, outcome: "act", shadow, createdAt: { gte: windowStart } } }) : 0;
  const d = decideGroup(
    a.loaded,
    {
      serviceKey: a.serviceKey,
      serviceLabel: a.mapping.serviceLabel,
      service: svc ? { name: svc.name, automationEnabled: svc.automationEnabled, currentVersion: svc.currentVersion, lastKnownGoodVersion: svc.lastKnownGoodVersion, runbook: runbook ? runbook.runbook.name : null } : null,
      readings,
      automationEnabled: await automationEnabled(tx),
      integrationShadow: a.integration.shadow,
      recentAutomaticRollbacks: recent,
      openIncident: a.incident ? { key: a.incident.key, liveRollback: await liveRollbackOf(tx, a.incident.id) } : null,
    },
    a.now,
  );
  if (last && !a.changed && lastRetry && d.retry && last.outcome === "hold") {
    // Still waiting for the same rule: the sweeper asks again later; no new row for every tick.
    const prev = last.readings as StoredReadings;
    if (sameJson(Object.keys(prev.metrics).sort(), Object.keys(d.facts.metrics).sort())) return { outcome: null, incident: a.incident };
  }

  const auto: Ctx = { actor: automationActor(a.groupId) };
  let outcome: AutomaticOutcome = d.outcome;
  let reason = d.reason;
  let incident = a.incident;
  let rollbackRequestId: string | null = null;
  const actions: Record<string, unknown>[] = [];
  const summaryLines = () => [
    `Declared by Rollcall from alert “${a.g.title}” (${a.integration.name}).`,
    ...Object.entries(d.facts.metrics).map(([id, r]) => `${id} = ${r.value} for ${r.forMinutes} min`),
    d.facts.trigger ? `Trigger: ${d.facts.trigger}` : "",
    d.reason,
  ].filter(Boolean);

  if (d.shadow) {
    if (d.plan.declare) actions.push({ kind: incident ? "use_incident" : "declare", would: true, incidentKey: incident?.key ?? null });
    if (d.plan.rollback) actions.push({ kind: "rollback", would: true, how: d.plan.rollback, runbook: svc ? preferredRunbook(svc.runbooks) : null, target: svc?.lastKnownGoodVersion ?? null, from: svc?.currentVersion ?? null });
    if (d.plan.ask) actions.push({ kind: "ask", would: true });
  } else {
    if (d.plan.declare && svc && d.decision) {
      if (!incident) {
        const created = await declareFromAlert(tx, auto, {
          loaded: a.loaded, decision: d.decision, summary: { title: a.g.title, serviceName: svc.name, lines: summaryLines() }, service: svc, trigger: d.facts.trigger,
          detectedAt: clampDetected(a.g.firstFiredAt, a.now), now: a.now,
        });
        await tx.alertGroup.update({ where: { id: a.groupId }, data: { incidentId: created.id } });
        incident = { id: created.id, key: created.key, title: created.title, severity: created.severity, detectedAt: clampDetected(a.g.firstFiredAt, a.now), commanderId: null };
        const inc = await tx.incident.findUnique({ where: { id: created.id }, select: { commanderId: true } });
        incident.commanderId = inc?.commanderId ?? null;
        actions.push({ kind: "declare", incidentKey: created.key, severity: created.severity, commander: created.commander });
        a.published.push(() => publish([rooms.board, rooms.incident(created.key)], "incident:changed", { key: created.key, kind: "created", title: created.title, severity: created.severity, status: created.status, by: actorLabel(auto.actor), at: a.now.toISOString() }));
      } else {
        actions.push({ kind: "use_incident", incidentKey: incident.key });
      }
    }
    if (d.plan.rollback && incident && svc && runbook && d.decision) {
      const r = await requestAutomaticRollback(tx, auto, {
        loaded: a.loaded, decision: d.decision, incident, service: { ...svc, lastKnownGoodVersion: svc.lastKnownGoodVersion! }, runbook, how: d.plan.rollback,
        groupId: a.groupId, reopen: a.g.reopenCount, reason: d.reason, now: a.now,
      });
      if ("error" in r) {
        outcome = "hold";
        reason = `${d.reason} Could not request it: ${r.error} A person decides.`;
        actions.push({ kind: "rollback_refused", error: r.error });
        actions.push({ kind: "ask", ...(await askOnCall(tx, { incident, subject: `Automatic rollback of ${svc.name} could not be requested`, body: reason, now: a.now })) });
      } else {
        rollbackRequestId = r.requestId;
        actions.push({ kind: "rollback", how: d.plan.rollback, requestId: r.requestId, status: r.status, runId: r.runId, target: svc.lastKnownGoodVersion, from: svc.currentVersion, runbook: runbook.runbook.name });
        a.after.push(...r.after);
        const inc = incident;
        a.published.push(() =>
          approvalEvent({ requestId: r.requestId, incidentKey: inc.key, incidentTitle: inc.title, severity: inc.severity, kind: r.status === "approved" ? "approved" : "requested", status: r.status, by: actorLabel(auto.actor) }, r.approverRoles),
        );
      }
    }
    if (d.plan.ask) {
      const subject = d.outcome === "inconclusive" ? `Alert needs a person: ${a.g.title}` : `Automation did not roll back: ${a.g.title}`;
      actions.push({ kind: "ask", ...(await askOnCall(tx, { incident, subject, body: `${svc ? `${svc.name}: ` : ""}${d.reason}`, now: a.now })) });
    }
  }

  const stored: StoredReadings = { ...d.facts, at: a.now.toISOString(), retry: d.retry };
  await tx.automaticDecision.create({
    data: {
      groupId: a.groupId, serviceId: svc?.id ?? null, incidentId: incident?.id ?? null, outcome, shadow: d.shadow, reason,
      readings: stored as unknown as Prisma.InputJsonValue, policyVersion: a.loaded.version, policyAction: d.decision?.action ?? null,
      severity: d.decision?.severity ?? null, autoRollback: d.decision?.autoRollback ?? null, actions: actions as Prisma.InputJsonValue,
      rollbackRequestId, createdAt: a.now,
    },
  });
  if (incident) {
    await recordIncidentChange(tx, auto, {
      incidentId: incident.id, incidentKey: incident.key, kind: "automation_decision",
      payload: { groupId: a.groupId, title: a.g.title, outcome, shadow: d.shadow, reason, readings: stored, policyVersion: a.loaded.version, actions },
      action: "alert.decision", after: { groupId: a.groupId, outcome, shadow: d.shadow, rollbackRequestId },
    });
  }
  return { outcome, incident };
}

function clampDetected(firstFiredAt: Date, now: Date): Date {
  const earliest = now.getTime() - 29 * 86_400_000;
  return new Date(Math.min(now.getTime(), Math.max(earliest, firstFiredAt.getTime())));
}

