import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { SYSTEM } from "../auth/actor.ts";
import type { Db } from "../db/client.ts";
import { isAppError } from "../errors.ts";
import { createIntegration, rotateIntegrationToken } from "../alerts/integrations.ts";

// The quick start's Alertmanager integration, so `npm run demo:alert` (and prometheus/alertmanager.demo.yml)
// can post alerts out of the box. Its token is shown once by design; the demo keeps it in a file
// beside its data (mode 0600), and a lost file gets a fresh token (rotation is audited).

export const DEMO_INTEGRATION = { name: "Demo Alertmanager", slug: "demo-alertmanager" } as const;

export function demoTokenFile(dataDir: string): string {
  return path.join(dataDir, "demo-alertmanager-token");
}

async function keep(file: string, token: string) {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${token}\n`, { mode: 0o600 });
}

export type DemoIntegration = { slug: string; tokenFile: string; created: boolean; rotated: boolean };

export async function ensureDemoIntegration(db: Db, dataDir: string): Promise<DemoIntegration> {
  const tokenFile = demoTokenFile(dataDir);
  const existing = await db.alertIntegration.findUnique({ where: { slug: DEMO_INTEGRATION.slug }, select: { id: true } });
  if (existing) {
    if (existsSync(tokenFile) && (await readFile(tokenFile, "utf8")).trim()) return { slug: DEMO_INTEGRATION.slug, tokenFile, created: false, rotated: false };
    const { token } = await rotateIntegrationToken({ ctx: { actor: SYSTEM }, input: { integrationId: existing.id } });
    await keep(tokenFile, token);
    return { slug: DEMO_INTEGRATION.slug, tokenFile, created: false, rotated: true };
  }
  try {
    const { token } = await createIntegration({ ctx: { actor: SYSTEM }, input: { name: DEMO_INTEGRATION.name, slug: DEMO_INTEGRATION.slug, kind: "alertmanager" } });
    await keep(tokenFile, token);
    return { slug: DEMO_INTEGRATION.slug, tokenFile, created: true, rotated: false };
  } catch (err) {
    // Another instance created it a moment ago: that one wrote the token.
    if (isAppError(err) && err.code === "CONFLICT") return { slug: DEMO_INTEGRATION.slug, tokenFile, created: false, rotated: false };
    throw err;
  }
}
