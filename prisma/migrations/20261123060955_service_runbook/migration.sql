-- AlterTable
ALTER TABLE "Service" ADD COLUMN     "runbook" TEXT;
