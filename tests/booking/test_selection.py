"""The family's selection survives signing out and back in (and another device): booking.selection."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from booking.models import Guardian
from tests.booking.factories import ChildFactory
from tests.catalog import factories as catalog

pytestmark = pytest.mark.django_db
PASSWORD = "Selezione-2026-sicura"


@pytest.fixture
def market(market_of_the_module):
    """Both tests use it: built once for the module (`market_of_the_module`)."""
    return market_of_the_module


@pytest.fixture
def family():
    nine = datetime.date.today() - datetime.timedelta(days=9 * 365 + 60)
    child = ChildFactory(birth_date=nine)  # the market's service is for 6-14 years
    user = child.guardian.user
    user.set_password(PASSWORD)
    user.save()
    return child.guardian


def sign_in(client: Client, guardian: Guardian) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(
        user=guardian.user, email=guardian.user.email, defaults={"verified": True, "primary": True}
    )
    response = client.post(reverse("account_login"), {"login": guardian.user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def selection_titles(client: Client) -> list[str]:
    return [service.title for service in client.get(reverse("booking:basket")).context["services"]]


def test_signing_out_and_back_in_keeps_the_selection(client, market, family):
    other = catalog.service(market["provider"], title="Nuoto libero", slug="nuoto-libero")
    sign_in(client, family)
    for service in (market["service"], other):
        client.post(reverse("booking:basket_add"), {"service": service.pk})
    client.post(reverse("booking:basket_remove"), {"service": other.pk})
    client.post(reverse("account_logout"))
    assert client.get(reverse("booking:basket")).status_code == 302  # signed out: the session is gone

    sign_in(client, family)
    assert selection_titles(client) == [market["service"].title]
    family.refresh_from_db()
    assert family.saved_selection == [market["service"].pk]


def test_another_device_finds_the_selection_and_a_sent_request_empties_it(client, market, family):
    sign_in(client, family)
    client.post(reverse("booking:basket_add"), {"service": market["service"].pk})
    phone = Client()
    sign_in(phone, family)
    assert selection_titles(phone) == [market["service"].title]
    child = family.children.get()
    start = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    sent = {"child": child.pk, "preferred_start": start, "preferred_days": ["2"]}
    assert phone.post(reverse("booking:request_new"), sent).status_code == 302
    family.refresh_from_db()
    assert family.saved_selection == []
