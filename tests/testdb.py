"""pytest plugin: the test database is migrated once, then copied for each xdist worker and each run.

Running Django's, Wagtail's and the site's migrations from scratch takes about 35 s of CPU (much more on a busy
machine), and pytest-django runs them once per xdist worker on every run. Here they run once into a *template*
database named after a digest of every migration file (and the settings migrations read); each worker then gets
a copy of it:

- PostgreSQL: ``CREATE DATABASE test_<name>_gwN TEMPLATE test_<name>_tpl_<digest>`` (a file copy in the server,
  under a second), the template kept on the server for the next run;
- SQLite: the template is a file in the system's temporary folder, loaded into the usual in-memory test database
  with SQLite's backup API.

The copy holds exactly what the migrations leave (data migrations' rows included: Wagtail's root page, locale
and collection, the site's groups), so tests see the same database as before. A change to any migration changes
the digest, and the next run migrates a new template (and drops the older ones of the same database name).
``--create-db`` rebuilds the template. Builders on the same machine wait for each other on a file lock.

Tests that start a child process needing a migrated database (``manage.py`` from the command line, the search
benchmark) get a copy of the same template too: `migrated_database_url` (a module's copy, dropped after it) and
`migrated_template` (the template itself, locked while a child copies it); on PostgreSQL runs the SQLite template is
migrated once, by a child process, when the benchmark first asks for it.

Transactional tests (``transaction=True``, live server, browser) end with Django's flush: here it puts back the
rows the worker's copy had (`tests.dbsnapshot.keep_migrated`), so that the next test finds the data migrations'
rows, as a fresh worker does.

`tests.dbsnapshot` keeps a worker's database as a transactional test built it (the browser tests' demo site)
and puts it back for the next test.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote as url_quote

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCK_DIR = Path(tempfile.gettempdir()) / "milano018-test-db"
#: Settings a data migration reads: a change to one is a change of the migrated database.
MIGRATION_SETTINGS = ("AUTH_USER_MODEL", "LANGUAGE_CODE", "WAGTAIL_CONTENT_LANGUAGES", "INSTALLED_APPS")
#: The PostgreSQL template this run's workers were copied from (set by `django_db_setup` on PostgreSQL).
_postgresql_template: str | None = None


def migrations_digest() -> str:
    """A hex digest of every migration file of every installed app, Django's version and `MIGRATION_SETTINGS`."""
    import django
    from django.conf import settings
    from django.db.migrations.loader import MigrationLoader

    digest = hashlib.sha256(django.__version__.encode())
    for name in MIGRATION_SETTINGS:
        digest.update(repr(getattr(settings, name, None)).encode())
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for key in sorted(loader.disk_migrations):
        module = sys.modules[loader.disk_migrations[key].__module__]
        digest.update(repr(key).encode())
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


@contextmanager
def _locked(name: str):
    LOCK_DIR.mkdir(parents=True, exist_ok=True)
    with (LOCK_DIR / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _set_name(connection, name: str) -> None:
    from django.conf import settings

    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


def _migrate_into(connection, name: str) -> None:
    """Run every migration into a new database (or SQLite file) called `name`."""
    test_settings = connection.settings_dict.setdefault("TEST", {})
    saved = test_settings.get("NAME")
    test_settings["NAME"] = name
    try:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    finally:
        test_settings["NAME"] = saved
    connection.close()


def _drop_unless_in_use(cursor, quote, template: str) -> None:
    """Drop an older template, unless another run is building or copying it right now (it holds its lock)."""
    LOCK_DIR.mkdir(parents=True, exist_ok=True)
    with (LOCK_DIR / f"{template}.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(template)}")


def _rebuilding(template: str, run: str | None) -> bool:
    """True the first time a run with ``--create-db`` (`run` is its id) reaches `template`: one worker rebuilds it."""
    if run is None:
        return False
    marker = LOCK_DIR / f"{template}.run"
    if marker.exists() and marker.read_text() == run:
        return False
    marker.write_text(run)
    return True


def _build_postgresql_template(connection, prefix: str, template: str, run: str | None) -> None:
    """Migrate `template` (named `prefix` + the migrations' digest) when it is missing, or once on `--create-db`; the
    older templates of `prefix` go. The caller holds the template's lock."""
    quote = connection.ops.quote_name
    rebuild = _rebuilding(template, run)
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix.replace("_", r"\_") + "%"])
        existing = {row[0] for row in cursor.fetchall()}
        if rebuild and template in existing:
            cursor.execute(f"DROP DATABASE {quote(template)}")
            existing.discard(template)
    if template not in existing:
        building = f"{template}_building"
        _migrate_into(connection, building)
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"ALTER DATABASE {quote(building)} RENAME TO {quote(template)}")
            for stale in existing - {building}:
                _drop_unless_in_use(cursor, quote, stale)


