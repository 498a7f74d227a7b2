-- CreateEnum
CREATE TYPE "ServiceSource" AS ENUM ('manual', 'file');

-- DropForeignKey
ALTER TABLE "Delivery" DROP CONSTRAINT "Delivery_channelId_fkey";

-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "channelName" TEXT NOT NULL DEFAULT '',
ALTER COLUMN "channelId" DROP NOT NULL;

-- Data (added by hand to the generated SQL): deliveries name their channel, so deleting a
-- channel keeps its delivery history readable.
UPDATE "Delivery" d SET "channelName" = c."name" FROM "Channel" c WHERE c."id" = d."channelId";

-- AlterTable
ALTER TABLE "Service" ADD COLUMN     "archivedAt" TIMESTAMPTZ(3),
ADD COLUMN     "description" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "environments" TEXT[] DEFAULT ARRAY['production']::TEXT[],
ADD COLUMN     "lifecycle" TEXT,
ADD COLUMN     "onStatusPage" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "publicName" TEXT,
ADD COLUMN     "runbooks" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "source" "ServiceSource" NOT NULL DEFAULT 'manual',
ADD COLUMN     "sourceRef" TEXT,
ADD COLUMN     "system" TEXT;

-- Data (added by hand to the generated SQL): the one runbook a service had becomes the first of
-- its list, with no default parameters.
UPDATE "Service" SET "runbooks" = jsonb_build_array(jsonb_build_object('runbook', "runbook", 'defaults', '{}'::jsonb)) WHERE "runbook" IS NOT NULL;
ALTER TABLE "Service" DROP COLUMN "runbook";

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "inviteExpiresAt" TIMESTAMPTZ(3),
ADD COLUMN     "inviteTokenHash" TEXT;

-- CreateIndex
CREATE INDEX "Service_archivedAt_name_idx" ON "Service"("archivedAt", "name");

-- CreateIndex
CREATE UNIQUE INDEX "User_inviteTokenHash_key" ON "User"("inviteTokenHash");

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE SET NULL ON UPDATE CASCADE;
