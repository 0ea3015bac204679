import pytest
from django.core.cache import cache
from django.db import connection

from tests.conftest import build_home_page, kept_for_the_module
from tests.services import missing_service


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
        missing_service("needs PostgreSQL: run with DATABASE_URL=postgres://...")


@pytest.fixture
def market(home_page):
    """One provider with a live service (ages 6-14, 25 EUR, max wait 5 working days) and its staff account."""
    from tests.booking.factories import service_setup

    provider, service, staff = service_setup(home_page)
    return {"provider": provider, "service": service, "staff": staff}


@pytest.fixture(scope="module")
def _market_keys(django_db_setup, django_db_blocker):
    from tests.booking.factories import service_setup

    with kept_for_the_module(django_db_blocker):
        provider, service, staff = service_setup(build_home_page())
        yield {
            name: (type(row), row.pk) for name, row in (("provider", provider), ("service", service), ("staff", staff))
        }


@pytest.fixture
def market_of_the_module(db, _market_keys) -> dict:
    """`market` built once for the module (`kept_for_the_module`): fresh instances for each test."""
    return {name: model.objects.get(pk=pk) for name, (model, pk) in _market_keys.items()}


@pytest.fixture
def fake_gateway_fails():
    from booking.payments import FakeGateway

    FakeGateway.fail = True
    yield
    FakeGateway.fail = False
