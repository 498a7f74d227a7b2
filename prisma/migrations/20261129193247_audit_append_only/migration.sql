-- Written by hand: Prisma's schema has no triggers (and its diff ignores them).
-- The audit trail is append-only for every role, the application's included: UPDATE, DELETE and
-- TRUNCATE on "AuditEvent" are refused. The table's owner can still drop the trigger; the keyed
-- hash chain and its anchors outside the database (lib/audit) catch what that would allow.
-- Rows written before the keyed chain stay as they are: audit:verify accepts them as legacy
-- (unkeyed) rows ahead of the first keyed row and the first anchor (README, "Audit trail").
CREATE FUNCTION "audit_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only: % on "AuditEvent" is refused', TG_OP;
END
$$;

CREATE TRIGGER "AuditEvent_append_only" BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"();

CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_append_only"();
