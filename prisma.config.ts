import { defineConfig } from "prisma/config";

// The CLI's env() helper throws when DATABASE_URL is unset, even for `generate`.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/rollcall" },
});
