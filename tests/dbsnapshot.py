"""pytest plugin: a worker's test database kept as a transactional test built it, and put back for the next test.

`take_snapshot` / `restore_snapshot` keep a worker's database as a transactional test built it (the browser
tests' demo site, ~20 s of ``load_demo``) and put it back for the next test in well under a second: on
PostgreSQL a copy of each non-empty table in a schema of its own, on SQLite a copy of the in-memory database.
Under xdist a snapshot is also written to a folder of the run (`building_shared` below), so that one worker
builds it and the others read it from there (a binary ``COPY`` per table, or an SQLite file); the controller
removes the folder when the run ends. The worker's database is the copy of the migrated template that
`tests.testdb` gives it; a snapshot's name is a plain word (it names a PostgreSQL schema, ``snapshot_<name>``).
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import shutil
import sqlite3
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.db import transaction

from tests.testdb import LOCK_DIR

_sqlite_snapshots: dict[str, sqlite3.Connection] = {}
#: The folder where this xdist run's workers share their snapshots; None outside xdist (nothing to share).
_shared_folder: Path | None = None
#: PostgreSQL snapshots this worker read from another's: its sequences are moved past their rows on first restore.
_sequences_behind: set[str] = set()
SHARED_ROOT = LOCK_DIR / "snapshots"


def pytest_configure(config):
    """The controller of an xdist run fixes the run's id here, so that it can remove the run's shared folder; each
    worker shares its snapshots in that run's folder."""
    global _shared_folder
    xdist_run = getattr(config, "workerinput", {}).get("testrunuid")
    _shared_folder = SHARED_ROOT / xdist_run if xdist_run else None
    controller = not hasattr(config, "workerinput") and config.pluginmanager.hasplugin("xdist")
    if controller and config.getoption("numprocesses", None) and config.getoption("testrunuid", None) is None:
        config.option.testrunuid = uuid.uuid4().hex


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput") and config.getoption("testrunuid", None):
        shutil.rmtree(SHARED_ROOT / config.option.testrunuid, ignore_errors=True)


def _shared_path(name: str) -> Path | None:
    if _shared_folder is None:
        return None
    from django.db import connection

    # The worker's database name only says which database the rows belong to (SQLite's is a URI).
    database = hashlib.sha256(connection.settings_dict["NAME"].split("_gw")[0].encode()).hexdigest()[:12]
    return _shared_folder / f"{connection.vendor}-{database}-{name}"


@contextmanager
def building_shared(name: str):
    """Held while a worker restores or builds the snapshot `name`: a second worker waits, then reads the first's."""
    path = _shared_path(name)
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with (path.parent / f"{path.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _write_shared(name: str) -> None:
    """Write the worker's snapshot `name` to the run's folder (atomically: a folder renamed into place)."""
    from django.db import connection

    path = _shared_path(name)
    if path is None or path.exists():  # a name stands for the same rows in every worker: the first one written
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(f"{path.name}.building-{os.getpid()}")
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(building)
        try:
            _sqlite_snapshots[name].backup(copy)
        finally:
            copy.close()
    else:
        building.mkdir()
        quote = connection.ops.quote_name
        schema = f"snapshot_{name}"
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema])
            tables = [row[0] for row in cursor.fetchall()]
            for number, table in enumerate(tables):
                dump = f"COPY {quote(schema)}.{quote(table)} TO STDOUT (FORMAT binary)"
                with (building / f"{number:04d}").open("wb") as out, cursor.copy(dump) as copy:
                    for data in copy:
                        out.write(data)
        (building / "tables.json").write_text(json.dumps(tables))
    os.replace(building, path)


def _read_shared(name: str) -> bool:
    """Make the run's shared snapshot `name` this worker's own; False if no worker has written it yet."""
    from django.db import connection

    path = _shared_path(name)
    if path is None or not path.exists():
        return False
    if connection.vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        try:
            source.backup(copy)
        finally:
            source.close()
        _sqlite_snapshots[name] = copy
        return True
    quote = connection.ops.quote_name
    schema = quote(f"snapshot_{name}")
    tables = json.loads((path / "tables.json").read_text())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        cursor.execute(f"CREATE SCHEMA {schema}")
        for number, table in enumerate(tables):
            # LIKE copies the columns in their order; generated ones become plain columns, as in `take_snapshot`.
            cursor.execute(f"CREATE TABLE {schema}.{quote(table)} (LIKE {quote(table)})")
            with cursor.copy(f"COPY {schema}.{quote(table)} FROM STDIN (FORMAT binary)") as copy:
                copy.write((path / f"{number:04d}").read_bytes())
    _forget_plan(name)
    _sequences_behind.add(name)
    return True


