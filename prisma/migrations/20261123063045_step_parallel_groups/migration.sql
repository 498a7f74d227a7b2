-- AlterTable
ALTER TABLE "StepRun" ADD COLUMN     "parallelGroup" TEXT;
