-- CreateEnum
CREATE TYPE "AlertIntegrationKind" AS ENUM ('alertmanager', 'grafana', 'pagerduty', 'generic');

-- CreateEnum
CREATE TYPE "AlertStatus" AS ENUM ('firing', 'resolved');

-- CreateEnum
CREATE TYPE "AutomaticOutcome" AS ENUM ('act', 'hold', 'inconclusive');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "TimelineKind" ADD VALUE 'alert_attached';
ALTER TYPE "TimelineKind" ADD VALUE 'alerts_resolved';
ALTER TYPE "TimelineKind" ADD VALUE 'automation_decision';

-- DropForeignKey
ALTER TABLE "RollbackRequest" DROP CONSTRAINT "RollbackRequest_requestedById_fkey";

-- AlterTable
ALTER TABLE "RollbackRequest" ALTER COLUMN "requestedById" DROP NOT NULL;

-- AlterTable
ALTER TABLE "Service" ADD COLUMN     "automationEnabled" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "AlertIntegration" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "AlertIntegrationKind" NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "tokenHint" TEXT NOT NULL,
    "secretEncrypted" TEXT,
    "mapping" JSONB NOT NULL DEFAULT '{}',
    "shadow" BOOLEAN NOT NULL DEFAULT false,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "prometheusUrl" TEXT,
    "lastReceivedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AlertIntegration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertGroup" (
    "id" UUID NOT NULL,
    "integrationId" UUID,
    "integrationName" TEXT NOT NULL,
    "groupKey" TEXT NOT NULL,
    "serviceKey" TEXT NOT NULL,
    "episode" INTEGER NOT NULL DEFAULT 1,
    "serviceId" UUID,
    "incidentId" UUID,
    "status" "AlertStatus" NOT NULL DEFAULT 'firing',
    "title" TEXT NOT NULL,
    "commonLabels" JSONB NOT NULL DEFAULT '{}',
    "raw" JSONB NOT NULL DEFAULT '{}',
    "firstFiredAt" TIMESTAMPTZ(3) NOT NULL,
    "lastFiredAt" TIMESTAMPTZ(3) NOT NULL,
    "lastReceivedAt" TIMESTAMPTZ(3) NOT NULL,
    "resolvedAt" TIMESTAMPTZ(3),
    "reopenCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AlertGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Alert" (
    "id" UUID NOT NULL,
    "groupId" UUID NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "status" "AlertStatus" NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "annotations" JSONB NOT NULL DEFAULT '{}',
    "values" JSONB NOT NULL DEFAULT '{}',
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3),
    "generatorURL" TEXT,
    "raw" JSONB NOT NULL DEFAULT '{}',
    "firstSeenAt" TIMESTAMPTZ(3) NOT NULL,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL,
    "resolvedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AutomaticDecision" (
    "id" UUID NOT NULL,
    "groupId" UUID NOT NULL,
    "serviceId" UUID,
    "incidentId" UUID,
    "outcome" "AutomaticOutcome" NOT NULL,
    "shadow" BOOLEAN NOT NULL DEFAULT false,
    "reason" TEXT NOT NULL,
    "readings" JSONB NOT NULL,
    "policyVersion" TEXT NOT NULL,
    "policyAction" TEXT,
    "severity" "Severity",
    "autoRollback" TEXT,
    "actions" JSONB NOT NULL DEFAULT '[]',
    "rollbackRequestId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AutomaticDecision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AlertIntegration_slug_key" ON "AlertIntegration"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "AlertIntegration_name_key" ON "AlertIntegration"("name");

-- CreateIndex
CREATE UNIQUE INDEX "AlertIntegration_tokenHash_key" ON "AlertIntegration"("tokenHash");

-- CreateIndex
CREATE INDEX "AlertGroup_lastReceivedAt_idx" ON "AlertGroup"("lastReceivedAt" DESC);

-- CreateIndex
CREATE INDEX "AlertGroup_serviceId_status_idx" ON "AlertGroup"("serviceId", "status");

-- CreateIndex
CREATE INDEX "AlertGroup_incidentId_idx" ON "AlertGroup"("incidentId");

-- CreateIndex
CREATE UNIQUE INDEX "AlertGroup_integrationId_groupKey_serviceKey_episode_key" ON "AlertGroup"("integrationId", "groupKey", "serviceKey", "episode");

-- CreateIndex
CREATE UNIQUE INDEX "Alert_groupId_fingerprint_key" ON "Alert"("groupId", "fingerprint");

-- CreateIndex
CREATE UNIQUE INDEX "AutomaticDecision_rollbackRequestId_key" ON "AutomaticDecision"("rollbackRequestId");

-- CreateIndex
CREATE INDEX "AutomaticDecision_groupId_createdAt_idx" ON "AutomaticDecision"("groupId", "createdAt");

-- CreateIndex
CREATE INDEX "AutomaticDecision_serviceId_createdAt_idx" ON "AutomaticDecision"("serviceId", "createdAt");

-- AddForeignKey
ALTER TABLE "RollbackRequest" ADD CONSTRAINT "RollbackRequest_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertGroup" ADD CONSTRAINT "AlertGroup_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "AlertIntegration"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertGroup" ADD CONSTRAINT "AlertGroup_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertGroup" ADD CONSTRAINT "AlertGroup_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "AlertGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomaticDecision" ADD CONSTRAINT "AutomaticDecision_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "AlertGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomaticDecision" ADD CONSTRAINT "AutomaticDecision_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomaticDecision" ADD CONSTRAINT "AutomaticDecision_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomaticDecision" ADD CONSTRAINT "AutomaticDecision_rollbackRequestId_fkey" FOREIGN KEY ("rollbackRequestId") REFERENCES "RollbackRequest"("id") ON DELETE SET NULL ON UPDATE CASCADE;
