import { createServer } from "node:http";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import next from "next";
import { env, setEnv } from "./lib/env.ts";
import { checkReachable, resolveDatabase } from "./lib/setup/database.ts";
import { migrate } from "./lib/db/migrate.ts";
import { db } from "./lib/db/client.ts";
import { ensureFirstAdmin, seedDemo } from "./lib/setup/bootstrap.ts";
import { DEMO_PASSWORD, DEMO_USERS } from "./lib/setup/demo-data.ts";
import { createSocketServer } from "./lib/realtime/socket-server.ts";
import { socketOrigins } from "./lib/realtime/origin.ts";
import { stampClientIp, trustedProxies } from "./lib/auth/client-ip.ts";
import { policyState } from "./lib/decisions/policy-registry.ts";
import { formatPolicyError } from "./lib/policy/load.ts";
import { sweepApprovals } from "./lib/approvals/sweep.ts";
import { verifyDeployments } from "./lib/deployments/verify.ts";
import { reevaluateAlertGroups } from "./lib/alerts/sweep.ts";
import { RunEngine } from "./lib/runs/engine.ts";
import { startFlagServer } from "./lib/executors/flags/server.ts";
import { startDemo } from "./lib/demo/start-demo.ts";
import { ensureDemoIntegration } from "./lib/demo/demo-integration.ts";
import { deliverDue } from "./lib/comms/send-message.ts";
import { remindDueUpdates } from "./lib/comms/reminders.ts";
import { watchServicesFile } from "./lib/services/watch-services-file.ts";
import { auditKey, missingAuditKey } from "./lib/audit/key.ts";
import { anchorDir, AuditAnchorer } from "./lib/audit/anchor.ts";

const log = (line: string) => console.log(line);
/** How often the audit chain's head is anchored (and once more at shutdown). */
const AUDIT_ANCHOR_EVERY_MS = 5 * 60_000;
const fail = (line: string): never => {
  console.error(`rollcall: ${line}`);
  process.exit(1);
};

