import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import type { Db } from "../db/client";
import type { Ctx } from "../auth/actor";
import { setEnv } from "../env";
import { isAppError } from "../errors";
import { createIncident } from "../incidents/create-incident";
import { changeStatus } from "../incidents/change-status";
import { addChannel, sendMessage } from "../comms/send-message";
import { postPublicUpdate, setServiceState } from "./publish-status";
import { publicStatus, unpostedResolution } from "./queries";

// The status page tells the truth: states follow incidents, resolution is said, progress waits,
// and unfilled placeholders never reach customers. Real PostgreSQL, the real verbs.

let db: Db;
let drop: () => Promise<void>;
let oncall: Ctx;
let admin: Ctx;

beforeAll(async () => {
  ({ db, drop } = await freshDatabase("truth"));
  setEnv("COMMS_KEY", randomBytes(32).toString("base64"));
  (globalThis as { __rollcallCommsKey?: unknown }).__rollcallCommsKey = undefined;
  for (const role of ["oncall", "admin"] as const) {
    const u = await db.user.create({ data: { email: `${role}@truth.test`, name: `Person ${role}`, role } });
    const ctx: Ctx = { actor: { type: "user", id: u.id, email: u.email, name: u.name, role } };
    if (role === "oncall") oncall = ctx;
    else admin = ctx;
  }
});
afterAll(async () => drop());

const suffix = () => randomBytes(3).toString("hex");
async function service(name = `Svc ${suffix()}`) {
  return db.service.create({ data: { name, tier: "Critical", rtoMinutes: 5, rpoMinutes: 1, ownerTeam: "Pay" }, select: { id: true, name: true } });
}
async function incident(severity: "CRITICAL" | "HIGH" | "MEDIUM" | "LOW", serviceIds: string[]) {
  return createIncident({ ctx: oncall, input: { title: `Internal ${suffix()}`, trigger: "manual", severity, serviceIds } });
}
async function publish(key: string, status = "identified", body = "We found the cause and are rolling back.") {
  await postPublicUpdate({ ctx: oncall, input: { key, publicTitle: `Public ${key.slice(-3)} ${suffix()}`, status, body, showProgress: "on" } });
}
async function resolve(key: string) {
  const { version } = await db.incident.findUniqueOrThrow({ where: { key }, select: { version: true } });
  await changeStatus({ ctx: oncall, input: { key, status: "resolved", version } });
}
const stateOf = async (name: string) => (await publicStatus()).services.find((s) => s.name === name)?.state;
const errorOf = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);

describe("service states follow public incidents (the tracker)", () => {
  it("an operational service under an open HIGH incident shows a partial outage, and the page is never 'operational' while it is open", async () => {
    const svc = await service();
    const inc = await incident("HIGH", [svc.id]);
    expect(await stateOf(svc.name)).toBe("operational"); // not public yet: no public update
    await publish(inc.key);
    const s = await publicStatus();
    expect(s.services.find((x) => x.name === svc.name)?.state).toBe("partial_outage");
    expect(s.overall).toBe("partial_outage");
    expect(s.services.find((x) => x.name === svc.name)?.history.at(-1)?.worst).toBe("partial_outage");

    // A commander sets it operational during the incident: that service says so, the page does not.
    await setServiceState({ ctx: oncall, input: { key: inc.key, serviceId: svc.id, state: "operational" } });
    expect(await stateOf(svc.name)).toBe("operational");
    expect((await publicStatus()).overall).not.toBe("operational");

    await resolve(inc.key);
    const after = await publicStatus();
    expect(after.services.find((x) => x.name === svc.name)?.state).toBe("operational");
    expect(after.overall).toBe("operational");
  });

  it("monitoring lowers a CRITICAL incident to degraded; maintenance set before it began gives way, and applies again once it ends", async () => {
    const svc = await service();
    await setServiceState({ ctx: oncall, input: { serviceId: svc.id, state: "maintenance" } });
    const inc = await incident("CRITICAL", [svc.id]);
    await publish(inc.key, "investigating");
    expect(await stateOf(svc.name)).toBe("major_outage");
    await publish(inc.key, "monitoring", "A fix is in place and we are monitoring the results.");
    expect(await stateOf(svc.name)).toBe("degraded");
    await resolve(inc.key);
    expect(await stateOf(svc.name)).toBe("maintenance");
  });
});

