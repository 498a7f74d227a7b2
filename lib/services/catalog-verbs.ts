import { db, type Tx } from "../db/client.ts";
import type { Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { appendAudit } from "../audit/index.ts";
import { publish } from "../realtime/publish.ts";
import { rooms } from "../realtime/events.ts";
import { SERVICE_CATALOG_LOCK } from "../db/locks.ts";
import { runbooks as loadRunbooks } from "../runs/runbook-registry.ts";
import { checkServiceRunbooks } from "./rollback-runbooks.ts";
import { catalogSelect } from "./catalog-select.ts";
import { ZArchiveService, ZCreateService, ZSetServiceVersions, ZUpdateService, type ServiceFields } from "./schemas.ts";

// The service catalogue's verbs for people. SERVICES_FILE writes through lib/services/apply-catalog.ts,
// under the same lock, and the services it manages are read-only here (versions aside).


/** The loaded runbooks' names and parameters, for checking a service's runbooks. */
export async function loadedRunbookInfo() {
  return (await loadRunbooks()).runbooks.map((l) => ({ name: l.runbook.name, parameters: l.runbook.parameters }));
}

async function assertRunbooks(fields: Pick<ServiceFields, "runbooks" | "environments">) {
  const problems = checkServiceRunbooks(fields.runbooks, fields.environments, await loadedRunbookInfo());
  if (problems.length) throw new AppError("VALIDATION", "Please correct the rollback runbooks.", { runbooks: problems.map((p) => p.message) });
}

async function lockCatalog(tx: Tx) {
  await tx.$executeRaw`select pg_advisory_xact_lock(${SERVICE_CATALOG_LOCK})`;
}

async function assertNameFree(tx: Tx, name: string, exceptId?: string) {
  const clash = await tx.service.findUnique({ where: { name }, select: { id: true, archivedAt: true } });
  if (!clash || clash.id === exceptId) return;
  const message = clash.archivedAt ? "An archived service has that name: restore it instead." : "A service with that name exists.";
  throw new AppError("CONFLICT", message, { name: [message] });
}

function assertHandManaged(s: { source: string; sourceRef: string | null; name: string }) {
  if (s.source === "file") {
    throw new AppError("CONFLICT", `${s.name} is managed by the services file${s.sourceRef ? ` (${s.sourceRef})` : ""}: change it there.`);
  }
}

function changed(id: string) {
  publish([rooms.board], "service:changed", { id, at: new Date().toISOString() });
}

export async function createService({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "service.manage");
  const parsed = ZCreateService.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const data = parsed.data;
  await assertRunbooks(data);
  const created = await db().$transaction(async (tx) => {
    await lockCatalog(tx);
    await assertNameFree(tx, data.name);
    const s = await tx.service.create({ data: { ...data, source: "manual" }, select: { id: true, name: true } });
    await appendAudit(tx, ctx, { action: "service.create", targetType: "service", targetId: s.id, after: data });
    return s;
  });
  changed(created.id);
  return created;
}

export async function updateService({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "service.manage");
  const parsed = ZUpdateService.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { id, ...data } = parsed.data;
  await assertRunbooks(data);
  await db().$transaction(async (tx) => {
    await lockCatalog(tx);
    const before = await tx.service.findUnique({ where: { id }, select: catalogSelect });
    if (!before) throw new AppError("NOT_FOUND", "That service no longer exists.");
    assertHandManaged(before);
    if (data.name !== before.name) await assertNameFree(tx, data.name, id);
    await tx.service.update({ where: { id }, data });
    await appendAudit(tx, ctx, { action: "service.update", targetType: "service", targetId: id, before, after: data });
  });
  changed(id);
}

export async function setServiceVersions({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "service.manage");
  const parsed = ZSetServiceVersions.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { id, ...data } = parsed.data;
  await db().$transaction(async (tx) => {
    const before = await tx.service.findUnique({ where: { id }, select: { name: true, currentVersion: true, lastKnownGoodVersion: true } });
    if (!before) throw new AppError("NOT_FOUND", "That service no longer exists.");
    await tx.service.update({ where: { id }, data });
    await appendAudit(tx, ctx, { action: "service.versions", targetType: "service", targetId: id, before, after: { name: before.name, ...data } });
  });
  changed(id);
}

/** Archive (leaves the declare form and the status page, keeps history) or restore. */
export async function archiveService({ ctx, input }: { ctx: Ctx; input: unknown }, now = new Date()) {
  assertCan(ctx.actor, "service.manage");
  const parsed = ZArchiveService.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { id, archived } = parsed.data;
  await db().$transaction(async (tx) => {
    await lockCatalog(tx);
    const before = await tx.service.findUnique({ where: { id }, select: { name: true, archivedAt: true, source: true, sourceRef: true } });
    if (!before) throw new AppError("NOT_FOUND", "That service no longer exists.");
    assertHandManaged(before);
    if (Boolean(before.archivedAt) === archived) return;
    await tx.service.update({ where: { id }, data: { archivedAt: archived ? now : null } });
    await appendAudit(tx, ctx, {
      action: archived ? "service.archive" : "service.restore",
      targetType: "service",
      targetId: id,
      before: { name: before.name, archivedAt: before.archivedAt },
      after: { name: before.name, archivedAt: archived ? now : null },
    });
  });
  changed(id);
}

/** Only a service that never had an incident may be deleted (a typo); others are archived. */
export async function deleteService({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "service.manage");
  const parsed = ZArchiveService.pick({ id: true }).safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { id } = parsed.data;
  await db().$transaction(async (tx) => {
    await lockCatalog(tx);
    const before = await tx.service.findUnique({ where: { id }, select: { ...catalogSelect, _count: { select: { incidents: true } } } });
    if (!before) throw new AppError("NOT_FOUND", "That service no longer exists.");
    assertHandManaged(before);
    const { _count, ...kept } = before;
    if (_count.incidents > 0) {
      throw new AppError("CONFLICT", `${before.name} has ${_count.incidents} incident${_count.incidents === 1 ? "" : "s"} on record: archive it instead, so its history stays.`);
    }
    await tx.service.delete({ where: { id } });
    await appendAudit(tx, ctx, { action: "service.delete", targetType: "service", targetId: id, before: kept });
  });
  changed(id);
}
