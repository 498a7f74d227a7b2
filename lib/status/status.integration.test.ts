import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import type { Db } from "../db/client";
import type { Ctx } from "../auth/actor";
import type { RoleName } from "../auth/permissions";
import { createIncident } from "../incidents/create-incident";
import { addNote } from "../incidents/add-note";
import { isAppError } from "../errors";
import { postPublicUpdate, setServiceState } from "./publish-status";
import { publicStatus } from "./queries";

let db: Db;
let drop: () => Promise<void>;
const ctxs = {} as Record<RoleName, Ctx>;
let serviceId: string;

beforeAll(async () => {
  ({ db, drop } = await freshDatabase("status"));
  for (const role of ["viewer", "oncall", "teamlead", "productowner", "admin"] as const) {
    const u = await db.user.create({ data: { email: `${role}@status.test`, name: `Person ${role}`, role } });
    ctxs[role] = { actor: { type: "user", id: u.id, email: u.email, name: u.name, role } };
  }
  serviceId = (await db.service.create({ data: { name: "Payments", tier: "Critical", rtoMinutes: 5, rpoMinutes: 1, ownerTeam: "Pay" } })).id;
});
afterAll(async () => drop());

async function refused(p: Promise<unknown>) {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(isAppError(err) && err.code).toBe("FORBIDDEN");
}

describe("status page", () => {
  it("shows an incident only after a public update, in public words only", async () => {
    const inc = await createIncident({
      ctx: ctxs.oncall,
      input: { title: "pgbouncer pool exhausted on db-7 after v2.14.0", summary: "internal: ping @omar", trigger: "pool > 95% for 5 min", severity: "HIGH", serviceIds: [serviceId] },
    });
    await addNote({ ctx: ctxs.oncall, input: { key: inc.key, note: "SECRET internal note: rollback to v2.13.4 on db-7" } });
    expect((await publicStatus()).incidents).toHaveLength(0);

    await postPublicUpdate({ ctx: ctxs.oncall, input: { key: inc.key, publicTitle: "Payments are failing for some customers", status: "identified", body: "We found the cause and are rolling back." } });
    await setServiceState({ ctx: ctxs.oncall, input: { key: inc.key, serviceId, state: "partial_outage" } });

    const s = await publicStatus();
    expect(s.overall).toBe("partial_outage");
    expect(s.incidents.map((i) => [i.title, i.updates.map((u) => u.status)])).toEqual([["Payments are failing for some customers", ["identified"]]]);
    expect(s.services.find((x) => x.name === "Payments")?.history.at(-1)?.worst).toBe("partial_outage");
    const json = JSON.stringify(s);
    for (const secret of [inc.key, "pgbouncer", "db-7", "v2.14.0", "SECRET", "@omar", "status.test", "Person oncall", "pool > 95%"]) {
      expect(json, `public JSON must not contain ${secret}`).not.toContain(secret);
    }
  });

  it("refuses viewers and product owners, and validates the words", async () => {
    const inc = await createIncident({ ctx: ctxs.oncall, input: { title: "Another one", trigger: "manual", severity: "LOW", serviceIds: [serviceId] } });
    const input = { key: inc.key, publicTitle: "Slow pages", status: "investigating", body: "We are looking into slow pages." };
    await refused(postPublicUpdate({ ctx: ctxs.viewer, input }));
    await refused(postPublicUpdate({ ctx: ctxs.productowner, input }));
    await refused(setServiceState({ ctx: ctxs.viewer, input: { serviceId, state: "major_outage" } }));
    const short = await postPublicUpdate({ ctx: ctxs.oncall, input: { ...input, body: "short" } }).then(() => null, (e: unknown) => e);
    expect(isAppError(short) && short.fieldErrors.body?.[0]).toMatch(/at least 10/);
    expect(await db.publicUpdate.count({ where: { incident: { key: inc.key } } })).toBe(0);
    const audit = await db.auditEvent.count({ where: { action: "status.public_update" } });
    await postPublicUpdate({ ctx: ctxs.teamlead, input });
    expect(await db.auditEvent.count({ where: { action: "status.public_update" } })).toBe(audit + 1);
  });
});
