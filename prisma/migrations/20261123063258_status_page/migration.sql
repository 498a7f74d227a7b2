-- CreateEnum
CREATE TYPE "ServiceState" AS ENUM ('operational', 'degraded', 'partial_outage', 'major_outage', 'maintenance');

-- CreateEnum
CREATE TYPE "PublicStatus" AS ENUM ('investigating', 'identified', 'monitoring', 'resolved');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "TimelineKind" ADD VALUE 'public_update';
ALTER TYPE "TimelineKind" ADD VALUE 'service_state';

-- AlterTable
ALTER TABLE "Incident" ADD COLUMN     "publicTitle" TEXT,
ADD COLUMN     "showPublicProgress" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Service" ADD COLUMN     "state" "ServiceState" NOT NULL DEFAULT 'operational';

-- CreateTable
CREATE TABLE "PublicUpdate" (
    "id" UUID NOT NULL,
    "incidentId" UUID NOT NULL,
    "status" "PublicStatus" NOT NULL,
    "body" TEXT NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PublicUpdate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServiceStateChange" (
    "id" BIGSERIAL NOT NULL,
    "serviceId" UUID NOT NULL,
    "state" "ServiceState" NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ServiceStateChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PublicUpdate_incidentId_createdAt_idx" ON "PublicUpdate"("incidentId", "createdAt");

-- CreateIndex
CREATE INDEX "ServiceStateChange_serviceId_at_idx" ON "ServiceStateChange"("serviceId", "at");

-- AddForeignKey
ALTER TABLE "PublicUpdate" ADD CONSTRAINT "PublicUpdate_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceStateChange" ADD CONSTRAINT "ServiceStateChange_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE CASCADE ON UPDATE CASCADE;