def _postgresql_copy(connection, base_name: str, test_name: str, run: str | None) -> None:
    quote = connection.ops.quote_name
    prefix = f"test_{base_name}_tpl_"
    template = prefix + migrations_digest()
    with _locked(template):
        _build_postgresql_template(connection, prefix, template, run)
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(test_name)}")
            cursor.execute(f"CREATE DATABASE {quote(test_name)} TEMPLATE {quote(template)}")
    _set_name(connection, test_name)
    global _postgresql_template
    _postgresql_template = template


def build_postgresql_template() -> None:
    """The PostgreSQL template of the settings' database, migrated if missing (`pytest_sessionstart` runs this in a
    child process while the workers start)."""
    from django.db import connection

    prefix = f"test_{connection.settings_dict['NAME']}_tpl_"
    template = prefix + migrations_digest()
    with _locked(template):
        _build_postgresql_template(connection, prefix, template, None)


def _sqlite_template() -> tuple[Path, str]:
    """(path, lock name) of this checkout's SQLite template for the current migrations."""
    # One folder per checkout: a checkout's older templates can go without touching another's.
    folder = LOCK_DIR / hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    folder.mkdir(parents=True, exist_ok=True)
    template = folder / f"template-{migrations_digest()}.sqlite3"
    return template, f"{folder.name}-{template.name}"


def _install_sqlite_template(template: Path, migrate) -> None:
    """Migrate a new file with `migrate(path)`, then make it `template` (older templates of the checkout go)."""
    building = template.with_suffix(f".building-{os.getpid()}")
    migrate(building)
    for stale in template.parent.glob("template-*.sqlite3"):
        stale.unlink()
    os.replace(building, template)


def _migrate_sqlite_file_in_a_child(path: Path) -> None:
    """What `_migrate_into` does on SQLite (migrate with syncdb, cache table), in a child: the run's database is
    PostgreSQL, and a process has one default database."""
    script = (
        "import django; django.setup(); from django.core.management import call_command;"
        " call_command('migrate', interactive=False, run_syncdb=True, verbosity=0);"
        " call_command('createcachetable')"
    )
    env = {
        **os.environ,
        # pytest-django sets it; `settings.SETTINGS_MODULE` is None inside a test that overrides a setting.
        "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"],
        "DATABASE_URL": f"sqlite:///{path}",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "site"), str(ROOT)]),
    }
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"migrating the SQLite template failed:\n{done.stdout}{done.stderr}")


def build_sqlite_template() -> None:
    """This checkout's SQLite template, migrated if missing: the database of a SQLite run's workers, and of the search
    benchmark's child on a PostgreSQL run (scripts/test starts this in the background as it begins)."""
    from django.db import connection

    template, lock = _sqlite_template()
    with _locked(lock):
        if not template.exists():
            if connection.vendor == "sqlite":
                _install_sqlite_template(template, lambda building: _migrate_into(connection, str(building)))
            else:
                _install_sqlite_template(template, _migrate_sqlite_file_in_a_child)


def _sqlite_copy(connection, test_name: str, run: str | None) -> None:
    template, lock = _sqlite_template()
    with _locked(lock):
        if _rebuilding(lock, run) or not template.exists():
            _install_sqlite_template(template, lambda building: _migrate_into(connection, str(building)))
        _set_name(connection, test_name)
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{template}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()


def _drop_copy(connection, base_name: str) -> None:
    """Drop the worker's copy; on PostgreSQL also when a test's thread left a connection open to it."""
    test_name = connection.settings_dict["NAME"]
    _set_name(connection, base_name)
    if connection.vendor == "postgresql":
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(test_name)} WITH (FORCE)")
    elif not connection.creation.is_in_memory_db(test_name):
        Path(test_name).unlink(missing_ok=True)


