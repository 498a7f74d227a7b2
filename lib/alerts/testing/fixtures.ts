import { randomBytes, randomUUID } from "node:crypto";
import type { Db } from "../../db/client.ts";
import type { Ctx } from "../../auth/actor.ts";
import { SYSTEM } from "../../auth/actor.ts";
import { runbook, runbookDir } from "../../runs/testing/harness.ts";
import { setEnv } from "../../env.ts";
import { createIntegration } from "../integrations.ts";

// What the alert tests share: a runbook that rolls a service back to a version, services with
// versions, an on-call person first on the escalation path, and integrations made by the real verb.

export const ROLLBACK_RUNBOOK = "svc-rollback";

export function setUpRunbooks() {
  // One shell step; no engine runs in these tests, so a started run stays running.
  runbookDir().write(
    runbook(ROLLBACK_RUNBOOK, [{ id: "deploy", title: "Deploy {{ params.version }}", executor: "shell", params: { argv: ["echo", "{{ params.version }}"] } }], {
      parameters: [{ name: "version", type: "version", required: true }],
    }),
  );
}

export function setUpCommsKey() {
  setEnv("COMMS_KEY", randomBytes(32).toString("base64"));
  (globalThis as { __rollcallCommsKey?: unknown }).__rollcallCommsKey = undefined;
}

export async function makeService(db: Db, name: string, v: { current?: string | null; lkg?: string | null; runbook?: boolean } = {}) {
  return db.service.create({
    data: {
      name, tier: "Critical", rtoMinutes: 5, rpoMinutes: 1, ownerTeam: "Payments",
      currentVersion: v.current === undefined ? "v2" : v.current, lastKnownGoodVersion: v.lkg === undefined ? "v1" : v.lkg,
      runbooks: v.runbook === false ? [] : [{ runbook: ROLLBACK_RUNBOOK, defaults: {} }],
    },
    select: { id: true, name: true },
  });
}

/** An on-call user who is the escalation path's first contact (the commander of declared incidents). */
export async function makeOnCall(db: Db, channel?: { id: string }) {
  const user = await db.user.create({ data: { email: `oncall-${randomUUID()}@example.test`, name: "Olivia On-call", role: "oncall" }, select: { id: true, name: true } });
  const contact = await db.contact.create({
    data: { name: "Olivia On-call", title: "On-call engineer", userId: user.id, ...(channel ? { channels: { create: [{ channelId: channel.id }] } } : {}) },
    select: { id: true },
  });
  const last = await db.escalationPathVersion.findFirst({ orderBy: { version: "desc" }, select: { version: true } });
  await db.escalationPathVersion.create({
    data: { version: (last?.version ?? 0) + 1, steps: [{ afterMinutes: 0, role: "On-call engineer", contactIds: [contact.id] }], createdByLabel: "test" },
  });
  return { user, contact };
}

export async function makeIntegration(input: Record<string, unknown>, ctx: Ctx = { actor: SYSTEM }) {
  return createIntegration({ ctx, input: { name: `Test ${randomUUID().slice(0, 8)}`, kind: "alertmanager", ...input } });
}

export type Posted = { status: number; json: Record<string, unknown> };

export async function postAlert(baseUrl: string, slug: string, body: unknown, token: string | null, headers: Record<string, string> = {}): Promise<Posted> {
  const res = await fetch(`${baseUrl}/api/alerts/${slug}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: res.status, json };
}
