"""The search benchmark keeps running: a tiny catalogue through every backend, as a person runs it.

It also proves the hand-written SQL reference still gives the backend's answers (the benchmark exits
non-zero when a total, a facet count or an id differs), that the rebuild and plain COPY columns are
filled, and that the cold searches (per-word cache emptied; first search after an index write) are
measured for every database beside the warm ones. One run of the benchmark serves the module: size 30
measured whole, size 40 timed for its rebuild only (`--rebuild-only 40`), in the same child processes.
"""

import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.testdb import migrated_template

ROOT = Path(__file__).resolve().parents[2]


def run_bench(*arguments: str, env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess, list[str]]:
    """`bench/search_bench.py ARGUMENTS` on SQLite, and on PostgreSQL when the suite runs there, each database a
    copy of the suite's migrated template; returns the finished process and the databases benched."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | (env or {})
    databases = ["sqlite"]
    command = [sys.executable, str(ROOT / "bench" / "search_bench.py"), *arguments]
    with ExitStack() as templates:
        command += ["--sqlite-template", templates.enter_context(migrated_template("sqlite"))]
        if os.environ.get("DATABASE_URL", "").startswith("postgres"):
            env["BENCH_POSTGRES_URL"] = os.environ["DATABASE_URL"]
            databases.append("postgresql")
            command += ["--postgres-template", templates.enter_context(migrated_template("postgresql"))]
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)
    return done, databases


@pytest.fixture(scope="module")
def bench(es_connection, django_db_setup) -> tuple[subprocess.CompletedProcess, list[str]]:
    """One run for the module: size 30 through every backend, size 40 timed for its rebuild only, one round.

    The benchmark creates and drops its own databases: in-memory SQLite, and bench_<name> on PostgreSQL, each a
    copy of the suite's migrated template (its --sqlite-template / --postgres-template) instead of a migration.
    """
    url, compat = es_connection
    engine = {"ELASTICSEARCH_URL": url, "ELASTICSEARCH_COMPAT_HEADERS": "1" if compat else "0"}
    return run_bench("--sizes", "30,40", "--rebuild-only", "40", "--rounds", "1", env=engine)


def tables(stdout: str) -> list[list[list[str]]]:
    """The printed tables (the lines before the cold table), each a list of split lines, header first."""
    found, current = [], []
    for line in stdout.splitlines():
        if line.startswith(("cold:", "engine:", "p50 growth")):
            continue
        if not line.strip():
            found, current = (found + [current] if current else found), []
            continue
        current.append(line.split())
    return found + [current] if current else found


def test_search_bench_runs_every_backend_against_its_reference_with_a_tiny_catalogue(bench):
    done, databases = bench
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {line.split()[1]: line.split() for line in done.stdout.splitlines() if line.strip().startswith("30 ")}
    assert set(rows) == {*databases, "engine"}, done.stdout
    columns = next(line.split() for line in done.stdout.splitlines() if "p50/ref" in line)
    for database in databases:
        row = dict(zip(columns, rows[database], strict=True))
        # Rebuild against a plain COPY of the same rows, and search against the hand-written SQL.
        assert float(row["rebuild_s"]) > 0 and float(row["copy_s"]) >= 0 and float(row["reb/copy"]) > 0
        assert float(row["ref_p50"]) > 0 and float(row["p50/ref"]) > 0 and float(row["p95/ref"]) > 0
    assert float(rows["engine"][-1]) > 0  # p50 / trivial view of the same run
    # The cold table: the same databases, their warm, cold-word and cold-write figures against the reference.
    cold_lines = [line.split()[1:] for line in done.stdout.splitlines() if line.startswith("cold:")]
    cold_columns = next(line for line in cold_lines if "word/ref" in line)
    cold = {line[1]: dict(zip(cold_columns, line, strict=True)) for line in cold_lines if line[0] == "30"}
    assert set(cold) == set(databases), done.stdout
    for row in cold.values():
        for column in ("word_p50", "word_p95", "write_p50", "write_p95", "word/ref", "word95/ref", "write/ref"):
            assert float(row[column]) > 0, (column, done.stdout)


def test_search_bench_rebuild_only_times_the_rebuild_against_the_plain_copy_and_nothing_else(bench):
    done, databases = bench
    assert done.returncode == 0, done.stdout + done.stderr
    rebuilt, measured = tables(done.stdout)
    assert rebuilt[0] == ["size", "backend", "rebuild_s", "copy_s", "reb/copy"], done.stdout
    rows = {line[1]: line for line in rebuilt[1:]}
    assert {line[0] for line in rebuilt[1:]} == {"40"} and set(rows) == {*databases, "engine"}, done.stdout
    for database in databases:
        row = dict(zip(rebuilt[0], rows[database], strict=True))
        assert float(row["rebuild_s"]) > 0 and float(row["copy_s"]) >= 0 and float(row["reb/copy"]) > 0
    assert float(rows["engine"][2]) > 0 and rows["engine"][3:] == ["-", "-"]  # the engine has no plain COPY
    # Nothing else at size 40: no search figures, no cold ones.
    assert "p50/ref" in measured[0] and {line[0] for line in measured[1:]} == {"30"}, done.stdout
    assert not [line for line in done.stdout.splitlines() if line.startswith("cold:") and line.split()[1] == "40"]
