import { defineConfig, devices } from "@playwright/test";
import { existsSync } from "node:fs";
import { FIRST_ADMIN } from "./e2e/first-admin";
import { IDP_CLIENT, IDP_ISSUER, IDP_ROLES, SSO_PORT } from "./e2e/oidc-idp";

const PORT = Number(process.env.E2E_PORT ?? 3107);
// A second server on an empty database without the demo (day one in production).
const EMPTY_PORT = PORT + 1;

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  throw new Error(`Chromium not found at ${chromium}: install it with "apt-get install -y chromium" or set CHROMIUM_PATH.`);
}

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-gpu"],
    },
  },
  // Behaviour (npm test) and the screenshot matrix (npm run test:screenshots, also run by CI) are
  // separate projects: a test whose title names a screenshot belongs to the second.
  projects: [
    { name: "chromium", use: { ...devices["Desktop Chrome"] }, testIgnore: /(day-one|oidc)\.spec\.ts/, grepInvert: /screenshot/i },
    { name: "day-one", use: { ...devices["Desktop Chrome"], baseURL: `http://localhost:${EMPTY_PORT}` }, testMatch: /day-one\.spec\.ts/ },
    { name: "sso", use: { ...devices["Desktop Chrome"], baseURL: `http://localhost:${SSO_PORT}` }, testMatch: /oidc\.spec\.ts/ },
    { name: "visual", use: { ...devices["Desktop Chrome"] }, testIgnore: /(day-one|oidc)\.spec\.ts/, grep: /screenshot/i },
  ],
  webServer: [
    {
      // A production build on a fresh embedded database with the demo data, removed afterwards.
      command: "npx tsx e2e/serve.ts",
      url: `http://localhost:${PORT}/api/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
      env: { PORT: String(PORT), DEMO: "1", NEXTAUTH_URL: `http://localhost:${PORT}` },
    },
    {
      // Production as the README starts it, on an empty database: no demo data, the first admin from the environment.
      command: "npx tsx e2e/serve.ts",
      url: `http://localhost:${EMPTY_PORT}/api/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
      env: { PORT: String(EMPTY_PORT), DEMO: "0", ADMIN_EMAIL: FIRST_ADMIN.email, ADMIN_PASSWORD: FIRST_ADMIN.password, NEXTAUTH_URL: `http://localhost:${EMPTY_PORT}` },
    },
    {
      // Production with single sign-on: OIDC_ISSUER is the OpenID provider e2e/oidc.spec.ts starts.
      command: "npx tsx e2e/serve.ts",
      url: `http://localhost:${SSO_PORT}/api/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
      env: {
        PORT: String(SSO_PORT),
        DEMO: "0",
        ADMIN_EMAIL: FIRST_ADMIN.email,
        ADMIN_PASSWORD: FIRST_ADMIN.password,
        NEXTAUTH_URL: `http://localhost:${SSO_PORT}`,
        OIDC_ISSUER: IDP_ISSUER,
        OIDC_CLIENT_ID: IDP_CLIENT.id,
        OIDC_CLIENT_SECRET: IDP_CLIENT.secret,
        OIDC_ROLE_CLAIM: IDP_ROLES.claim,
        OIDC_ROLE_MAP: IDP_ROLES.map,
      },
    },
  ],
});
