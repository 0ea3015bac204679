import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """The menu and footer are cached: every test starts without another test's fragments."""
    cache.clear()
    yield
    cache.clear()
