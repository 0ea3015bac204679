import os

import pytest
from django.core.cache import cache
from django.db import connection


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and SAML metadata live in the cache: no test may inherit another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def postgres(db):
    """Tests of locking need PostgreSQL: skipped on SQLite locally, a failure on CI (CI=true) where PG is expected."""
    if connection.vendor != "postgresql":
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI must run the booking concurrency tests on PostgreSQL (set DATABASE_URL=postgres://...).")
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://...")
