"""On PostgreSQL the database itself refuses UPDATE and DELETE on ledger entries (the model refuses them too)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION booking_ledgerentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'booking_ledgerentry is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER booking_ledgerentry_append_only
    BEFORE UPDATE OR DELETE ON booking_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION booking_ledgerentry_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS booking_ledgerentry_append_only ON booking_ledgerentry;
DROP FUNCTION IF EXISTS booking_ledgerentry_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
