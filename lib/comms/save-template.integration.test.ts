import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { withAuditDown } from "../../test/audit-down";
import { appError } from "../../test/app-error";
import type { Db } from "../db/client";
import type { Ctx } from "../auth/actor";
import type { RoleName } from "../auth/permissions";
import { restoreTemplateVersion, saveTemplateVersion } from "./save-template";
import { currentTemplates } from "./template-store";
import { templateHistory } from "./template-queries";
import { DEFAULT_TEMPLATES } from "../../templates/default-templates";

let db: Db;
let drop: () => Promise<void>;
const ctxs = {} as Record<RoleName, Ctx>;

beforeAll(async () => {
  ({ db, drop } = await freshDatabase("tpl"));
  for (const role of ["viewer", "oncall", "teamlead", "admin"] as const) {
    const u = await db.user.create({ data: { email: `${role}@tpl.test`, name: `Person ${role}`, role } });
    ctxs[role] = { actor: { type: "user", id: u.id, email: u.email, name: u.name, role } };
  }
});
afterAll(async () => {
  await drop();
});

const seed = DEFAULT_TEMPLATES.find((t) => t.name === "emergency-notification")!;
const edit = (over: Record<string, unknown> = {}) => ({ name: seed.name, audience: seed.audience, subject: seed.subject, body: `${seed.body}\nBridge: #war-room`, baseVersion: "0", ...over });
const templateAudits = () => db.auditEvent.findMany({ where: { targetType: "template" }, orderBy: { id: "asc" }, select: { action: true, actorLabel: true, targetId: true, before: true, after: true } });

