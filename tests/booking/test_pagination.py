"""Lists that grow without end are paginated, with a number of queries that does not depend on their length."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from booking import marketplace, vouchers
from booking.family_views import PER_PAGE
from booking.models import ServiceRequest
from tests.booking.factories import ChildFactory, accepted_order, make_request, make_wallet

pytestmark = pytest.mark.django_db
MORE = 30


@pytest.fixture
def market(market_of_the_module):
    """Built once for this module: every test here uses it."""
    return market_of_the_module


def _count_queries(client, url) -> tuple[int, object]:
    for _ in range(2):  # warm the caches (site settings, header and footer) so both counts compare the list alone
        client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def _assert_paginated(client, url, add_rows, context_name: str, per_page: int = PER_PAGE, page_param="pagina"):
    add_rows(1)
    one, response = _count_queries(client, url)
    assert len(response.context[context_name]) == 1
    add_rows(MORE)
    many, response = _count_queries(client, url)
    assert many == one, f"{url}: {one} queries with 1 row, {many} with {MORE + 1}"
    page = response.context[context_name]
    assert len(page) == min(per_page, MORE + 1)
    assert page.paginator.count == MORE + 1
    assert f"{page_param}=2" in response.text
    last = client.get(url, {page_param: page.paginator.num_pages})
    assert len(last.context[context_name]) == (MORE + 1) - per_page * (page.paginator.num_pages - 1)


def test_family_request_list_is_paginated_with_bounded_queries(client, market):
    child = ChildFactory()
    client.force_login(child.guardian.user)

    def add(n):
        for _ in range(n):
            make_request(market["service"], child=child, state=ServiceRequest.State.DECLINED)

    _assert_paginated(client, reverse("booking:requests"), add, "requests")


def test_family_request_list_pages_keep_the_filters(client, market):
    child = ChildFactory()
    client.force_login(child.guardian.user)
    for _ in range(PER_PAGE + 1):
        make_request(market["service"], child=child, state=ServiceRequest.State.DECLINED)
    response = client.get(reverse("booking:requests"), {"state": "declined"})
    assert "state=declined&amp;pagina=2" in response.text


def test_family_order_list_is_paginated_with_bounded_queries(client, market):
    child = ChildFactory()
    client.force_login(child.guardian.user)

    def add(n):
        for _ in range(n):
            accepted_order(market["service"], market["staff"], child=child)

    _assert_paginated(client, reverse("booking:orders"), add, "orders")


def test_voucher_movements_are_paginated_with_bounded_queries(client):
    wallet = make_wallet("10.00")
    client.force_login(wallet.holder.user)
    url = reverse("booking:wallet", args=[wallet.pk])
    one, response = _count_queries(client, url)
    assert len(response.context["entries"]) == 1
    for n in range(MORE):
        vouchers.grant(wallet, Decimal("1.00"), idempotency_key=f"extra-{n}")
    many, response = _count_queries(client, url)
    assert many == one
    assert len(response.context["entries"]) == PER_PAGE
    assert "pagina=2" in response.text


def test_provider_request_list_is_paginated_with_bounded_queries(client, market, monkeypatch):
    from booking import provider_views

    monkeypatch.setattr(provider_views, "REQUESTS_PER_PAGE", 10)
    client.force_login(market["staff"])
    _assert_paginated(
        client,
        reverse("booking_provider_requests"),
        lambda n: [make_request(market["service"]) for _ in range(n)],
        "requests",
        per_page=10,
        page_param="p",
    )


def test_rating_moderation_list_is_paginated_with_bounded_queries(client, market, admin_user, monkeypatch):
    from booking import provider_views

    monkeypatch.setattr(provider_views, "REQUESTS_PER_PAGE", 10)
    client.force_login(admin_user)

    def add(n):
        for _ in range(n):
            order = accepted_order(market["service"], market["staff"], price="0.00")
            marketplace.complete_order(order, actor=market["staff"])
            marketplace.rate(order, actor=None, overall=4, quality=4, punctuality=4, courtesy=4, comment="Bene")

    _assert_paginated(client, reverse("booking_rating_moderation"), add, "ratings", per_page=10, page_param="p")


def test_the_selection_holds_at_most_twenty_services(client, market):
    from booking.family_views import BASKET_KEY, BASKET_MAX

    child = ChildFactory()
    client.force_login(child.guardian.user)
    session = client.session
    session[BASKET_KEY] = list(range(10_000, 10_000 + BASKET_MAX))
    session.save()
    response = client.post(reverse("booking:basket_add"), {"service": market["service"].pk}, follow=True)
    assert "al massimo 20 servizi" in response.text
    assert market["service"].pk not in client.session[BASKET_KEY]
