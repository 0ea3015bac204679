"""``scripts/services`` brings up PostgreSQL and Redis on 127.0.0.1 and is idempotent."""

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
import redis

from tests.services import missing_service

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = os.environ.get("PGPASSWORD", "milano018-test")


def run_services() -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "scripts" / "services")], capture_output=True, text=True, timeout=900, cwd=ROOT, check=False
    )


@pytest.fixture(scope="module")
def two_runs():
    if os.geteuid() != 0:
        missing_service("scripts/services installs Debian packages: run the suite as root to check it")
    return run_services(), run_services()


def test_services_script_starts_postgres_and_redis_and_a_second_run_changes_nothing(two_runs):
    first, second = two_runs
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    # The second call found both answering: it installed, started and reported nothing.
    assert second.stderr == ""
    assert second.stdout == ""

    with psycopg.connect(
        host="127.0.0.1", port=5432, user="postgres", password=PASSWORD, dbname="postgres", connect_timeout=5
    ) as connection:
        assert connection.execute("select 1").fetchone() == (1,)
    assert redis.Redis(host="127.0.0.1", port=6379, socket_timeout=5).ping() is True


def test_services_script_refuses_an_unknown_service():
    result = subprocess.run(
        [str(ROOT / "scripts" / "services"), "mysql"], capture_output=True, text=True, timeout=60, cwd=ROOT, check=False
    )
    assert result.returncode == 2
    assert "unknown service 'mysql'" in result.stderr
