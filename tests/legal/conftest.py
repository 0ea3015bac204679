from io import StringIO

import pytest
from django.core.cache import cache

from home.models import HomePage
from tests.conftest import build_home_page, kept_for_the_module


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached notice URLs live in the cache: no test may inherit another's."""
    cache.clear()
    yield
    cache.clear()


def _load_legal_demo() -> None:
    from legal import demo

    demo.load(StringIO())


@pytest.fixture
def legal_pages(home_page):
    """The legal demo content (privacy section and notices, accessibility statement, cookie statement)."""
    _load_legal_demo()
    return home_page


@pytest.fixture(scope="module")
def _legal_rows(django_db_setup, django_db_blocker):
    with kept_for_the_module(django_db_blocker):
        home = build_home_page()
        _load_legal_demo()
        yield home.pk


@pytest.fixture
def legal_pages_of_the_module(db, _legal_rows) -> HomePage:
    """`legal_pages` built once for the module (`kept_for_the_module`), for a module whose every test uses it."""
    return HomePage.objects.get(pk=_legal_rows)
