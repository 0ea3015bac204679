"""The search app's management commands run the way a person runs them: `python manage.py ...` in a shell.

`call_command` skips Django's system checks, so a command whose methods shadow BaseCommand's (as
`check` once did) worked in tests and crashed from the command line; these tests would have caught it.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def manage(tmp_path_factory):
    """Run manage.py in a subprocess on a migrated SQLite file of its own; returns (exit code, output)."""
    database = tmp_path_factory.mktemp("commands") / "db.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
        "ELASTICSEARCH_URL": "",
    }

    def run(*args: str, **extra_env: str) -> tuple[int, str]:
        done = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env={**env, **extra_env},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        return done.returncode, done.stdout + done.stderr

    code, output = run("migrate", "--noinput")
    assert code == 0, output
    return run


def test_catalogue_index_runs_from_the_command_line_on_the_database(manage):
    code, output = manage("catalogue_index", "rebuild", "--backend", "database")
    assert code == 0, output
    assert "Indice ricostruito: 0 servizi." in output
    code, output = manage("catalogue_index", "check", "--backend", "database")
    assert code == 0, output
    assert "Indice allineato (0 servizi)." in output
    code, output = manage("catalogue_index", "retry")
    assert code == 0, output
    assert "Aggiornamenti in attesa scritti: 0." in output


def test_catalogue_index_runs_from_the_command_line_on_the_engine(manage, es_connection, es_client):
    url, compat = es_connection
    alias = f"test-command-{uuid.uuid4().hex[:12]}"
    engine = {"ELASTICSEARCH_URL": url, "ELASTICSEARCH_COMPAT_HEADERS": "1" if compat else "0"}
    try:
        code, output = manage("catalogue_index", "rebuild", ELASTICSEARCH_INDEX=alias, **engine)
        assert code == 0, output
        assert "(elasticsearch)" in output and "Indice ricostruito: 0 servizi." in output
        assert es_client.indices.exists_alias(name=alias)
        code, output = manage("catalogue_index", "check", ELASTICSEARCH_INDEX=alias, **engine)
        assert code == 0, output
        assert "Indice allineato (0 servizi)." in output
    finally:
        es_client.indices.delete(index=f"{alias}-*", ignore_unavailable=True, allow_no_indices=True)


def test_a_failing_check_exits_non_zero_with_its_message(manage):
    code, output = manage("catalogue_index", "check", ELASTICSEARCH_URL="http://127.0.0.1:9", ELASTICSEARCH_INDEX="x")
    assert code != 0
    assert "Server di ricerca non raggiungibile" in output
