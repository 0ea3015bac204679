# PostgreSQL: the function every database-backend search calls to check the index version
# (search/backends/database/loading.py). It compares the version token with the process's and runs the
# statement it is given (the changes since that version, or the whole snapshot: ~10 KB of SQL) only when
# they differ, so PostgreSQL parses and plans that statement only after a write instead of on every search.
# SQLite runs the statement itself: it needs no function.

from django.db import migrations

FUNCTION = "search_catalogue_version"

CREATE = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}(mine bigint, most integer, words text, statement text)
RETURNS TABLE (token bigint, data text)
LANGUAGE plpgsql STABLE AS $body$
DECLARE
    latest bigint := COALESCE((SELECT v.token FROM search_catalogueversion v WHERE v.id = 1), 0);
BEGIN
    IF latest = mine THEN
        RETURN QUERY SELECT latest, NULL::text;
    ELSE
        RETURN QUERY EXECUTE statement USING mine, most, words;
    END IF;
END
$body$
"""


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(bigint, integer, text, text)")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0009_catalogue_change_log"),
    ]

    operations = [
        migrations.RunPython(create_function, drop_function),
    ]
