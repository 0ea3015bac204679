"""The search benchmark keeps running: a tiny catalogue through every backend, as a person runs it.

It also proves the hand-written SQL reference still gives the backend's answers (the benchmark exits
non-zero when a total, a facet count or an id differs), that the rebuild and plain COPY columns are
filled, and that the cold searches (per-word cache emptied; first search after an index write) are
measured for every database beside the warm ones.
"""

import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

from tests.testdb import migrated_template

ROOT = Path(__file__).resolve().parents[2]


def run_bench(*arguments: str, env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess, list[str]]:
    """`bench/search_bench.py --sizes 30 ARGUMENTS` on SQLite, and on PostgreSQL when the suite runs there, each
    database a copy of the suite's migrated template; returns the finished process and the databases benched."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | (env or {})
    databases = ["sqlite"]
    command = [sys.executable, str(ROOT / "bench" / "search_bench.py"), "--sizes", "30", *arguments]
    with ExitStack() as templates:
        command += ["--sqlite-template", templates.enter_context(migrated_template("sqlite"))]
        if os.environ.get("DATABASE_URL", "").startswith("postgres"):
            env["BENCH_POSTGRES_URL"] = os.environ["DATABASE_URL"]
            databases.append("postgresql")
            command += ["--postgres-template", templates.enter_context(migrated_template("postgresql"))]
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)
    return done, databases


def test_search_bench_runs_every_backend_against_its_reference_with_a_tiny_catalogue(es_connection, django_db_setup):
    url, compat = es_connection
    # The benchmark creates and drops its own databases: in-memory SQLite, and bench_<name> on PostgreSQL, each a
    # copy of the suite's migrated template (its --sqlite-template / --postgres-template) instead of a migration.
    done, databases = run_bench(
        "--rounds", "1", env={"ELASTICSEARCH_URL": url, "ELASTICSEARCH_COMPAT_HEADERS": "1" if compat else "0"}
    )
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


def test_search_bench_rebuild_only_times_the_rebuild_against_the_plain_copy_and_nothing_else(django_db_setup):
    done, databases = run_bench("--rebuild-only", "--backends", "sqlite,postgresql")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line.split() for line in done.stdout.splitlines() if line.strip()]
    assert lines[0] == ["size", "backend", "rebuild_s", "copy_s", "reb/copy"], done.stdout
    rows = {line[1]: dict(zip(lines[0], line, strict=True)) for line in lines[1:]}
    assert set(rows) == set(databases), done.stdout
    for row in rows.values():
        assert float(row["rebuild_s"]) > 0 and float(row["copy_s"]) >= 0 and float(row["reb/copy"]) > 0
