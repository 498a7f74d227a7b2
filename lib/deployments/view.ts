import type { Prisma } from "../db/generated/client.ts";
import { parseEvidence, type DeploymentView } from "./schemas.ts";

export const deploymentSelect = {
  id: true, serviceId: true, environment: true, version: true, commit: true, artifactDigest: true,
  deployedByType: true, deployedById: true, deployedByLabel: true, startedAt: true, finishedAt: true,
  status: true, idempotencyKey: true, isRollback: true, rollbackRequestId: true, forcedReason: true,
  verdict: true, evidence: true, verdictAt: true, service: { select: { name: true } },
} as const satisfies Prisma.DeploymentSelect;

type Row = Prisma.DeploymentGetPayload<{ select: typeof deploymentSelect }>;

export function toView(r: Row): DeploymentView {
  return {
    id: r.id, serviceId: r.serviceId, serviceName: r.service.name, environment: r.environment, version: r.version,
    commit: r.commit, artifactDigest: r.artifactDigest,
    deployedBy: { type: r.deployedByType, id: r.deployedById, label: r.deployedByLabel },
    startedAt: r.startedAt, finishedAt: r.finishedAt, status: r.status, idempotencyKey: r.idempotencyKey,
    isRollback: r.isRollback, rollbackRequestId: r.rollbackRequestId, forcedReason: r.forcedReason,
    verdict: r.verdict, evidence: parseEvidence(r.evidence), verdictAt: r.verdictAt,
  };
}
