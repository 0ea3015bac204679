"""What a test does when a service it needs is missing: skip on a laptop, fail in CI (``CI=true``).

CI starts PostgreSQL and Redis (``.ci/run`` → ``scripts/test`` → ``scripts/services``) and the tests start the
search engine (``tests/engines/``), so a missing one there is a broken set-up, never a reason to pass quietly.
"""

import pytest

from config.env import env_bool


def missing_service(reason: str) -> None:
    """Skip the calling test with ``reason``, or fail it when ``CI=true``. Never returns."""
    if env_bool("CI"):
        pytest.fail(f"CI must provide this service: {reason}", pytrace=False)
    pytest.skip(reason)
