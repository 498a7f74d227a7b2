import type { Tx } from "../db/client.ts";
import { SYSTEM } from "../auth/actor.ts";
import type { RunLifecycleEvent } from "../runs/lifecycle.ts";
import { readServiceRunbooks } from "../services/rollback-runbooks.ts";
import { insertDeployment, lockService } from "./record-deployment.ts";

/**
 * A live rollback run that succeeded deployed its request's target: record it, marked as a rollback,
 * for the incident's services that name the run's runbook (or the incident's only service).
 * Keyed by the request, so a repeated finish records once.
 */
export async function deploymentsOnRun(tx: Tx, e: RunLifecycleEvent) {
  if (e.kind !== "finished" || e.status !== "succeeded" || e.mode !== "live") return null;
  const run = await tx.run.findUnique({
    where: { id: e.runId },
    select: {
      createdAt: true, startedById: true, startedByLabel: true,
      request: { select: { id: true, target: true, environment: true, runbook: true, incident: { select: { services: { select: { service: { select: { id: true, environments: true, runbooks: true } } } } } } } },
    },
  });
  const req = run?.request;
  if (!run || !req || !req.target) return null;
  const services = req.incident.services.map((s) => s.service);
  const named = services.filter((s) => readServiceRunbooks(s.runbooks).some((r) => r.runbook === req.runbook));
  const targets = (named.length ? named : services.length === 1 ? services : []).filter((s) => s.environments.includes(req.environment));
  for (const s of targets) {
    await lockService(tx, s.id);
    const key = `rollback:${req.id}`;
    if (await tx.deployment.findUnique({ where: { serviceId_idempotencyKey: { serviceId: s.id, idempotencyKey: key } }, select: { id: true } })) continue;
    await insertDeployment(tx, { actor: SYSTEM }, {
      serviceId: s.id, environment: req.environment, version: req.target, commit: null, artifactDigest: null,
      status: "succeeded", startedAt: run.createdAt, finishedAt: e.now, idempotencyKey: key, rollbackRequestId: req.id,
      deployedBy: { actorType: run.startedById ? "user" : "system", actorId: run.startedById, actorLabel: run.startedByLabel },
    });
  }
  return null;
}
