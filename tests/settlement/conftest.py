"""Providers with completed orders paid by voucher, the City's «Ufficio voucher», and verified payment data."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection

from booking import marketplace
from tests.booking.factories import ChildFactory, accepted_order, make_wallet
from tests.catalog import factories as catalog
from tests.conftest import build_home_page, kept_for_the_module
from tests.services import missing_service

IBAN = "IT60X0542811101000000123456"


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        missing_service("needs PostgreSQL: run with DATABASE_URL=postgres://...")


def paid_order(service, staff, *, price="100.00", wallet_value="300.00", child=None, complete=True):
    """An order of `service` paid (the voucher first, then the fake gateway) and, by default, completed."""
    child = child or ChildFactory()
    if not child.wallets.exists():
        make_wallet(wallet_value, child=child)
    order = accepted_order(service, staff, price=price, child=child)
    marketplace.pay(order, method="card", attempt_key="a1", actor=child.guardian.user)
    if complete:
        marketplace.complete_order(order, actor=staff)
    order.refresh_from_db()
    return order


def verify_details(provider, actor=None):
    from settlement.models import PaymentDetails

    return PaymentDetails.objects.create(
        provider=provider,
        iban=IBAN,
        account_holder=f"{provider.legal_name}",
        billing_name=provider.legal_name,
        billing_address="Via Padova 1, 20127 Milano",
        status=PaymentDetails.Status.VERIFIED,
        checked_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )


def build_two_providers(home) -> dict:
    """Two providers, each with one live service and its operator."""
    _catalog, _categories, index = catalog.catalog_tree(home)
    one = catalog.provider(index, "Ente Uno", number=1)
    two = catalog.provider(index, "Ente Due", number=2)
    return {
        "one": one,
        "two": two,
        "service_one": catalog.service(one),
        "service_two": catalog.service(two, title="Nuoto libero"),
        "staff_one": catalog.provider_user("ente-uno", one),
        "staff_two": catalog.provider_user("ente-due", two),
    }


@pytest.fixture
def two_providers(home_page):
    """Two providers, each with one live service and its operator (`build_two_providers`)."""
    return build_two_providers(home_page)


@pytest.fixture(scope="module")
def _two_providers_keys(django_db_setup, django_db_blocker):
    with kept_for_the_module(django_db_blocker):
        yield {name: (type(row), row.pk) for name, row in build_two_providers(build_home_page()).items()}


@pytest.fixture
def two_providers_of_the_module(db, _two_providers_keys) -> dict:
    """`two_providers` built once for the module (`kept_for_the_module`): fresh instances for each test, and an empty
    cache (a test's pages may have cached what its rolled-back changes showed)."""
    cache.clear()
    return {name: model.objects.get(pk=pk) for name, (model, pk) in _two_providers_keys.items()}


@pytest.fixture
def office(db):
    """A City employee in «Ufficio voucher» (the group the data migration creates), not a superuser.

    A transactional test's flush empties the group's rows: its permissions are given back from the migration's list.
    """
    from importlib import import_module

    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name="Ufficio voucher")
    for app_label, codename in import_module("settlement.migrations.0002_ufficio_voucher_group").PERMISSIONS:
        group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))
    return catalog.user("ufficio", groups=["Ufficio voucher"])


@pytest.fixture
def family(db):
    return ChildFactory().guardian.user
