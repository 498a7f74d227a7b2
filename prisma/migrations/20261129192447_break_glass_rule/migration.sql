-- AlterTable
ALTER TABLE "RollbackRequest" ADD COLUMN     "breakGlassOwnRequest" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "breakGlassRoles" TEXT[] DEFAULT ARRAY[]::TEXT[];
