"""On PostgreSQL the database itself refuses UPDATE and DELETE on grant ledger entries, as for booking's ledger
(booking/migrations/0002). On SQLite the model and its queryset refuse them (collective.models.GrantEntry); a SQLite
trigger is left out because Django's test flush empties tables with DELETE there (PostgreSQL's TRUNCATE does not
fire row triggers)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION collective_grantentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'collective_grantentry is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER collective_grantentry_append_only
    BEFORE UPDATE OR DELETE ON collective_grantentry
    FOR EACH ROW EXECUTE FUNCTION collective_grantentry_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS collective_grantentry_append_only ON collective_grantentry;
DROP FUNCTION IF EXISTS collective_grantentry_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("collective", "0003_reports_and_milan_tie")]

    operations = [migrations.RunPython(forwards, backwards)]
