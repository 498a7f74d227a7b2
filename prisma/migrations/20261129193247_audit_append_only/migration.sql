-- Written by hand: the Prisma schema has no triggers (and its diff ignores them).
-- The audit trail is append-only for every role, the application included: UPDATE, DELETE and
-- TRUNCATE on "AuditEvent" are refused. The owner of the table can still drop the trigger, and the
-- keyed hash chain with its anchors outside the database (lib/audit) catches what that would allow.
-- Rows written before the keyed chain stay as they are: audit:verify accepts them as legacy
-- (unkeyed) rows ahead of the first keyed row and the first anchor (README, "Audit trail").
-- No semicolon may appear in this file except at the end of a statement: the driver adapter runs a
-- migration by splitting it on every semicolon, so the function body spells its own as \073.
CREATE FUNCTION "audit_event_append_only"() RETURNS trigger LANGUAGE plpgsql
AS E'BEGIN RAISE EXCEPTION ''the audit trail is append-only: % on "AuditEvent" is refused'', TG_OP\073 END';

CREATE TRIGGER "AuditEvent_append_only" BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"();

CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_append_only"();
