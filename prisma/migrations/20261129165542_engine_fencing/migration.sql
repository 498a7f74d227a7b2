-- AlterTable
ALTER TABLE "StepRun" ADD COLUMN     "leaseToken" INTEGER NOT NULL DEFAULT 0;