async function authSecret(embedded: boolean): Promise<string> {
  const e = env();
  if (e.NEXTAUTH_SECRET) return e.NEXTAUTH_SECRET;
  if (!embedded && e.NODE_ENV === "production") {
    return fail("NEXTAUTH_SECRET is required with DATABASE_URL in production (for example: openssl rand -base64 32)");
  }
  // The embedded quick start keeps a generated secret next to its data so sessions survive restarts.
  const file = path.resolve(e.DATA_DIR, "auth-secret");
  const existing = await readFile(file, "utf8").catch(() => "");
  if (existing.trim().length >= 32) return existing.trim();
  const secret = randomBytes(32).toString("base64url");
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

async function main() {
  const dev = process.argv.includes("--dev");
  if (!dev) setEnv("NODE_ENV", "production");
  let e;
  try {
    e = env();
  } catch (err) {
    return fail((err as Error).message);
  }

  let resolved;
  try {
    resolved = await resolveDatabase(log);
  } catch (err) {
    return fail((err as Error).message);
  }
  const { url, embedded } = resolved;
  const stopEmbedded = async () => embedded?.stop().catch(() => {});

  const unreachable = await checkReachable(url);
  if (unreachable) {
    await stopEmbedded();
    return fail(unreachable);
  }

  const migrated = await migrate(url).catch(async (err: Error) => {
    await stopEmbedded();
    return fail(`migrations failed: ${err.message}`);
  });
  for (const m of migrated.applied) log(`applied migration ${m}`);

  // The audit chain is keyed outside the database, and its head anchored where the database cannot
  // write: now (marking where rows from before the keyed chain end), every few minutes and at shutdown.
  const noAuditKey = missingAuditKey();
  if (noAuditKey) {
    await stopEmbedded();
    return fail(noAuditKey);
  }
  const anchorer = new AuditAnchorer({ db: db(), dir: anchorDir(), key: auditKey(), log });
  await anchorer.tick();

  const policy = policyState();
  if (!policy.active) {
    await stopEmbedded();
    return fail(`the decision-matrix policy does not load:\n  ${policy.errors.map(formatPolicyError).join("\n  ")}`);
  }

  const secret = await authSecret(Boolean(embedded));
  setEnv("NEXTAUTH_SECRET", secret);
  const port = e.PORT;
  const publicUrl = e.NEXTAUTH_URL ?? `http://localhost:${port}`;
  setEnv("NEXTAUTH_URL", publicUrl);

  // The services file is applied before anyone can sign in, then again whenever it changes.
  const servicesWatch = e.SERVICES_FILE ? await watchServicesFile(db(), path.resolve(e.SERVICES_FILE), log) : null;

  const demo = e.DEMO ?? Boolean(embedded);
  // With the demo on and no ADMIN_EMAIL, the demo administrator is the first admin.
  const first = e.ADMIN_EMAIL || !demo ? await ensureFirstAdmin(db(), e.ADMIN_EMAIL, e.ADMIN_PASSWORD) : { kind: "none" as const };
  if (demo) await seedDemo(db());
  // The demo's Alertmanager integration: `npm run demo:alert` posts with the token it keeps in DATA_DIR.
  const demoAlerts = demo ? await ensureDemoIntegration(db(), path.resolve(e.DATA_DIR)) : null;

  // The built-in flag store (feature-flag runbooks work out of the box) and, with the demo, a
  // service to roll back. Runbooks reach them through these variables.
  const flags = await startFlagServer({ file: path.resolve(e.DATA_DIR, "flags.json"), port: e.FLAG_STORE_PORT, token: e.FLAG_STORE_TOKEN });
  if (!process.env.FLAG_STORE_URL) setEnv("FLAG_STORE_URL", flags.url);
  setEnv("ROLLCALL_HOME", import.meta.dirname);
  setEnv("ROLLCALL_NODE", process.execPath);
  const demoService = demo ? await startDemo({ dataDir: path.resolve(e.DATA_DIR), root: import.meta.dirname, flags: flags.store, log, port: e.DEMO_SERVICE_PORT || undefined }) : null;
  if (demoService) setEnv("DEMO_SERVICE_URL", demoService.url);
  // A second copy for drills: the demo-service runbook's "drill" environment points at it.
  const drillService = demo ? await startDemo({ dataDir: path.resolve(e.DATA_DIR), root: import.meta.dirname, flags: flags.store, log, instance: "drill" }) : null;
  if (drillService) setEnv("DEMO_DRILL_SERVICE_URL", drillService.url);


  const app = next({ dev, dir: import.meta.dirname, hostname: "localhost", port });
  const handle = app.getRequestHandler();
  await app.prepare();

  const proxies = trustedProxies(e.TRUSTED_PROXIES);
  const httpServer = createServer((req, res) => {
    // The only trusted source of the client address; any value a client sent is replaced.
    stampClientIp(req, proxies);
    void handle(req, res);
  });
  const allowedOrigins = socketOrigins(publicUrl, e.ALLOWED_ORIGINS);
  const sockets = await createSocketServer({ httpServer, db: db(), databaseUrl: url, secret, allowedOrigins, log });

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(port, e.HOST, resolve);
  }).catch(async (err: NodeJS.ErrnoException) => {
    await stopEmbedded();
    fail(err.code === "EADDRINUSE" ? `port ${port} is already in use (set PORT to another)` : err.message);
  });

  log("");
  log(`Rollcall is ready at ${publicUrl}  (${dev ? "development" : "production"}, ${embedded ? "embedded PostgreSQL in " + embedded.dataDir : "DATABASE_URL"})`);
  if (first.kind === "setup-password") {
    log(`First run: sign in as ${first.email} with the one-time setup password ${first.password}`);
    log("           you must choose a new password then, and this one stops working.");
  }
  log(`Flag store: ${flags.url}`);
  if (demoService) log(`Demo service (v2 deployed, failing): ${demoService.url}  — declare an incident and run the "demo-service" runbook to roll it back`);
  if (demoAlerts) log(`Demo alerts: npm run demo:alert posts the failing demo service's Alertmanager alert to /api/alerts/${demoAlerts.slug} (token in ${demoAlerts.tokenFile})`);
  if (drillService) log(`Demo drill copy: ${drillService.url}  — a drill of "demo-service" in its "drill" environment needs no approval`);
  if (demo) {
    log(`Demo data is on (DEMO=0 turns it off). Demo password for every demo user: ${DEMO_PASSWORD}`);
    for (const u of DEMO_USERS) log(`  ${u.role.padEnd(13)} ${u.email}`);
  }

  // Runbook steps are claimed from PostgreSQL; a step left running by a crash is marked interrupted.
  const engine = new RunEngine({ db: db(), log });
  await engine.start();

  // Expire and escalate approval requests, and remind commanders of due stakeholder updates; every
  // instance ticks, locks make each happen once.
  const sweeper = setInterval(() => {
    sweepApprovals().catch((err: Error) => console.error(`[approvals] sweep failed: ${err.message}`));
    verifyDeployments({ now: new Date() }).catch((err: Error) => console.error(`[deployments] verdict sweep failed: ${err.message}`));
    remindDueUpdates().catch((err: Error) => console.error(`[comms] update reminders failed: ${err.message}`));
    reevaluateAlertGroups().catch((err: Error) => console.error(`[alerts] re-deciding waiting groups failed: ${err.message}`));
  }, 15_000);
  sweeper.unref();
  // Messages go out in the background, retried with backoff; every outcome lands on the timeline.
  let delivering = false;
  const deliverer = setInterval(() => {
    if (delivering) return;
    delivering = true;
    deliverDue()
      .catch((err: Error) => console.error(`[comms] delivery pass failed: ${err.message}`))
      .finally(() => (delivering = false));
  }, 2_000);
  deliverer.unref();
  const anchoring = setInterval(() => void anchorer.tick(), AUDIT_ANCHOR_EVERY_MS);
  anchoring.unref();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping Rollcall`);
    clearInterval(sweeper);
    clearInterval(deliverer);
    clearInterval(anchoring);
    servicesWatch?.stop();
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await engine.stop().catch(() => {});
    await demoService?.stop().catch(() => {});
    await drillService?.stop().catch(() => {});
    await flags.close().catch(() => {});
    await sockets.close().catch(() => {});
    httpServer.closeAllConnections?.();
    await anchorer.stop();
    await db().$disconnect().catch(() => {});
    await stopEmbedded();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
