"""The provider's admin home: what awaits it, counted in a constant number of queries."""

import datetime

from booking.models import ServiceRequest
from settlement.dashboard import provider_summary, working_days_between
from tests.booking.factories import make_request
from tests.settlement.conftest import paid_order


def test_working_days_skip_weekends():
    friday = datetime.date(2026, 11, 27)
    assert working_days_between(friday, datetime.date(2026, 11, 30)) == 1
    assert working_days_between(friday, friday) == 0
    assert working_days_between(datetime.date(2026, 11, 30), friday) == -1


def test_the_home_panel_counts_in_constant_queries(client, two_providers, django_assert_num_queries):
    p = two_providers
    make_request(p["service_one"])
    paid_order(p["service_one"], p["staff_one"], complete=False)
    ids = [p["one"].pk]
    with django_assert_num_queries(4):
        first = provider_summary(ids)
    for _ in range(3):
        make_request(p["service_one"])
        paid_order(p["service_one"], p["staff_one"], complete=False)
    with django_assert_num_queries(4):
        summary = provider_summary(ids)
    assert (first["to_answer"], first["to_complete"]) == (1, 1)
    assert (summary["to_answer"], summary["to_complete"]) == (4, 4)
    assert summary["waiting"][0].days_left == p["service_one"].max_wait_days

    client.force_login(p["staff_one"])
    home = client.get("/admin/").content.decode()
    assert "Cosa ti aspetta" in home
    assert "4 richieste da rispondere" in home
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
