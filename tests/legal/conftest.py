import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached notice URLs live in the cache: no test may inherit another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def legal_pages(home_page):
    """The legal demo content (privacy section and notices, accessibility statement, cookie statement)."""
    from io import StringIO

    from legal import demo

    demo.load(StringIO())
    return home_page
