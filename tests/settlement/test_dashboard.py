"""The provider's admin home: what awaits it, counted in a constant number of queries."""

import datetime
from decimal import Decimal

import pytest

from booking import marketplace
from booking.models import Payment, ServiceRequest
from settlement.dashboard import provider_summary, working_days_between
from tests.booking.factories import accepted_order, make_request
from tests.settlement.conftest import paid_order


@pytest.fixture
def two_providers(two_providers_of_the_module):
    """Built once for the module: each test's orders and requests roll back with it."""
    return two_providers_of_the_module


def test_working_days_skip_weekends():
    friday = datetime.date(2026, 11, 27)
    assert working_days_between(friday, datetime.date(2026, 11, 30)) == 1
    assert working_days_between(friday, friday) == 0
    assert working_days_between(datetime.date(2026, 11, 30), friday) == -1


def _pending_and_cancelled(p):
    """One order waiting for the provider to confirm a part paid at its desk, one paid order the family asks to
    cancel."""
    pending = accepted_order(p["service_one"], p["staff_one"])
    marketplace.pay(pending, method="at_provider", attempt_key="a1", actor=None, voucher_amount=Decimal("0"))
    asked = paid_order(p["service_one"], p["staff_one"], complete=False)
    marketplace.ask_cancellation(asked, actor=asked.guardian.user, reason="Trasloco")


def test_the_home_panel_counts_in_constant_queries(client, two_providers, django_assert_num_queries):
    p = two_providers
    make_request(p["service_one"])
    paid_order(p["service_one"], p["staff_one"], complete=False)
    _pending_and_cancelled(p)
    ids = [p["one"].pk]
    with django_assert_num_queries(7):
        first = provider_summary(ids)
    for _ in range(3):
        make_request(p["service_one"])
        paid_order(p["service_one"], p["staff_one"], complete=False)
        _pending_and_cancelled(p)
    Payment.objects.filter(status="pending").update(due_by=datetime.date.today() - datetime.timedelta(days=1))
    with django_assert_num_queries(7):
        summary = provider_summary(ids)
    counted = ("to_answer", "to_complete", "to_confirm", "to_decide", "overdue")
    assert tuple(first[name] for name in counted) == (1, 1, 1, 1, 0)
    assert tuple(summary[name] for name in counted) == (4, 4, 4, 4, 4), "an order the family asks to cancel waits"
    assert summary["waiting"][0].days_left == p["service_one"].max_wait_days
    assert len(summary["payments"]) == len(summary["cancellations"]) == 4

    client.force_login(p["staff_one"])
    home = client.get("/admin/").content.decode()
    assert "Cosa ti aspetta" in home
    assert "4 richieste da rispondere" in home
    assert "4 pagamenti da confermare" in home and "4 in ritardo" in home
    assert "4 richieste di annullamento da decidere" in home
    assert ServiceRequest.objects.filter(provider=p["two"]).count() == 0


def test_the_city_sees_every_providers_requests_with_counters_and_filters(client, two_providers, office):
    p = two_providers
    make_request(p["service_one"])
    make_request(p["service_two"])
    client.force_login(office)
    page = client.get("/admin/richieste-enti/")
    assert page.context["total"] == 2
    assert {r.provider_id for r in page.context["requests"]} == {p["one"].pk, p["two"].pk}
    only_two = client.get("/admin/richieste-enti/", {"ente": "ente due"})
    assert [r.provider_id for r in only_two.context["requests"]] == [p["two"].pk]
    assert dict(only_two.context["counters"])["Inviata"] == 1
    assert client.get("/admin/richieste-enti/", {"stato": "quoted"}).context["requests"].paginator.count == 0
    by_category = client.get("/admin/richieste-enti/", {"categoria": p["service_one"].category})
    assert by_category.context["total"] == 2
    client.force_login(p["staff_one"])
    assert client.get("/admin/richieste-enti/").status_code == 302
