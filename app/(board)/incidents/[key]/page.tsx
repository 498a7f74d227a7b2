import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { getIncident, updateDue } from "@/lib/incidents/queries";
import { Countdown } from "@/components/ui/countdown";
import { ImpactForm, NoteForm, StatusForm } from "@/components/incidents/incident-forms";
import { Timeline } from "@/components/incidents/timeline";
import { WatchIncident } from "@/components/realtime/live-provider";
import { RelativeTime } from "@/components/ui/relative-time";
import { Card } from "@/components/ui/card";
import { randomUUID } from "node:crypto";
import { DecisionPanel } from "@/components/approvals/decision-panel";
import { RequestRollbackForm } from "@/components/approvals/request-form";
import { RequestCard } from "@/components/approvals/request-card";
import { toCard } from "@/components/approvals/to-card";
import { breakGlassOffer, canDecide, requestsForIncident } from "@/lib/approvals/queries";
import { policyState, scopeLabels } from "@/lib/decisions/policy-registry";
import type { DecisionJson } from "@/lib/decisions/decide";
import { pastDurationMinutes, runsForIncident } from "@/lib/runs/queries";
import { environmentsForRequest, runbooks as loadRunbooks } from "@/lib/runs/runbook-registry";
import { preferredRunbook, readServiceRunbooks } from "@/lib/services/rollback-runbooks";
import { isOpen } from "@/lib/approvals/rollback-state";
import type { RollbackRunbook } from "@/components/approvals/request-form";
import { RunPanel } from "@/components/runs/run-panel";
import { CommandHeader, NEEDS_NOW, type LiveRunSummary } from "@/components/incidents/command-header";
import { nextAction } from "@/lib/incidents/next-action";
import { approverWords, plainSummary } from "@/lib/incidents/plain-summary";
import { QuickRollbackForm, type QuickRollback } from "@/components/approvals/quick-rollback";
import { StartRunForm } from "@/components/runs/start-run-form";
import { toPanel } from "@/components/runs/to-panel";
import { PublicUpdateForm, ServiceStateForm } from "@/components/status/public-status-forms";
import { Composer } from "@/components/comms/composer";
import { composerData } from "@/lib/comms/composer-data";
import { incidentDrafts } from "@/lib/comms/drafts";
import { DraftsPanel } from "@/components/comms/drafts-panel";
import { MetricCharts } from "@/components/charts/metric-chart";
import { SuspectChanges } from "@/components/deployments/suspect-changes";
import { metricChartsForIncident } from "@/lib/metric-charts/queries";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ key: string }> }) {
  return { title: (await params).key };
}

