"""The search benchmark keeps running: a tiny size through both backends, as a person runs it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_search_bench_runs_on_both_backends_with_a_tiny_catalogue(es_connection):
    url, compat = es_connection
    # Its own in-memory SQLite database: the benchmark creates and drops a test database.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"ELASTICSEARCH_URL": url, "ELASTICSEARCH_COMPAT_HEADERS": "1" if compat else "0"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "search_bench.py"), "--sizes", "30", "--rounds", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = [line.split() for line in done.stdout.splitlines() if line.strip().startswith("30 ")]
    assert [row[1:3] for row in rows if row[1] == "database"] == [["database", "(sqlite)"]]
    assert any(row[1] == "elasticsearch" for row in rows)
    assert all(float(row[-1]) > 0 for row in rows)  # p50 / trivial view of the same run
