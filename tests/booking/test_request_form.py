"""The request form fits the service: its days, the child its age range allows, the price and what the voucher would
pay, and a confirmation that says what happens next and by when."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from booking import marketplace
from booking.models import ServiceRequest
from tests.booking.factories import ChildFactory, GuardianFactory, make_wallet
from tests.conftest import fresh_rows, kept_for_the_module, row_keys

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
START = (TODAY + datetime.timedelta(days=10)).isoformat()


def born(years: int) -> datetime.date:
    """A birth date that makes a child `years` old today and for the next months."""
    return TODAY.replace(year=TODAY.year - years) - datetime.timedelta(days=30)


@pytest.fixture(scope="module")
def _family_keys(_market_keys, django_db_blocker):
    with kept_for_the_module(django_db_blocker):
        guardian = GuardianFactory()
        teen = ChildFactory(guardian=guardian, first_name="Giulia", birth_date=born(16))
        kid = ChildFactory(guardian=guardian, first_name="Luca", birth_date=born(9))
        yield row_keys({"guardian": guardian, "teen": teen, "kid": kid})


@pytest.fixture
def market(market_of_the_module):
    """Every test but one uses it: built once for the module (`market_of_the_module`)."""
    return market_of_the_module


@pytest.fixture
def family(client, db, _family_keys):
    """A guardian, signed in, with Giulia (16) and Luca (9): built once for the module (`kept_for_the_module`),
    fresh instances for each test."""
    rows = fresh_rows(_family_keys)
    client.force_login(rows["guardian"].user)
    return rows


def form_url(service) -> str:
    return reverse("booking:request_new") + f"?servizio={service.pk}"


def radio(html: str, child) -> str:
    return re.search(rf'<input[^>]*name="child" value="{child.pk}"[^>]*>', html).group(0)


def test_only_the_services_days_are_offered(client, market, family):
    html = client.get(form_url(market["service"])).content.decode()  # sessions on Wednesday and Saturday
    days = re.findall(r'name="preferred_days" value="(\d)"', html)
    assert days == ["2", "5"]
    assert "I giorni in cui si svolge il servizio." in html
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    assert re.search(rf'name="preferred_start" value="{tomorrow}"', html)  # as soon as possible, unless changed


def test_the_child_who_fits_is_preselected_and_the_other_disabled_with_the_reason(client, market, family):
    html = client.get(form_url(market["service"])).content.decode()  # 6-14 years
    assert "checked" in radio(html, family["kid"]) and "disabled" not in radio(html, family["kid"])
    assert "disabled" in radio(html, family["teen"])
    assert "Giulia ha 16 anni: «Corsi di teatro» è per bambine e bambini da 6 a 14 anni." in html
    assert "Luca, 9 anni" in html
    # A disabled child posted anyway is refused with the same reason, and nothing is sent.
    response = client.post(form_url(market["service"]), {"child": family["teen"].pk, "preferred_start": START})
    assert response.status_code == 200
    assert "Giulia ha 16 anni" in response.text
    assert not ServiceRequest.objects.exists()


def test_price_and_what_the_voucher_would_pay_are_shown_before_sending(client, market, family):
    make_wallet("100.00", child=family["kid"])
    html = client.get(form_url(market["service"])).content.decode()  # € 25,00 a incontro
    assert "Prezzo: € 25,00 a incontro" in html
    assert "Il voucher di Luca (100,00 € disponibili) paga per intero 4 volte questo prezzo." in html
    assert "Il voucher di Giulia" not in html  # she cannot be chosen for this service


def test_voucher_cover_of_a_whole_course_and_of_a_session():
    from decimal import Decimal

    assert marketplace.voucher_cover(Decimal("250.00"), "course", Decimal("100.00")) == {
        "covered": Decimal("100.00"),
        "rest": Decimal("150.00"),
        "units": None,
    }
    assert marketplace.voucher_cover(Decimal("12.00"), "session", Decimal("100.00"))["units"] == 8
    assert marketplace.voucher_cover(None, "", Decimal("100.00"))["covered"] is None


def test_confirmation_says_what_happens_next_and_by_when(client, market, family):
    service = market["service"]  # max_wait_days = 5 (working days)
    response = client.post(
        form_url(service), {"child": family["kid"].pk, "preferred_start": START, "preferred_days": ["2"]}, follow=True
    )
    request = ServiceRequest.objects.get()
    deadline = marketplace.add_working_days(timezone.localdate(request.created_at), 5)
    assert marketplace.answer_deadline(request.created_at, 5) == deadline
    text = response.content.decode()
    assert "Richiesta inviata." in text
    assert f"{service.provider().title} entro il {deadline:%d/%m/%Y}" in text
    assert "se non risponde entro quel giorno la richiesta scade" in text
    detail = client.get(reverse("booking:request", args=[request.pk])).content.decode()
    assert f"ente risponde entro il {deadline:%d/%m/%Y}" in detail