describe("a resolved incident's last public word", () => {
  it("resolved without a resolution update: the page says 'Resolved' at the resolution time, not 'we are monitoring'", async () => {
    const svc = await service();
    const inc = await incident("MEDIUM", [svc.id]);
    await publish(inc.key, "monitoring", "A fix is in place and we are monitoring the results.");
    const before = (await publicStatus()).incidents.find((i) => i.updates[0]?.body.startsWith("A fix is in place"))!;
    expect(before.resolved).toBe(false);
    expect(unpostedResolution(before)).toBeNull();

    await resolve(inc.key);
    const { resolvedAt } = await db.incident.findUniqueOrThrow({ where: { key: inc.key }, select: { resolvedAt: true } });
    const after = (await publicStatus()).incidents.find((i) => i.id === before.id)!;
    expect(after.resolved).toBe(true);
    // The resolution's timeline entry is written in the same transaction as resolvedAt.
    expect(Math.abs(Date.parse(after.resolvedAt!) - resolvedAt!.getTime())).toBeLessThan(1000);
    expect(unpostedResolution(after)).toEqual({ at: after.resolvedAt });
  });

  it("reopened and resolved again: the later resolution time, though resolvedAt keeps the first", async () => {
    const svc = await service();
    const inc = await incident("LOW", [svc.id]);
    await publish(inc.key, "monitoring", "A fix is in place and we are monitoring the results.");
    await resolve(inc.key);
    const first = (await db.incident.findUniqueOrThrow({ where: { key: inc.key }, select: { resolvedAt: true } })).resolvedAt!;
    const { version } = await db.incident.findUniqueOrThrow({ where: { key: inc.key }, select: { version: true } });
    await changeStatus({ ctx: oncall, input: { key: inc.key, status: "investigating", version } });
    const reopened = (await publicStatus()).incidents.find((i) => i.services.includes(svc.name))!;
    expect([reopened.resolved, reopened.resolvedAt]).toEqual([false, null]);
    await new Promise((r) => setTimeout(r, 1100));
    await resolve(inc.key);
    expect((await db.incident.findUniqueOrThrow({ where: { key: inc.key }, select: { resolvedAt: true } })).resolvedAt).toEqual(first);
    const again = (await publicStatus()).incidents.find((i) => i.services.includes(svc.name))!;
    expect(Date.parse(again.resolvedAt!) - first.getTime()).toBeGreaterThan(1000);
  });

  it("with a resolution update posted, that update is the last word", async () => {
    const svc = await service();
    const inc = await incident("LOW", [svc.id]);
    await publish(inc.key, "monitoring", "A fix is in place and we are monitoring the results.");
    await publish(inc.key, "resolved", "Uploads are back to normal speed. Thank you for your patience.");
    await resolve(inc.key);
    const i = (await publicStatus()).incidents.find((x) => x.updates[0]?.body.startsWith("Uploads are back"))!;
    expect(i.resolved).toBe(true);
    expect(unpostedResolution(i)).toBeNull();
  });
});

describe("rollback progress on the status page", () => {
  it("shows the share of steps done while the live run works, and 'waiting' (no frozen figure) while it is paused for a person", async () => {
    const svc = await service();
    const inc = await incident("HIGH", [svc.id]);
    await publish(inc.key);
    const { id: incidentId } = await db.incident.findUniqueOrThrow({ where: { key: inc.key }, select: { id: true } });
    const run = await db.run.create({
      data: { incidentId, runbookName: "rb", runbookTitle: "Internal runbook db-7", runbookVersion: "1", runbookSnapshot: {}, params: {}, mode: "live", status: "running", startedByLabel: "Omar" },
      select: { id: true },
    });
    const step = (index: number, status: "succeeded" | "running" | "pending" | "awaiting_confirmation") =>
      ({ runId: run.id, index, stepId: `s${index}`, title: `Step ${index}`, executor: "shell", params: {}, timeoutSeconds: 60, status });
    await db.stepRun.createMany({ data: [step(0, "succeeded"), step(1, "running"), step(2, "pending"), step(3, "pending")] });
    const progress = async () => (await publicStatus()).incidents.find((i) => i.services.includes(svc.name))!.progress;
    expect(await progress()).toBe(25);

    await db.stepRun.updateMany({ where: { runId: run.id, index: 1 }, data: { status: "succeeded" } });
    await db.stepRun.updateMany({ where: { runId: run.id, index: 2 }, data: { status: "awaiting_confirmation" } });
    await db.run.update({ where: { id: run.id }, data: { status: "paused", pauseReason: "Step 3 “Step 2” needs a person to confirm it." } });
    expect(await progress()).toBe("waiting");
    expect(JSON.stringify(await publicStatus())).not.toContain("needs a person to confirm");

    await db.stepRun.updateMany({ where: { runId: run.id, index: 2 }, data: { status: "succeeded" } });
    await db.run.update({ where: { id: run.id }, data: { status: "running", pauseReason: null } });
    expect(await progress()).toBe(75);
  });
});

