import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { appError } from "../../test/app-error";
import type { Db } from "../db/client";
import type { Ctx } from "../auth/actor";
import { createIncident } from "../incidents/create-incident";
import { addNote } from "../incidents/add-note";
import { createContact } from "../contacts/manage-contacts";
import { authorizeCredentials } from "../auth/credentials";
import { CLIENT_IP_HEADER } from "../auth/client-ip";

// A NUL used to reach PostgreSQL ("invalid byte sequence for encoding UTF8: 0x00") and answer 500.
// Through the real verbs, it is a validation error on the field, and nothing is written.

let db: Db;
let drop: () => Promise<void>;
let ctx: Ctx;
let key: string;

beforeAll(async () => {
  ({ db, drop } = await freshDatabase("ctl"));
  const admin = await db.user.create({
    data: { email: "ada@example.test", name: "Ada Admin", role: "admin" },
    select: { id: true, email: true, name: true, role: true },
  });
  ctx = { actor: { type: "user", ...admin }, ip: "203.0.113.5" };
  const svc = await db.service.create({ data: { name: "Checkout", tier: "Critical", rtoMinutes: 5, rpoMinutes: 1, ownerTeam: "Payments" } });
  key = (await createIncident({ ctx, input: { title: "Checkout 502s", trigger: "Error rate > 5%", severity: "HIGH", serviceIds: [svc.id] } })).key;
});

afterAll(async () => {
  await drop?.();
});

const written = async () => ({ timeline: await db.timelineEvent.count(), audit: await db.auditEvent.count(), contacts: await db.contact.count() });

describe("control characters through the verbs", () => {
  it("a NUL in a note is refused next to the note field, and nothing is written", async () => {
    const before = await written();
    const err = await appError(addNote({ ctx, input: { key, note: "Rolled back\u0000 to v2.13.4" } }));
    expect(err.code).toBe("VALIDATION");
    expect(err.fieldErrors).toEqual({ note: ["Remove the invisible control character U+0000 at character 12: it cannot be stored."] });
    expect(await written()).toEqual(before);
  });

  it("an escape sequence in an incident title is refused; a note keeps its line breaks and tabs", async () => {
    const err = await appError(createIncident({ ctx, input: { title: "\u001b[2JCheckout", trigger: "Error rate > 5%", severity: "HIGH", serviceIds: [] } }));
    expect(err.fieldErrors.title).toEqual(["Remove the invisible control character U+001B at character 1: it cannot be stored."]);

    await addNote({ ctx, input: { key, note: "Steps:\r\n\t1. roll back\r\n\t2. watch" } });
    const note = await db.timelineEvent.findFirstOrThrow({ where: { kind: "note" }, orderBy: { id: "desc" } });
    expect(note.payload).toMatchObject({ note: "Steps:\n\t1. roll back\n\t2. watch" });
  });

  it("a lone surrogate in a contact's name is refused", async () => {
    const before = await written();
    const err = await appError(createContact({ ctx, input: { name: "Omar \ud83d", title: "DevOps lead" } }));
    expect(err.fieldErrors.name?.[0]).toMatch(/^Remove the broken character U\+D83D at character 6/);
    expect(await written()).toEqual(before);
  });

  it("a NUL in the email at sign-in is a failed sign-in (audited with the character shown), not a database error", async () => {
    const out = await authorizeCredentials({ email: "ada\u0000@example.test", password: "not the password" }, { [CLIENT_IP_HEADER]: "203.0.113.77" });
    expect(out).toBeNull();
    const row = await db.auditEvent.findFirstOrThrow({ where: { action: "auth.signin_failed" }, orderBy: { id: "desc" } });
    expect(row.after).toMatchObject({ email: "ada\ufffd@example.test", reason: "invalid-input" });
  });
});