def _django_tables(connection) -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


@functools.cache
def _model_tables() -> frozenset[str]:
    """The tables of every installed model (whether they exist or not): the apps do not change during a run."""
    from django.db import connection

    return frozenset(connection.introspection.django_table_names(only_existing=False, include_views=False))


#: Per database and snapshot name, the tables the snapshot keeps: {table: (its INSERT from the snapshot, a digest
#: of the snapshot's rows, their count)} (`_postgresql_plan`). Dropped when the snapshot is taken or read again.
_plans: dict[tuple[str, str], dict[str, tuple[str, str, int]]] = {}
#: Per database, what each kept table holds since the last restore that wrote it: (digest of the snapshot's rows
#: written, the id of the transaction that wrote them, their count).
_written: dict[str, dict[str, tuple[str, str, int]]] = {}


def _forget_plan(name: str) -> None:
    """The snapshot `name` of the worker's database is (re)written: its plan goes, and what restores wrote."""
    from django.db import connection

    database = connection.settings_dict["NAME"]
    _plans.pop((database, name), None)
    _written.pop(database, None)


def _postgresql_plan(name: str) -> dict[str, tuple[str, str, int]] | None:
    """{kept table: (its INSERT from the snapshot, digest of the snapshot's rows, row count)}; None when the worker's
    database has no snapshot `name`.

    Asked once per snapshot and worker. The columns come from the catalogue (pg_attribute: information_schema's view
    cost ~25 ms of the server's CPU at every restore); generated ones (the search backend's search_vector) are
    computed again, not copied. Two snapshots holding the same rows in a table have the same digest for it.
    """
    from django.db import connection

    key = (connection.settings_dict["NAME"], name)
    if key in _plans:
        return _plans[key]
    quote = connection.ops.quote_name
    schema = f"snapshot_{name}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema])
        kept = [row[0] for row in cursor.fetchall()]
        if not kept:
            return None
        cursor.execute(
            "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
            " WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND c.relname = ANY(%s)"
            " AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY c.relname, a.attnum",
            [kept],
        )
        columns: dict[str, list[str]] = {}
        for table, column in cursor.fetchall():
            columns.setdefault(table, []).append(quote(column))
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT %s, md5(COALESCE(string_agg(CAST(t AS text), ',' ORDER BY CAST(t AS text)), '')), count(*)"
                f" FROM {quote(schema)}.{quote(table)} t"
                for table in kept
            ),
            kept,
        )
        plan = {}
        for table, digest, count in cursor.fetchall():
            names = ", ".join(columns[table])
            plan[table] = (
                f"INSERT INTO {quote(table)} ({names}) SELECT {names} FROM {quote(schema)}.{quote(table)}",
                digest,
                count,
            )
    _plans[key] = plan
    return plan


def _postgresql_restore(name: str, plan: dict[str, tuple[str, str, int]]) -> None:
    """Empty the tables that hold rows and put the kept rows back, in two statements; a kept table still holding
    exactly the rows it should is left as it is.

    A table that never held a row has no page (pg_relation_size 0): only the others are emptied. A kept table holds
    exactly what the last restore wrote there when it has as many rows and each still carries that restore's
    transaction id (xmin): an insert or an update writes a row with another one, a delete lowers the count.
    """
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    quote = connection.ops.quote_name
    written = _written.setdefault(connection.settings_dict["NAME"], {})
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        if not cursor.fetchone()[0]:  # only a superuser may turn triggers off
            cursor.execute(f"TRUNCATE {', '.join(quote(table) for table in _django_tables(connection))}")
            cursor.execute("; ".join(insert for insert, _, _ in plan.values()))
            written.clear()
        else:
            same = [
                table for table, (_, digest, count) in plan.items() if written.get(table, ())[::2] == (digest, count)
            ]
            checks = [
                f"SELECT 'same', %s WHERE (SELECT count(*) = %s AND bool_and(CAST(xmin AS text) = %s)"
                f" FROM {quote(table)})"
                for table in same
            ]
            checks.append(
                "SELECT 'pages', relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace"
                " AND relkind = 'r' AND pg_relation_size(oid) > 0"
            )
            cursor.execute(
                " UNION ALL ".join(checks), [v for table in same for v in (table, written[table][2], written[table][1])]
            )
            found: dict[str, set[str]] = {"same": set(), "pages": set()}
            for kind, table in cursor.fetchall():
                found[kind].add(table)
            rewrite = [table for table in plan if table not in found["same"]]
            # DELETE with triggers off (foreign keys, the audit trail's append-only rule), as TRUNCATE has them:
            # TRUNCATE writes a new file for each table and its indexes, seconds for ~150 tables on CI's machine.
            statements = ["SET LOCAL session_replication_role = replica"]
            statements += [
                f"DELETE FROM {quote(table)}" for table in sorted((found["pages"] & _model_tables()) - found["same"])
            ]
            statements += [plan[table][0] for table in rewrite]
            cursor.execute("; ".join(statements))
            for table in set(written) - found["same"]:
                del written[table]
            if rewrite:
                cursor.execute(f"SELECT CAST(xmin AS text) FROM {quote(rewrite[0])} LIMIT 1")
                xid = cursor.fetchone()[0]
                written.update({table: (plan[table][1], xid, plan[table][2]) for table in rewrite})
        if name in _sequences_behind:
            # The rows came from another worker's database: this one's sequences never went past their keys.
            models = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in plan]
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
            _sequences_behind.discard(name)


