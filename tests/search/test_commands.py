"""The search app's management commands run the way a person runs them: `python manage.py ...` in a shell.

`call_command` skips Django's system checks, so a command whose methods shadow BaseCommand's (as
`check` once did) worked in tests and crashed from the command line; these tests would have caught it.
The command lines of one test run through manage.py one after the other in one child process
(tests/commandline.py), each with its own exit code and output, on a copy of the migrated test database.
"""

import os
import uuid

import pytest

from tests.commandline import run_steps


@pytest.fixture(scope="module")
def manage(migrated_database_url):
    """Run manage.py command lines in a child process on a copy of the migrated test database of its own
    (tests/testdb.py: a SQLite file, or a PostgreSQL database on a PostgreSQL run); returns one
    (exit code, output) per command line."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": migrated_database_url,
        "ELASTICSEARCH_URL": "",
    }

    def run(*command_lines: list[str], **extra_env: str) -> list[tuple[int, str]]:
        steps = run_steps(list(command_lines), {**env, **extra_env})
        return [(step.returncode, step.stdout + step.stderr) for step in steps]

    return run


def test_catalogue_index_runs_from_the_command_line_on_the_database(manage):
    rebuild, check, retry = manage(
        ["catalogue_index", "rebuild", "--backend", "database"],
        ["catalogue_index", "check", "--backend", "database"],
        ["catalogue_index", "retry"],
    )
    code, output = rebuild
    assert code == 0, output
    assert "Indice ricostruito: 0 servizi." in output
    code, output = check
    assert code == 0, output
    assert "Indice allineato (0 servizi)." in output
    code, output = retry
    assert code == 0, output
    assert "Aggiornamenti in attesa scritti: 0." in output


def test_catalogue_index_runs_from_the_command_line_on_the_engine(manage, es_connection, es_client):
    url, compat = es_connection
    alias = f"test-command-{uuid.uuid4().hex[:12]}"
    engine = {"ELASTICSEARCH_URL": url, "ELASTICSEARCH_COMPAT_HEADERS": "1" if compat else "0"}
    try:
        rebuild, check = manage(
            ["catalogue_index", "rebuild"], ["catalogue_index", "check"], ELASTICSEARCH_INDEX=alias, **engine
        )
        code, output = rebuild
        assert code == 0, output
        assert "(elasticsearch)" in output and "Indice ricostruito: 0 servizi." in output
        assert es_client.indices.exists_alias(name=alias)
        code, output = check
        assert code == 0, output
        assert "Indice allineato (0 servizi)." in output
    finally:
        es_client.indices.delete(index=f"{alias}-*", ignore_unavailable=True, allow_no_indices=True)


def test_a_failing_check_exits_non_zero_with_its_message(manage):
    [(code, output)] = manage(
        ["catalogue_index", "check"], ELASTICSEARCH_URL="http://127.0.0.1:9", ELASTICSEARCH_INDEX="x"
    )
    assert code != 0
    assert "Server di ricerca non raggiungibile" in output
