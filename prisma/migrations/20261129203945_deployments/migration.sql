-- CreateEnum
CREATE TYPE "DeploymentStatus" AS ENUM ('in_progress', 'succeeded', 'failed');

-- CreateEnum
CREATE TYPE "DeploymentVerdict" AS ENUM ('pending', 'verified_good', 'bad');

-- AlterEnum
ALTER TYPE "TimelineKind" ADD VALUE 'deploy_freeze_forced';

-- AlterTable
ALTER TABLE "Service" ADD COLUMN     "verificationWindowMinutes" INTEGER NOT NULL DEFAULT 30;

-- CreateTable
CREATE TABLE "Deployment" (
    "id" UUID NOT NULL,
    "serviceId" UUID NOT NULL,
    "environment" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "commit" TEXT,
    "artifactDigest" TEXT,
    "deployedByType" TEXT NOT NULL,
    "deployedById" TEXT,
    "deployedByLabel" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "finishedAt" TIMESTAMPTZ(3),
    "status" "DeploymentStatus" NOT NULL DEFAULT 'in_progress',
    "idempotencyKey" TEXT NOT NULL,
    "isRollback" BOOLEAN NOT NULL DEFAULT false,
    "rollbackRequestId" UUID,
    "forcedReason" TEXT,
    "verdict" "DeploymentVerdict" NOT NULL DEFAULT 'pending',
    "evidence" JSONB,
    "verdictAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Deployment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Deployment_serviceId_environment_startedAt_idx" ON "Deployment"("serviceId", "environment", "startedAt" DESC);

-- CreateIndex
CREATE INDEX "Deployment_verdict_status_idx" ON "Deployment"("verdict", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Deployment_serviceId_idempotencyKey_key" ON "Deployment"("serviceId", "idempotencyKey");

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
