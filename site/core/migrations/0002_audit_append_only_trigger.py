"""On PostgreSQL the database itself keeps the audit trail append-only, like the voucher ledger.

DELETE is refused; UPDATE is refused unless it is the erasure redaction (AuditEntryQuerySet.redact):
the same facts, with reason and actor label blanked and redacted_at stamped once.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL
        AND NEW.reason = '' AND NEW.actor_label = ''
        AND NEW.id = OLD.id AND NEW.timestamp = OLD.timestamp
        AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
        AND NEW.action = OLD.action
        AND NEW.content_type_id = OLD.content_type_id AND NEW.object_id = OLD.object_id
        AND NEW.from_state = OLD.from_state AND NEW.to_state = OLD.to_state
        AND NEW.data = OLD.data
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'core_auditentry is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS core_auditentry_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_audit_entry")]

    operations = [migrations.RunPython(forwards, backwards)]
