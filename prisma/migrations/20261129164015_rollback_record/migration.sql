-- AlterEnum
ALTER TYPE "RequestStatus" ADD VALUE 'cancelled';

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "TimelineKind" ADD VALUE 'run_paused';
ALTER TYPE "TimelineKind" ADD VALUE 'rollback_cancelled';
ALTER TYPE "TimelineKind" ADD VALUE 'rollback_start_failed';

-- AlterTable
ALTER TABLE "RollbackRequest" ADD COLUMN     "autoStart" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "environment" TEXT NOT NULL DEFAULT 'production',
ADD COLUMN     "mode" "RunMode" NOT NULL DEFAULT 'live',
ADD COLUMN     "params" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "runbookSnapshot" JSONB,
ADD COLUMN     "runbookVersion" TEXT,
ADD COLUMN     "startError" TEXT,
ALTER COLUMN "scope" DROP NOT NULL;
