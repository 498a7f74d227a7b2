import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { appError } from "../../test/app-error";
import { withAuditDown } from "../../test/audit-down";
import type { Db } from "../db/client";
import type { Ctx } from "../auth/actor";
import type { RoleName } from "../auth/permissions";
import { createIncident } from "../incidents/create-incident";
import { publicStatus } from "../status/queries";
import { archiveService, createService, deleteService, setServiceVersions, updateService } from "./catalog-verbs";
import { importCatalog } from "./import-catalog";
import { listServices } from "./queries";
import { applyServicesFile, readServicesFileStatus } from "./services-file";

const ROOT = path.resolve(import.meta.dirname, "../..");
const drops: (() => Promise<void>)[] = [];
let dir: string;

afterAll(async () => {
  for (const drop of drops) await drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function fresh(): Promise<Db> {
  const f = await freshDatabase("services");
  drops.push(f.drop);
  return f.db;
}

async function userCtx(db: Db, role: RoleName): Promise<Ctx> {
  const u = await db.user.create({ data: { email: `${role}-${randomUUID()}@example.test`, name: `Test ${role}`, role }, select: { id: true, email: true, name: true, role: true } });
  return { actor: { type: "user", ...u }, ip: "192.0.2.20" };
}

const payments = {
  name: "Payments",
  description: "Card payments",
  tier: "Critical",
  rtoMinutes: "5",
  rpoMinutes: "1",
  ownerTeam: "Payments",
  environments: ["production", "staging"],
  runbooks: [{ runbook: "demo-service", defaults: { production: { target_version: "v1" }, staging: { target_version: "v1-rc" } } }],
  onStatusPage: true,
  publicName: "Checkout",
  currentVersion: "v2",
  lastKnownGoodVersion: "v1",
};

describe("service catalogue verbs", () => {
  let db: Db;
  let admin: Ctx;
  beforeAll(async () => {
    db = await fresh();
    admin = await userCtx(db, "admin");
  });

  it("an admin creates a service with RTO/RPO, environments and a runbook with per-environment defaults, audited", async () => {
    const s = await createService({ ctx: admin, input: payments });
    const row = await db.service.findUniqueOrThrow({ where: { id: s.id } });
    expect(row).toMatchObject({ name: "Payments", rtoMinutes: 5, rpoMinutes: 1, environments: ["production", "staging"], publicName: "Checkout", source: "manual", archivedAt: null });
    expect(row.runbooks).toEqual(payments.runbooks);
    const audit = await db.auditEvent.findMany({ where: { action: "service.create", targetId: s.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorRole: "admin" });
    expect((await listServices()).map((x) => x.name)).toContain("Payments");
  });

  it("refuses a runbook that is not loaded, a parameter the runbook does not declare, a bad value and an unknown environment, writing nothing", async () => {
    const before = await db.service.count();
    const cases = [
      [{ runbook: "demo-servce", defaults: {} }, "no runbook named demo-servce is loaded"],
      [{ runbook: "demo-service", defaults: { production: { version: "v1" } } }, "version is not a parameter of runbook demo-service"],
      [{ runbook: "demo-service", defaults: { production: { target_version: "-rf" } } }, "target_version must be"],
      [{ runbook: "demo-service", defaults: { qa: { target_version: "v1" } } }, "qa is not one of this service's environments"],
    ] as const;
    for (const [rb, message] of cases) {
      const err = await appError(createService({ ctx: admin, input: { ...payments, name: `Other ${randomUUID().slice(0, 6)}`, runbooks: [rb] } }));
      expect(err.code).toBe("VALIDATION");
      expect(err.fieldErrors.runbooks?.join(" ")).toContain(message);
    }
    expect(await db.service.count()).toBe(before);
  });

  it("gives clear field errors for a missing name, a bad RTO and a duplicate name", async () => {
    const bad = await appError(createService({ ctx: admin, input: { ...payments, name: "", rtoMinutes: "soon" } }));
    expect(bad.fieldErrors.name).toBeDefined();
    expect(bad.fieldErrors.rtoMinutes?.[0]).toContain("RTO must be a number");
    const dup = await appError(createService({ ctx: admin, input: payments }));
    expect(dup.code).toBe("CONFLICT");
    expect(dup.fieldErrors.name).toEqual(["A service with that name exists."]);
  });

  it("edits a service, and sets versions, each audited with before and after", async () => {
    const [s] = await db.service.findMany({ where: { name: "Payments" } });
    await updateService({ ctx: admin, input: { ...payments, id: s!.id, rtoMinutes: "10", ownerTeam: "Checkout team" } });
    expect(await db.service.findUniqueOrThrow({ where: { id: s!.id } })).toMatchObject({ rtoMinutes: 10, ownerTeam: "Checkout team" });
    const upd = await db.auditEvent.findFirstOrThrow({ where: { action: "service.update", targetId: s!.id } });
    expect(upd.before).toMatchObject({ rtoMinutes: 5, ownerTeam: "Payments" });
    expect(upd.after).toMatchObject({ rtoMinutes: 10, ownerTeam: "Checkout team" });
    await setServiceVersions({ ctx: admin, input: { id: s!.id, currentVersion: "v3", lastKnownGoodVersion: "v2" } });
    expect(await db.service.findUniqueOrThrow({ where: { id: s!.id } })).toMatchObject({ currentVersion: "v3", lastKnownGoodVersion: "v2" });
  });

  it("archives a service with incidents (never deletes it): it leaves the declare list and the status page, keeps its history, and can be restored", async () => {
    const oncall = await userCtx(db, "oncall");
    const [s] = await db.service.findMany({ where: { name: "Payments" } });
    const inc = await createIncident({ ctx: oncall, input: { title: "Payments failing", trigger: "Error rate > 5%", severity: "HIGH", serviceIds: [s!.id] } });
    const del = await appError(deleteService({ ctx: admin, input: { id: s!.id } }));
    expect(del.message).toContain("archive it instead");

    expect((await publicStatus()).services.map((x) => x.name)).toContain("Checkout");
    await archiveService({ ctx: admin, input: { id: s!.id, archived: true } });
    expect((await listServices()).map((x) => x.name)).not.toContain("Payments");
    expect((await listServices({ includeArchived: true })).find((x) => x.name === "Payments")?.incidentCount).toBe(1);
    expect((await publicStatus()).services.map((x) => x.name)).not.toContain("Checkout");
    expect(await db.incidentService.count({ where: { serviceId: s!.id, incidentId: inc.id } })).toBe(1);

    const declare = await appError(createIncident({ ctx: oncall, input: { title: "Again", trigger: "Error rate > 5%", severity: "HIGH", serviceIds: [s!.id] } }));
    expect(declare.fieldErrors.serviceIds?.[0]).toContain("Payments is archived");

    await archiveService({ ctx: admin, input: { id: s!.id, archived: false } });
    expect((await listServices()).map((x) => x.name)).toContain("Payments");
    const actions = (await db.auditEvent.findMany({ where: { targetId: s!.id }, orderBy: { id: "asc" }, select: { action: true } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["service.archive", "service.restore"]));
  });

  it("hides a service from the status page when asked, and deletes one that never had an incident", async () => {
    const s = await createService({ ctx: admin, input: { ...payments, name: "Internal tool", publicName: "", onStatusPage: false, runbooks: [] } });
    expect((await publicStatus()).services.map((x) => x.name)).not.toContain("Internal tool");
    await deleteService({ ctx: admin, input: { id: s.id } });
    expect(await db.service.findUnique({ where: { id: s.id } })).toBeNull();
    expect(await db.auditEvent.count({ where: { action: "service.delete", targetId: s.id } })).toBe(1);
  });

  it("every role but admin is refused every catalogue verb, and nothing changes", async () => {
    const [s] = await db.service.findMany({ where: { name: "Payments" } });
    const before = JSON.stringify(await db.service.findMany({ orderBy: { name: "asc" } }));
    for (const role of ["viewer", "oncall", "teamlead", "productowner"] as const) {
      const ctx = await userCtx(db, role);
      for (const call of [
        () => createService({ ctx, input: { ...payments, name: `By ${role}` } }),
        () => updateService({ ctx, input: { ...payments, id: s!.id, rtoMinutes: "60" } }),
        () => setServiceVersions({ ctx, input: { id: s!.id, currentVersion: "evil" } }),
        () => archiveService({ ctx, input: { id: s!.id, archived: true } }),
        () => deleteService({ ctx, input: { id: s!.id } }),
        () => importCatalog({ ctx, input: { text: "services: []" } }),
      ]) {
        expect((await appError(call())).code).toBe("FORBIDDEN");
      }
    }
    expect(JSON.stringify(await db.service.findMany({ orderBy: { name: "asc" } }))).toBe(before);
  });

  it("without its audit row, no service is created, edited or archived", async () => {
    const [s] = await db.service.findMany({ where: { name: "Payments" } });
    const before = JSON.stringify(await db.service.findMany({ orderBy: { name: "asc" } }));
    await withAuditDown(db, async () => {
      await expect(createService({ ctx: admin, input: { ...payments, name: "Unaudited" } })).rejects.toThrow();
      await expect(updateService({ ctx: admin, input: { ...payments, id: s!.id, rtoMinutes: "99" } })).rejects.toThrow();
      await expect(archiveService({ ctx: admin, input: { id: s!.id, archived: true } })).rejects.toThrow();
    });
    expect(JSON.stringify(await db.service.findMany({ orderBy: { name: "asc" } }))).toBe(before);
  });
});

describe("SERVICES_FILE", () => {
  let db: Db;
  let file: string;
  beforeAll(async () => {
    db = await fresh();
    dir = await mkdtemp(path.join(tmpdir(), "rollcall-services-"));
    file = path.join(dir, "services.yaml");
    await writeFile(file, await readFile(path.join(ROOT, "catalog/services.example.yaml"), "utf8"));
  });

  const snapshot = async () => JSON.stringify(await db.service.findMany({ orderBy: { name: "asc" } }));

  it("applies the example file: seed 002's services, managed by the file", async () => {
    const r = await applyServicesFile(db, file);
    expect(r.status.errors).toEqual([]);
    expect(r.summary?.created.sort()).toEqual(["Analytics", "Core API", "Database", "File Storage", "User Auth"]);
    const rows = await db.service.findMany({ orderBy: { name: "asc" }, select: { name: true, source: true, rtoMinutes: true, rpoMinutes: true } });
    expect(rows.every((r) => r.source === "file")).toBe(true);
    expect(rows.find((r) => r.name === "Database")).toMatchObject({ rtoMinutes: 15, rpoMinutes: 5 });
    expect(await db.auditEvent.count({ where: { action: "service.file_create" } })).toBe(5);
  });

  it("applied twice is a no-op: nothing written, nothing audited", async () => {
    const services = await snapshot();
    const audits = await db.auditEvent.count();
    const status = await readServicesFileStatus(db);
    const r = await applyServicesFile(db, file);
    expect(r.summary).toBeNull();
    expect(await snapshot()).toBe(services);
    expect(await db.auditEvent.count()).toBe(audits);
    expect(await readServicesFileStatus(db)).toEqual(status);
  });

  it("a broken edit keeps the last good catalogue and says why (file, line, field)", async () => {
    const good = await readFile(file, "utf8");
    const services = await snapshot();
    await writeFile(file, good.replace("rtoMinutes: 15", "rtoMinutes: fifteen"));
    const r = await applyServicesFile(db, file);
    expect(r.status.errors[0]).toMatchObject({ path: "services.2.rtoMinutes", message: expect.stringContaining("RTO must be a number") });
    expect(r.status.errors[0]!.line).toBeGreaterThan(1);
    expect(r.status.appliedVersion).not.toBeNull();
    expect(await snapshot()).toBe(services);
    expect((await readServicesFileStatus(db))?.errors).toHaveLength(1);

    await writeFile(file, good.replace("runbook: database-only", "runbook: databse-only"));
    const unknown = await applyServicesFile(db, file);
    expect(unknown.status.errors[0]?.message).toContain("no runbook named databse-only is loaded");
    expect(await snapshot()).toBe(services);

    await writeFile(file, good);
    const fixed = await applyServicesFile(db, file);
    expect(fixed.status.errors).toEqual([]);
    expect(await snapshot()).toBe(services);
  });

  it("file-managed services are read-only in the UI (versions aside); a change in the file updates, a removal archives", async () => {
    const admin = await userCtx(db, "admin");
    const core = await db.service.findUniqueOrThrow({ where: { name: "Core API" } });
    const err = await appError(updateService({ ctx: admin, input: { ...payments, id: core.id, name: "Core API" } }));
    expect(err.message).toContain("managed by the services file");
    expect((await appError(archiveService({ ctx: admin, input: { id: core.id, archived: true } }))).code).toBe("CONFLICT");
    await setServiceVersions({ ctx: admin, input: { id: core.id, currentVersion: "v2.14.0", lastKnownGoodVersion: "v2.13.4" } });

    const good = await readFile(file, "utf8");
    const withoutAnalytics = good.slice(0, good.indexOf("  - name: Analytics"));
    await writeFile(file, withoutAnalytics.replace("rtoMinutes: 30", "rtoMinutes: 20"));
    const r = await applyServicesFile(db, file);
    expect(r.summary).toMatchObject({ updated: ["File Storage"], archived: ["Analytics"], created: [] });
    expect(await db.service.findUniqueOrThrow({ where: { name: "Analytics" } })).toMatchObject({ archivedAt: expect.any(Date) });
    expect(await db.service.findUniqueOrThrow({ where: { name: "Core API" } })).toMatchObject({ currentVersion: "v2.14.0" });

    await writeFile(file, good);
    const back = await applyServicesFile(db, file);
    expect(back.summary?.restored).toEqual(["Analytics"]);
    expect(back.summary?.updated).toEqual(["File Storage"]);
  });
});

describe("Backstage catalog-info.yaml import", () => {
  it("imports the components of a several-document file, skips the rest with a reason, and a second import changes nothing", async () => {
    const db = await fresh();
    const admin = await userCtx(db, "admin");
    const text = await readFile(path.join(ROOT, "catalog/backstage.example.yaml"), "utf8");
    const withBadRunbook = `${text}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: search\n  annotations:\n    rollcall.dev/rto-minutes: "30"\n    rollcall.dev/rpo-minutes: "15"\n    rollcall.dev/runbooks: elastic-reindex\nspec: { type: service, owner: search, lifecycle: production }\n`;
    const r = await importCatalog({ ctx: admin, input: { text: withBadRunbook } });
    expect(r.created.sort()).toEqual(["Analytics", "Core API"]);
    expect(r.skipped.map((s) => s.ref).sort()).toEqual(["api:default/core-api-openapi", "component:default/search", "system:default/checkout"]);
    expect(r.skipped.find((s) => s.ref === "component:default/search")?.reason).toContain("no runbook named elastic-reindex is loaded");
    const core = await db.service.findUniqueOrThrow({ where: { name: "Core API" } });
    expect(core).toMatchObject({ source: "manual", sourceRef: "component:default/core-api", ownerTeam: "platform", system: "checkout", lifecycle: "production", rtoMinutes: 5 });
    expect(await db.auditEvent.count({ where: { action: "service.import_create" } })).toBe(2);

    const audits = await db.auditEvent.count();
    const again = await importCatalog({ ctx: admin, input: { text } });
    expect(again.created).toEqual([]);
    expect(again.unchanged.sort()).toEqual(["Analytics", "Core API"]);
    expect(await db.auditEvent.count()).toBe(audits);

    const broken = await appError(importCatalog({ ctx: admin, input: { text: "apiVersion: [" } }));
    expect(broken.fieldErrors.text?.length).toBeGreaterThan(0);
  });
});