describe("saving a template version", () => {
  it.each(["viewer", "oncall", "teamlead"] as const)("refuses a %s before looking at the input, and writes nothing", async (role) => {
    const err = await appError(saveTemplateVersion({ ctx: ctxs[role], input: edit() }));
    expect(err.code).toBe("FORBIDDEN");
    expect(err.message).toContain("comms.manage");
    const err2 = await appError(restoreTemplateVersion({ ctx: ctxs[role], input: { name: seed.name, version: 0 } }));
    expect(err2.code).toBe("FORBIDDEN");
    expect(await db.messageTemplate.count()).toBe(0);
    expect(await templateAudits()).toEqual([]);
  });

  it("refuses an unknown variable and an unbalanced brace with field errors that give the position and the allowed names", async () => {
    const err = await appError(saveTemplateVersion({ ctx: ctxs.admin, input: edit({ subject: "Update on {{ key }", body: "Hello {{ customerName }}\nfrom {{ commander }}" }) }));
    expect(err.code).toBe("VALIDATION");
    expect(err.fieldErrors.body?.[0]).toContain('Unknown variable "customerName"');
    expect(err.fieldErrors.body?.[0]).toContain("line 1, column 7");
    expect(err.fieldErrors.body?.[0]).toContain("allowed: key, title, services, severity");
    expect(err.fieldErrors.subject?.[0]).toContain('"{{" is never closed');
    expect(await db.messageTemplate.count()).toBe(0);
    expect(await templateAudits()).toEqual([]);
  });

  it("refuses malformed input with field errors", async () => {
    const err = await appError(saveTemplateVersion({ ctx: ctxs.admin, input: { name: "Bad Name!", audience: "everyone", subject: " ", body: "" } }));
    expect(err.code).toBe("VALIDATION");
    expect(Object.keys(err.fieldErrors).sort()).toEqual(["audience", "body", "name", "subject"]);
    expect(await db.messageTemplate.count()).toBe(0);
  });

  it("keeps every version, numbers them, writes an audit row per save, and refuses a stale base version", async () => {
    const v1 = await saveTemplateVersion({ ctx: ctxs.admin, input: edit() });
    expect(v1.version).toBe(1);
    const v2 = await saveTemplateVersion({ ctx: ctxs.admin, input: edit({ body: "Second {{ key }}", baseVersion: "1" }) });
    expect(v2.version).toBe(2);

    // An editor still showing version 1 must not silently overwrite version 2.
    const stale = await appError(saveTemplateVersion({ ctx: ctxs.admin, input: edit({ body: "Stale {{ key }}", baseVersion: "1" }) }));
    expect(stale.code).toBe("CONFLICT");
    expect(stale.message).toContain("version 2");

    const history = await templateHistory(db, seed.name);
    expect(history.map((h) => h.version)).toEqual([2, 1, 0]);
    expect(history[0]).toMatchObject({ body: "Second {{ key }}", savedBy: "Person admin" });
    expect(history[1]!.body).toContain("Bridge: #war-room");
    expect(history[2]).toMatchObject({ body: seed.body, savedAt: null });

    const current = (await currentTemplates(db)).find((t) => t.name === seed.name)!;
    expect(current).toMatchObject({ version: 2, body: "Second {{ key }}", title: seed.title });

    const audits = await templateAudits();
    expect(audits).toEqual([
      { action: "template.save", actorLabel: "Person admin", targetId: seed.name, before: null, after: { version: 1, audience: seed.audience, subject: seed.subject } },
      { action: "template.save", actorLabel: "Person admin", targetId: seed.name, before: { version: 1 }, after: { version: 2, audience: seed.audience, subject: seed.subject } },
    ]);
  });

  it("restores an old version (or the seed text) as a new version, with an audit row", async () => {
    const r = await restoreTemplateVersion({ ctx: ctxs.admin, input: { name: seed.name, version: "1" } });
    expect(r.version).toBe(3);
    const r0 = await restoreTemplateVersion({ ctx: ctxs.admin, input: { name: seed.name, version: "0" } });
    expect(r0.version).toBe(4);
    const history = await templateHistory(db, seed.name);
    expect(history.map((h) => h.version)).toEqual([4, 3, 2, 1, 0]);
    expect(history[1]!.body).toBe(history[3]!.body);
    expect(history[0]!.body).toBe(seed.body);
    const last = (await templateAudits()).at(-1);
    expect(last).toMatchObject({ action: "template.restore", before: { version: 3 }, after: { version: 4, restoredFrom: 0 } });
    expect((await appError(restoreTemplateVersion({ ctx: ctxs.admin, input: { name: seed.name, version: 99 } }))).code).toBe("NOT_FOUND");
  });

  it("stores a browser's CRLF line breaks as LF", async () => {
    const latest = (await templateHistory(db, seed.name))[0]!.version;
    await saveTemplateVersion({ ctx: ctxs.admin, input: edit({ body: "Line one {{ key }}\r\nLine two\r\n", baseVersion: String(latest) }) });
    expect((await templateHistory(db, seed.name))[0]!.body).toBe("Line one {{ key }}\nLine two\n");
  });

  it("creates a new template under a new name only", async () => {
    const taken = await appError(saveTemplateVersion({ ctx: ctxs.admin, input: edit({ create: "1" }) }));
    expect(taken.code).toBe("CONFLICT");
    expect(taken.fieldErrors.name).toBeDefined();
    const created = await saveTemplateVersion({ ctx: ctxs.admin, input: { name: "db-maintenance", audience: "customers", subject: "Maintenance on {{ services }}", body: "We are restoring {{ services }}.", create: "1" } });
    expect(created).toMatchObject({ name: "db-maintenance", version: 1 });
    expect((await currentTemplates(db)).map((t) => t.name)).toContain("db-maintenance");
    const missing = await appError(saveTemplateVersion({ ctx: ctxs.admin, input: { name: "no-such-template", audience: "internal", subject: "s", body: "b" } }));
    expect(missing.code).toBe("NOT_FOUND");
  });

  it("does not keep the version when its audit row cannot be written", async () => {
    const before = await db.messageTemplate.count();
    // The audit insert fails inside the verb's own transaction.
    await withAuditDown(db, () => expect(saveTemplateVersion({ ctx: ctxs.admin, input: { name: "db-maintenance", audience: "customers", subject: "s", body: "b", baseVersion: "1" } })).rejects.toThrow(/audit store unavailable/));
    expect(await db.messageTemplate.count()).toBe(before);
    expect((await templateHistory(db, "db-maintenance")).map((h) => h.version)).toEqual([1]);
  });
});