export default async function IncidentPage({ params }: { params: Promise<{ key: string }> }) {
  const user = await requireUser();
  const { key } = await params;
  const incident = await getIncident(decodeURIComponent(key));
  if (!incident) notFound();
  const requests = await requestsForIncident(incident.key);
  const policy = policyState().active;
  const decision = incident.decision as DecisionJson | null;
  const role = user.role;
  // Stakeholders read what is happening; runbook internals, executors, exit codes, errors and
  // policy hashes are for the people who read run logs.
  const technical = can(role, "run.log.read");
  const runs = await runsForIncident(incident.key, can(role, "run.log.read"));
  const rbs = can(role, "run.start") || can(role, "rollback.request") ? (await loadRunbooks()).runbooks : [];
  const cards = requests.map((r) => toCard(r, scopeLabels()));
  const openLive = cards.find((c) => c.mode === "live" && isOpen(c.state));
  const rto = Math.min(...incident.services.map((s) => s.service.rtoMinutes));
  const pasts = new Map(await Promise.all([...new Set(runs.map((r) => r.runbookName))].map(async (n) => [n, await pastDurationMinutes(n)] as const)));
  const now = new Date().toISOString();
  const nowMs = new Date(now).getTime();
  const comms = can(role, "comms.send") ? await composerData(incident.key) : null;
  const drafts = comms ? await incidentDrafts(incident.key) : [];
  // The metrics behind automatic decisions, against the policy's bands (Prometheus when the integration names one).
  const metricCharts = policy ? await metricChartsForIncident(incident.id, policy.policy, new Date()) : [];
  const updateDueAt = ["resolved", "closed"].includes(incident.status) ? null : updateDue(incident);
  // One open live rollback at a time; a drill may be requested beside it.
  const mayRequest = can(role, "rollback.request") && !["resolved", "closed"].includes(incident.status) && (decision?.initiators.includes(role) ?? true);
  // The run happening now (a live rollback first, else a drill) and what the incident waits for.
  const unfinished = runs.filter((r) => (r.status === "running" || r.status === "paused") && r.mode !== "dry_run");
  const liveRun = unfinished.find((r) => r.mode === "live") ?? unfinished[0] ?? null;
  const openRecord = openLive ? { state: openLive.state, startError: openLive.startError, canDecide: canDecide(user, requests.find((r) => r.id === openLive.id)!) } : null;
  const current = liveRun?.steps.find((st) => ["running", "awaiting_confirmation", "failed", "interrupted"].includes(st.status)) ?? null;
  const next = nextAction({
    status: incident.status,
    rollback: openRecord,
    run: liveRun && liveRun.mode === "live" ? { status: liveRun.status as "running" | "paused", pauseReason: liveRun.pauseReason, currentStep: current?.title ?? null, waitsFor: liveRun.status !== "paused" ? null : current?.status === "awaiting_confirmation" ? "confirm" : "operator", stepId: current?.id ?? null } : null,
    updateOverdueMinutes: updateDueAt && updateDueAt.getTime() < nowMs ? Math.round((nowMs - updateDueAt.getTime()) / 60_000) : null,
    may: { request: mayRequest, operate: can(role, "run.operate"), start: can(role, "run.start"), changeStatus: can(role, "incident.changeStatus"), publish: can(role, "status.publish") },
  });
  const toSummary = (r: NonNullable<typeof liveRun>): LiveRunSummary => ({
    title: r.runbookTitle,
    mode: r.mode,
    status: r.status,
    currentStep: current?.title ?? null,
    done: r.steps.filter((st) => st.status === "succeeded" || st.status === "skipped").length,
    total: r.steps.length,
    elapsedMinutes: (nowMs - r.createdAt.getTime()) / 60_000,
    estimateMinutes: pasts.get(r.runbookName) ?? r.estimatedMinutes,
    rtoMinutes: Number.isFinite(rto) ? rto : null,
  });
  const serviceRunbooks = incident.services.flatMap((s) => readServiceRunbooks(s.service.runbooks));
  const forService = new Set(serviceRunbooks.map((r) => r.runbook));
  const serviceDefaults: Record<string, Record<string, Record<string, string>>> = {};
  for (const entry of serviceRunbooks) {
    for (const [env, values] of Object.entries(entry.defaults)) {
      const slot = ((serviceDefaults[entry.runbook] ??= {})[env] ??= {});
      for (const [k, val] of Object.entries(values)) slot[k] = String(val);
    }
  }
  const rollbackRunbooks: RollbackRunbook[] = rbs.map((l) => ({
    name: l.runbook.name,
    title: l.runbook.title,
    estimatedMinutes: l.runbook.estimatedMinutes.max,
    forService: forService.has(l.runbook.name),
    parameters: l.runbook.parameters.map((p) => ({ name: p.name, type: p.type, required: p.required, default: p.default === undefined ? "" : String(p.default), description: p.description ?? "" })),
    environments: environmentsForRequest(l.runbook),
  }));

  // The header's one action, done in place when it is "roll back" and the defaults say what with.
  const defaultRunbook = incident.services.map((s) => preferredRunbook(s.service.runbooks)).find(Boolean) ?? decision?.runbook ?? "";
  const defaultTarget = incident.services.map((s) => s.service.lastKnownGoodVersion).find(Boolean) ?? "";
  const quickRb = rollbackRunbooks.find((r) => r.name === defaultRunbook);
  const quickEnv = quickRb?.environments.find((x) => x.production) ?? quickRb?.environments[0];
  const quick: QuickRollback | null =
    next.action?.kind === "request" && policy && quickRb && quickEnv && defaultTarget
      ? {
          incidentKey: incident.key,
          idempotencyKey: randomUUID(),
          services: incident.services.map((s) => s.service.name).join(", "),
          runbook: { name: quickRb.name, title: quickRb.title },
          environment: quickEnv.name,
          target: defaultTarget,
          params: Object.fromEntries(quickRb.parameters.filter((pm) => quickEnv.fixed[pm.name] === undefined).map((pm) => [pm.name, serviceDefaults[quickRb.name]?.[quickEnv.name]?.[pm.name] ?? ""])),
          gateOpen: decision?.approval?.mode === "none",
          approvers: approverWords(decision?.approval?.roles ?? []),
          resultTarget: NEEDS_NOW,
        }
      : null;
  const liveCards = cards.filter((c) => c.mode === "live");
  const lastLive = openLive ?? liveCards[0] ?? null;
  const liveDone = liveRun && liveRun.mode === "live" ? liveRun.steps.filter((st) => st.status === "succeeded" || st.status === "skipped").length : 0;
  const plain = technical
    ? null
    : {
        happened: incident.summary || incident.trigger,
        ...plainSummary({
          phase: next.phase,
          services: incident.services.map((s) => s.service.name).join(", "),
          target: lastLive?.target ?? null,
          approvers: openLive?.state === "awaiting_approval" ? approverWords(openLive.approverRoles) : null,
          run: liveRun && liveRun.mode === "live" ? { done: liveDone, total: liveRun.steps.length, waitsFor: liveRun.status !== "paused" ? null : current?.status === "awaiting_confirmation" ? "confirm" : "operator" } : null,
          rolledBack: liveCards.some((c) => c.state === "succeeded"),
        }),
      };
  // When no live rollback is open, how the last one ended: the result the next step follows from.
  const lastRun = !openLive && liveCards[0]?.runId ? runs.find((r) => r.id === liveCards[0]!.runId) : undefined;
  const lastRollback =
    lastRun && liveCards[0] && ["succeeded", "failed", "aborted"].includes(liveCards[0].state)
      ? { text: `Rollback to ${liveCards[0].target} ${liveCards[0].state}`, ok: liveCards[0].state === "succeeded", at: lastRun.finishedAt?.toISOString() ?? null }
      : null;
  // Jumps to the cards a phone would otherwise scroll to; the one action is not repeated.
  const jumps = [
    can(role, "status.publish") && incident.status !== "closed" ? { label: "Public update", href: "#public-h" } : null,
    comms ? { label: "Message", href: "#comms-h" } : null,
    technical ? { label: "Timeline", href: "#timeline" } : null,
  ].filter((j): j is { label: string; href: string } => j !== null && j.href !== next.action?.href);

  const milestones = [
    ["Detected", incident.detectedAt],
    ["Acknowledged", incident.acknowledgedAt],
    ["Decided", incident.decidedAt],
    ["Rollback started", incident.rollbackStartedAt],
    ["Rollback completed", incident.rollbackCompletedAt],
    ["Resolved", incident.resolvedAt],
    ["Closed", incident.closedAt],
  ] as const;

  return (
    <div className="space-y-6">
      <WatchIncident incidentKey={incident.key} />
      <CommandHeader
        incidentKey={incident.key}
        title={incident.title}
        severity={incident.severity}
        status={incident.status}
        commander={incident.commander?.name ?? null}
        services={incident.services.map((s) => s.service.name).join(", ")}
        next={next}
        run={liveRun ? toSummary(liveRun) : null}
        respondBy={decision?.respondBy ?? null}
        responseMet={Boolean(decision?.respondBy && incident.decidedAt && incident.decidedAt <= new Date(decision.respondBy))}
        updateDueAt={updateDueAt?.toISOString() ?? null}
        primary={quick ? <QuickRollbackForm {...quick} /> : undefined}
        jumps={jumps}
        plain={plain}
        approval={openLive?.state === "awaiting_approval" ? { who: approverWords(openLive.approverRoles), expiresAt: openLive.expiresAt } : null}
        lastRollback={lastRollback}
      />
      {/* A stakeholder's header already says what happened (the summary, or else the trigger). */}
      {(technical || incident.summary) && <p className="text-sm text-slate-600 dark:text-slate-300">Trigger: {incident.trigger}</p>}
      {incident.summary && technical && <p className="max-w-3xl whitespace-pre-wrap break-words">{incident.summary}</p>}
      {drafts.length > 0 && (
        // On a phone the drafts sit far below; this says they are there and jumps to them.
        <a href="#drafts-h" className="inline-flex min-h-11 items-center rounded-md border-2 border-amber-500 px-3 text-sm font-semibold text-amber-900 hover:bg-amber-50 dark:border-amber-400 dark:text-amber-200 dark:hover:bg-amber-950">
          {drafts.length === 1 ? `1 prepared message ready to send: ${drafts[0]!.label}` : `${drafts.length} prepared messages ready to send`} ↓
        </a>
      )}
      {liveRun && (
        // The run that is happening now comes right after the header, wherever the other runs are.
        <Card aria-labelledby="live-run-h">
          <h2 id="live-run-h" className="mb-3 font-semibold">
            {liveRun.mode === "drill" ? "Drill in progress" : "Rollback in progress"}
          </h2>
          <RunPanel
            run={toPanel(liveRun, { pastMinutes: pasts.get(liveRun.runbookName) ?? null, rtoMinutes: Number.isFinite(rto) ? rto : null })}
            canOperate={can(role, "run.operate")}
            now={now}
            technical={technical}
            resultTarget={liveRun.mode === "live" ? NEEDS_NOW : undefined}
          />
        </Card>
      )}

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-start-3 lg:row-start-1">
          <SuspectChanges incidentId={incident.id} lastKnownGood={incident.services.map((s) => s.service.lastKnownGoodVersion).find(Boolean) ?? ""} />
          <Card aria-labelledby="rollback-h">
            <h2 id="rollback-h" className="mb-3 font-semibold">Rollback</h2>
            <div className="space-y-3">
              {cards.map((c, i) => (
                <RequestCard
                  key={c.id}
                  r={{ ...c, breakGlassWhy: breakGlassOffer(user, requests[i]!).why }}
                  canDecide={canDecide(user, requests[i]!)}
                  canBreakGlass={breakGlassOffer(user, requests[i]!).offered}
                  canStart={can(role, "run.start")}
                  canCancel={c.requestedById === user.id || role === "admin"}
                  technical={technical}
                />
              ))}
              {mayRequest && policy && (
                <details open={!openLive} className="rounded-md border border-slate-200 p-3 dark:border-slate-800">
                  <summary className="cursor-pointer font-medium">{openLive ? "Request a drill" : "Request a rollback"}</summary>
                  <div className="mt-3">
                    <RequestRollbackForm
                      incidentKey={incident.key}
                      idempotencyKey={randomUUID()}
                      scopes={policy.policy.scopes}
                      defaultScope={decision?.scope?.id ?? null}
                      defaultTarget={defaultTarget}
                      defaultRunbook={defaultRunbook}
                      runbooks={rollbackRunbooks}
                      serviceDefaults={serviceDefaults}
                      gateOpen={decision?.approval?.mode === "none"}
                    />
                  </div>
                </details>
              )}
              {!mayRequest && requests.length === 0 && <p className="text-sm text-slate-600 dark:text-slate-400">No rollback requested.</p>}
            </div>
          </Card>
          {comms && drafts.length > 0 && (
            <Card aria-labelledby="drafts-h">
              <h2 id="drafts-h" className="mb-3 font-semibold">Ready to send</h2>
              <DraftsPanel incidentKey={incident.key} drafts={drafts} channels={comms.channels} />
            </Card>
          )}
          {comms && (
            <Card aria-labelledby="comms-h">
              <h2 id="comms-h" className="mb-3 font-semibold">Communicate</h2>
              <Composer
                incidentKey={incident.key}
                templates={comms.templates}
                channels={comms.channels}
                statusPage={can(role, "status.publish") ? { publicTitle: incident.publicTitle ?? "" } : null}
              />
            </Card>
          )}
          {can(role, "status.publish") && (
            <Card aria-labelledby="public-h">
              <h2 id="public-h" className="mb-3 font-semibold">
                Status page <a href="/status" className="text-xs font-normal underline">open</a>
              </h2>
              <div className="space-y-4">
                <div className="space-y-2">
                  {incident.services.map((s) => (
                    <ServiceStateForm key={s.service.id} incidentKey={incident.key} service={{ id: s.service.id, name: s.service.name, state: s.service.state }} />
                  ))}
                </div>
                <PublicUpdateForm
                  incidentKey={incident.key}
                  publicTitle={incident.publicTitle}
                  showProgress={incident.showPublicProgress}
                  incidentStatus={incident.status}
                  lastPublished={incident.publicUpdates[0]?.status ?? null}
                />
              </div>
            </Card>
          )}
          {can(user.role, "incident.changeStatus") && (
            <Card aria-labelledby="status-h">
              <h2 id="status-h" className="mb-3 font-semibold">Status</h2>
              <StatusForm incidentKey={incident.key} status={incident.status} version={incident.version} onStatusPage={Boolean(incident.publicTitle && incident.publicUpdates.length)} />
            </Card>
          )}
          <Card aria-labelledby="impact-h">
            <h2 id="impact-h" className="mb-3 font-semibold">Impact</h2>
            <ImpactForm
              incidentKey={incident.key}
              version={incident.version}
              editable={can(user.role, "incident.update")}
              impact={{
                usersAffected: incident.usersAffected,
                revenueImpact: incident.revenueImpactCents == null ? "" : (Number(incident.revenueImpactCents) / 100).toString(),
                dataLoss: incident.dataLoss,
              }}
            />
          </Card>
        </div>
        <div className="space-y-6 lg:col-span-2 lg:col-start-1 lg:row-start-1">
          {decision && (
            <Card aria-labelledby="decision-h">
              <h2 id="decision-h" className="mb-3 font-semibold">Decision matrix</h2>
              <DecisionPanel decision={decision} decidedAt={incident.decidedAt} override={incident.severityOverride} technical={technical} />
              {updateDueAt && (
                <p className="mt-3 flex flex-wrap items-center gap-2 text-sm">
                  <Countdown deadline={updateDueAt.toISOString()} label={`Next stakeholder update (every ${decision.updateIntervalMinutes} min)`} />
                </p>
              )}
            </Card>
          )}
          {(runs.some((r) => r.id !== liveRun?.id) || rbs.length > 0) && (
            <Card aria-labelledby="runs-h">
              <h2 id="runs-h" className="mb-3 font-semibold">Runbook runs</h2>
              <div className="space-y-6">
                {runs.filter((r) => r.id !== liveRun?.id).map((r) => (
                  <RunPanel key={r.id} run={toPanel(r, { pastMinutes: pasts.get(r.runbookName) ?? null, rtoMinutes: Number.isFinite(rto) ? rto : null })} canOperate={can(role, "run.operate")} now={now} technical={technical} />
                ))}
                {rbs.length > 0 && can(role, "run.start") && incident.status !== "closed" && (
                  <details className="rounded-md border border-slate-200 p-3 dark:border-slate-800">
                    <summary className="cursor-pointer font-medium">Plan a runbook (dry run)</summary>
                    <div className="mt-3">
                      <StartRunForm
                        incidentKey={incident.key}
                        runbooks={rbs.map((l) => ({
                          name: l.runbook.name,
                          title: l.runbook.title,
                          scope: l.runbook.scope,
                          estimatedMinutes: l.runbook.estimatedMinutes.max,
                          parameters: l.runbook.parameters.map((p) => ({ name: p.name, type: p.type, required: p.required, default: p.default === undefined ? "" : String(p.default), description: p.description ?? "" })),
                        }))}
                        defaultRunbook={openLive?.runbook ?? decision?.runbook ?? null}
                        defaults={{ target_version: incident.services[0]?.service.lastKnownGoodVersion ?? "", service: incident.services[0]?.service.name ?? "" }}
                      />
                    </div>
                  </details>
                )}
              </div>
            </Card>
          )}
          {metricCharts.length > 0 && (
            <Card aria-labelledby="metrics-h">
              <h2 id="metrics-h" className="mb-3 font-semibold">Metrics behind the automatic decision</h2>
              <MetricCharts charts={metricCharts} />
            </Card>
          )}
          <Card aria-labelledby="milestones">
            <h2 id="milestones" className="mb-3 font-semibold">Milestones</h2>
            <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
              {milestones.map(([label, at]) => (
                <div key={label}>
                  <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
                  <dd className="font-medium">{at ? <RelativeTime iso={at.toISOString()} /> : "—"}</dd>
                </div>
              ))}
            </dl>
          </Card>
          <Card aria-labelledby="timeline">
            <h2 id="timeline" className="mb-3 font-semibold">Timeline</h2>
            {can(user.role, "incident.note") && (
              <div className="mb-5">
                <NoteForm incidentKey={incident.key} />
              </div>
            )}
            <Timeline events={incident.timeline} technical={technical} />
          </Card>
        </div>
      </div>
      {/* Room for the phone's action bar (components/incidents/next-action-bar.tsx) below the last card. */}
      {!plain && next.action && <div aria-hidden="true" className="h-16 md:hidden" />}
    </div>
  );
}
