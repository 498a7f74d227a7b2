-- CreateEnum
CREATE TYPE "MessageStatus" AS ENUM ('draft', 'queued', 'discarded');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "TimelineKind" ADD VALUE 'message_draft';
ALTER TYPE "TimelineKind" ADD VALUE 'update_reminder';

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "runId" UUID,
ADD COLUMN     "sentAt" TIMESTAMPTZ(3),
ADD COLUMN     "status" "MessageStatus" NOT NULL DEFAULT 'queued',
ADD COLUMN     "trigger" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Message_runId_trigger_key" ON "Message"("runId", "trigger");
