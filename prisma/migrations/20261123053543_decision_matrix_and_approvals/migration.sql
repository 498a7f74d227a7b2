-- CreateEnum
CREATE TYPE "RequestStatus" AS ENUM ('pending', 'approved', 'rejected', 'expired', 'overridden');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "TimelineKind" ADD VALUE 'decision';
ALTER TYPE "TimelineKind" ADD VALUE 'severity_override';
ALTER TYPE "TimelineKind" ADD VALUE 'rollback_requested';
ALTER TYPE "TimelineKind" ADD VALUE 'rollback_approved';
ALTER TYPE "TimelineKind" ADD VALUE 'rollback_rejected';
ALTER TYPE "TimelineKind" ADD VALUE 'rollback_expired';
ALTER TYPE "TimelineKind" ADD VALUE 'rollback_escalated';
ALTER TYPE "TimelineKind" ADD VALUE 'break_glass';

-- AlterTable
ALTER TABLE "Incident" ADD COLUMN     "decision" JSONB,
ADD COLUMN     "flaggedForReview" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "policyVersion" TEXT,
ADD COLUMN     "respondBy" TIMESTAMPTZ(3),
ADD COLUMN     "severityOverride" TEXT,
ADD COLUMN     "timeToFixMinutes" INTEGER,
ADD COLUMN     "triggerId" TEXT,
ADD COLUMN     "usersAffectedPct" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "RollbackRequest" (
    "id" UUID NOT NULL,
    "incidentId" UUID NOT NULL,
    "requestedById" UUID NOT NULL,
    "requesterRole" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "runbook" TEXT,
    "reason" TEXT NOT NULL,
    "severity" "Severity" NOT NULL,
    "policyVersion" TEXT NOT NULL,
    "gate" TEXT NOT NULL,
    "approverRoles" TEXT[],
    "quorum" INTEGER NOT NULL DEFAULT 1,
    "selfApproval" BOOLEAN NOT NULL DEFAULT false,
    "status" "RequestStatus" NOT NULL DEFAULT 'pending',
    "expiresAt" TIMESTAMPTZ(3),
    "escalationLevel" INTEGER NOT NULL DEFAULT 0,
    "nextEscalationAt" TIMESTAMPTZ(3),
    "breakGlassReason" TEXT,
    "decidedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RollbackRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApprovalVote" (
    "id" UUID NOT NULL,
    "requestId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "role" TEXT NOT NULL,
    "approve" BOOLEAN NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApprovalVote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PolicyVersion" (
    "version" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PolicyVersion_pkey" PRIMARY KEY ("version")
);

-- CreateIndex
CREATE UNIQUE INDEX "RollbackRequest_idempotencyKey_key" ON "RollbackRequest"("idempotencyKey");

-- CreateIndex
CREATE INDEX "RollbackRequest_status_expiresAt_idx" ON "RollbackRequest"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "RollbackRequest_incidentId_createdAt_idx" ON "RollbackRequest"("incidentId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ApprovalVote_requestId_userId_key" ON "ApprovalVote"("requestId", "userId");

-- AddForeignKey
ALTER TABLE "RollbackRequest" ADD CONSTRAINT "RollbackRequest_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RollbackRequest" ADD CONSTRAINT "RollbackRequest_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalVote" ADD CONSTRAINT "ApprovalVote_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "RollbackRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalVote" ADD CONSTRAINT "ApprovalVote_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
