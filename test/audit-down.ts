import type { Db } from "../lib/db/client";

/**
 * Runs `fn` while every insert into the audit trail fails (a trigger raising "audit store
 * unavailable"), so a test can show a verb's change does not happen without its audit row.
 */
export async function withAuditDown<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  await db.$executeRawUnsafe(`
    create or replace function rollcall_test_audit_down() returns trigger language plpgsql as $$
    begin raise exception 'audit store unavailable'; end $$`);
  await db.$executeRawUnsafe(`
    create trigger rollcall_test_audit_down before insert on "AuditEvent"
    for each row execute function rollcall_test_audit_down()`);
  try {
    return await fn();
  } finally {
    await db.$executeRawUnsafe(`drop trigger if exists rollcall_test_audit_down on "AuditEvent"`);
    await db.$executeRawUnsafe(`drop function if exists rollcall_test_audit_down()`);
  }
}