@contextmanager
def migrated_template(vendor: str) -> Iterator[str]:
    """The migrated template of `vendor`, for a child process to copy: ``"sqlite"`` gives a file's path,
    ``"postgresql"`` a database's name on the run's server. Locked while the block runs, so that no builder
    replaces it under the copy.

    Use it after `django_db_setup` (which builds the run's template). The SQLite template of a PostgreSQL run is
    migrated here, once, by a child process (a process has one default database), then kept like the run's own
    until a migration changes. Raises RuntimeError for ``"postgresql"`` when the run is on SQLite.
    """
    if vendor == "postgresql":
        if _postgresql_template is None:
            raise RuntimeError("the run's database is not PostgreSQL: there is no PostgreSQL template")
        with _locked(_postgresql_template):
            yield _postgresql_template
        return
    template, lock = _sqlite_template()
    with _locked(lock):
        if not template.exists():
            _install_sqlite_template(template, _migrate_sqlite_file_in_a_child)
        yield str(template)


@pytest.fixture(scope="module")
def migrated_database_url(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:
    """The ``DATABASE_URL`` of a new copy of the run's migrated template, for the child processes of one module.

    SQLite: a copy of the template file in a temporary folder. PostgreSQL: ``<worker's database>_child`` on the
    run's server (``CREATE DATABASE ... TEMPLATE``, under a second), dropped after the module.
    """
    from django.db import connection

    if connection.vendor == "sqlite":
        path = tmp_path_factory.mktemp("migrated") / "db.sqlite3"
        with migrated_template("sqlite") as template:
            shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    database = connection.settings_dict
    name = f"{database['NAME']}_child"
    quote = connection.ops.quote_name
    with (
        django_db_blocker.unblock(),
        migrated_template("postgresql") as template,
        connection.creation._nodb_cursor() as cursor,
    ):
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
        cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
    user = url_quote(database["USER"] or "", safe="")
    password = f":{url_quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
    port = f":{database['PORT']}" if database["PORT"] else ""
    yield f"postgres://{user}{password}@{database['HOST']}{port}/{name}"
    with django_db_blocker.unblock(), connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")


#: The child process migrating the PostgreSQL template while an xdist run's workers start (`pytest_sessionstart`).
_premigration: subprocess.Popen | None = None


def pytest_sessionstart(session):
    """On PostgreSQL, xdist's controller starts migrating the template at once, in a child process.

    Migrating takes ~28 s of CPU and a clean clone (CI) always migrates. A worker's first test waited for its own
    collection (~12 s of CPU per worker) and then migrated on one core while the other worker waited for it; now the
    migration runs beside the collections, on the CPU the run leaves idle, and the workers find the template built
    (or wait on its lock while the child builds it). A child that fails leaves the work to the first worker, as before.
    """
    global _premigration
    config = session.config
    if hasattr(config, "workerinput") or not config.getoption("numprocesses", None) or config.getvalue("create_db"):
        return
    if os.environ.get("MILANO018_TEMPLATES_STARTED"):  # scripts/test started it earlier still
        return
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "site"), str(ROOT)]),
    }
    script = "import django; django.setup(); import tests.testdb; tests.testdb.build_postgresql_template()"
    _premigration = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def pytest_sessionfinish(session):
    if _premigration is not None and _premigration.poll() is None:  # a run interrupted early
        _premigration.terminate()
        _premigration.wait()


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """Replaces pytest-django's: the worker's test database is a copy of the migrated template."""
    from django.db import connection
    from pytest_django.fixtures import _get_databases_for_setup

    from tests.dbsnapshot import keep_migrated  # it imports this module

    _, serialized_aliases = _get_databases_for_setup(request.session.items)
    # With --create-db, the run's id (the same in every xdist worker) so that the template is rebuilt once.
    run = None
    if request.config.getvalue("create_db"):
        run = getattr(request.config, "workerinput", {}).get("testrunuid") or str(os.getpid())
    base_name = connection.settings_dict["NAME"]
    with django_db_blocker.unblock():
        test_name = connection.creation._get_test_db_name()
        if connection.vendor == "postgresql":
            _postgresql_copy(connection, base_name, test_name, run)
        elif connection.vendor == "sqlite":
            _sqlite_copy(connection, test_name, run)
        else:
            raise RuntimeError(f"tests/testdb.py does not know how to copy a {connection.vendor} database")
        connection.ensure_connection()
        if connection.alias in serialized_aliases:
            # What setup_databases does for tests with serialized_rollback=True.
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    with pytest.MonkeyPatch.context() as patch:
        with django_db_blocker.unblock():
            keep_migrated(patch)
        yield
    with django_db_blocker.unblock():
        try:
            _drop_copy(connection, base_name)
        except Exception as error:  # as pytest-django's own teardown: a warning, not an error
            request.node.warn(pytest.PytestWarning(f"Error when trying to teardown test databases: {error!r}"))