describe("unfilled placeholders never reach customers", () => {
  it("the status page form refuses '[eta]' and '{{ … }}', naming them next to their fields; nothing is written", async () => {
    const svc = await service();
    const inc = await incident("HIGH", [svc.id]);
    const err = await errorOf(
      postPublicUpdate({ ctx: oncall, input: { key: inc.key, publicTitle: "Checkout slow for {{ services }}", status: "identified", body: "We expect normal service to resume within [eta]. Impact: {{ impact }}" } }),
    );
    expect(isAppError(err) && err.code).toBe("VALIDATION");
    expect(isAppError(err) && err.fieldErrors.body).toEqual(["Unfilled placeholders [eta], {{ impact }}: fill them in or remove them before this goes to the status page."]);
    expect(isAppError(err) && err.fieldErrors.publicTitle).toEqual(["Unfilled placeholder {{ services }}: fill it in or remove it before this goes to the status page."]);
    expect(await db.publicUpdate.count({ where: { incident: { key: inc.key } } })).toBe(0);
    expect(await db.timelineEvent.count({ where: { incident: { key: inc.key }, kind: "public_update" } })).toBe(0);
  });

  it("the composer refuses a customer message with a placeholder, to a channel or to the status page; an internal one may carry it", async () => {
    const svc = await service();
    const inc = await incident("HIGH", [svc.id]);
    // A channel nobody listens on: only what is queued matters here.
    const ch = await addChannel({ ctx: admin, input: { name: `#customers-${suffix()}`, kind: "slack", webhookUrl: "http://127.0.0.1:9/hooks/T0/B0/X" } });
    const body = "We are currently experiencing technical difficulties.\nWe expect normal service to resume within [eta].";
    const base = { key: inc.key, templateName: "customer-notice", subject: "Service disruption", body };

    const toChannel = await errorOf(sendMessage({ ctx: oncall, input: { ...base, audience: "customers", channelIds: [ch.id] } }));
    expect(isAppError(toChannel) && toChannel.fieldErrors.body).toEqual(["Unfilled placeholder [eta]: fill it in or remove it before this goes to customers."]);
    const toPage = await errorOf(sendMessage({ ctx: oncall, input: { ...base, audience: "customers", statusPage: "on", publicTitle: "Checkout is slow" } }));
    expect(isAppError(toPage) && toPage.fieldErrors.body).toEqual(["Unfilled placeholder [eta]: fill it in or remove it before this goes to the status page."]);
    const subject = await errorOf(sendMessage({ ctx: oncall, input: { ...base, audience: "customers", subject: "Disruption on [Timestamp]", body: "All good now, thank you.", channelIds: [ch.id] } }));
    expect(isAppError(subject) && subject.fieldErrors.subject).toEqual(["Unfilled placeholder [Timestamp]: fill it in or remove it before this goes to customers."]);
    expect(await db.message.count({ where: { incidentId: inc.id } })).toBe(0);
    expect(await db.publicUpdate.count({ where: { incident: { key: inc.key } } })).toBe(0);

    await sendMessage({ ctx: oncall, input: { ...base, templateName: "rollback-initiated", audience: "internal", channelIds: [ch.id] } });
    expect(await db.message.findMany({ where: { incidentId: inc.id }, select: { audience: true, body: true } })).toEqual([{ audience: "internal", body }]);

    // Filled in, the same customer notice goes out.
    await sendMessage({ ctx: oncall, input: { ...base, audience: "customers", body: body.replace("[eta]", "30 minutes"), statusPage: "on", publicTitle: "Checkout is slow" } });
    expect(await db.publicUpdate.count({ where: { incident: { key: inc.key } } })).toBe(1);
  });
});
