-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateEnum
CREATE TYPE "RunMode" AS ENUM ('live', 'dry_run', 'drill');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('running', 'paused', 'succeeded', 'failed', 'aborted');

-- CreateEnum
CREATE TYPE "StepStatus" AS ENUM ('pending', 'running', 'succeeded', 'failed', 'skipped', 'interrupted', 'awaiting_confirmation', 'aborted');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "TimelineKind" ADD VALUE 'run_started';
ALTER TYPE "TimelineKind" ADD VALUE 'run_step';
ALTER TYPE "TimelineKind" ADD VALUE 'run_finished';

-- CreateTable
CREATE TABLE "Run" (
    "id" UUID NOT NULL,
    "incidentId" UUID,
    "requestId" UUID,
    "runbookName" TEXT NOT NULL,
    "runbookTitle" TEXT NOT NULL,
    "runbookVersion" TEXT NOT NULL,
    "runbookSnapshot" JSONB NOT NULL,
    "params" JSONB NOT NULL,
    "mode" "RunMode" NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'running',
    "pauseReason" TEXT,
    "estimatedMinutes" DOUBLE PRECISION,
    "startedById" UUID,
    "startedByLabel" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StepRun" (
    "id" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "stepId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "phase" TEXT NOT NULL DEFAULT 'step',
    "executor" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "timeoutSeconds" INTEGER NOT NULL,
    "retries" INTEGER NOT NULL DEFAULT 0,
    "backoffSeconds" INTEGER NOT NULL DEFAULT 5,
    "continueOnFailure" BOOLEAN NOT NULL DEFAULT false,
    "idempotent" BOOLEAN NOT NULL DEFAULT false,
    "status" "StepStatus" NOT NULL DEFAULT 'pending',
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "notBefore" TIMESTAMPTZ(3),
    "claimedBy" TEXT,
    "heartbeatAt" TIMESTAMPTZ(3),
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "exitCode" INTEGER,
    "error" TEXT,
    "output" JSONB,
    "skipReason" TEXT,

    CONSTRAINT "StepRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StepLog" (
    "id" BIGSERIAL NOT NULL,
    "stepRunId" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "stream" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StepLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EngineInstance" (
    "id" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EngineInstance_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Run_requestId_key" ON "Run"("requestId");

-- CreateIndex
CREATE INDEX "Run_status_idx" ON "Run"("status");

-- CreateIndex
CREATE INDEX "Run_incidentId_createdAt_idx" ON "Run"("incidentId", "createdAt");

-- CreateIndex
CREATE INDEX "StepRun_status_notBefore_idx" ON "StepRun"("status", "notBefore");

-- CreateIndex
CREATE UNIQUE INDEX "StepRun_runId_index_key" ON "StepRun"("runId", "index");

-- CreateIndex
CREATE INDEX "StepLog_stepRunId_id_idx" ON "StepLog"("stepRunId", "id");

-- CreateIndex
CREATE INDEX "Incident_title_trgm_idx" ON "Incident" USING GIN ("title" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Incident_summary_trgm_idx" ON "Incident" USING GIN ("summary" gin_trgm_ops);

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "RollbackRequest"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StepRun" ADD CONSTRAINT "StepRun_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StepLog" ADD CONSTRAINT "StepLog_stepRunId_fkey" FOREIGN KEY ("stepRunId") REFERENCES "StepRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