def take_snapshot(name: str, *, share: bool = True) -> None:
    """Keep every row of the worker's test database under `name` (tables Django's flush empties); with `share`,
    also for the run's other workers (`building_shared`)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.ensure_connection()
        connection.connection.backup(copy)
        _sqlite_snapshots[name] = copy
        if share:
            _write_shared(name)
        return
    quote = connection.ops.quote_name
    schema = quote(f"snapshot_{name}")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        cursor.execute(f"CREATE SCHEMA {schema}")
        for table in _django_tables(connection):
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {quote(table)})")
            if cursor.fetchone()[0]:
                cursor.execute(f"CREATE TABLE {schema}.{quote(table)} AS SELECT * FROM {quote(table)}")
    _forget_plan(name)
    if share:
        _write_shared(name)


def restore_snapshot(name: str) -> bool:
    """Put back the rows kept under `name`, whatever the database holds now; False if there is no such snapshot.

    A snapshot another worker of the run wrote (`building_shared`) counts. Caches that hold rows (content types,
    the default cache with Wagtail's site root paths) are cleared.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.db import connection

    if connection.vendor == "sqlite":
        if name not in _sqlite_snapshots and not _read_shared(name):
            return False
        connection.ensure_connection()
        _sqlite_snapshots[name].backup(connection.connection)
    else:
        plan = _postgresql_plan(name)
        if plan is None:
            return _read_shared(name) and restore_snapshot(name)
        _postgresql_restore(name, plan)
    ContentType.objects.clear_cache()
    cache.clear()
    return True


#: The snapshot of a worker's database as the migrations left it, which Django's flush puts back (`keep_migrated`).
MIGRATED = "migrated"


def _restoring_flush(operations, sql_list) -> None:
    """`DatabaseOperations.execute_sql_flush` for the tests: back to the migrated rows, not to empty tables."""
    if sql_list:
        restore_snapshot(MIGRATED)


def _no_post_migrate(*args, **kwargs) -> None:
    """The flush's post_migrate signal, after `_restoring_flush`: nothing left to do."""


def keep_migrated(patch) -> None:
    """Keep the worker's freshly copied database (`tests.testdb`) and make Django's flush put it back.

    A transactional test (``transaction=True``, live server, browser) ends with Django's flush, which empties every
    table, data migrations' rows included: Wagtail's root page, locale and collection, the default Site, the
    site's groups and their permissions. With this the next test, whatever its kind, finds them as the migrations
    left them, so tests can run in any order (tests/conftest.py runs the longest first).

    The flush's post_migrate signal is not sent: its receivers (content types, permissions, Wagtail's snippet
    permissions, the reference index's signal handlers) would only make again what the migrated rows already hold,
    and asking for each app's content types and permissions cost ~0.25 s of CPU per transactional test.
    """
    from django.core.management.commands import flush
    from django.db import connection

    take_snapshot(MIGRATED, share=False)
    patch.setattr(type(connection.ops), "execute_sql_flush", _restoring_flush)
    patch.setattr(flush, "emit_post_migrate_signal", _no_post_migrate)
