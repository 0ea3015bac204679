"""Each figure of the monitoring equals a count made another way on a small fixture."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.models import Child, Guardian, Order, Quote, ServiceRequest
from monitoring.figures import facts, refresh
from monitoring.models import ALL_PERIODS, Cut, Metric, Scope
from monitoring.sources import age_band_of
from tests.monitoring.events import event

ROME = datetime.timezone(datetime.timedelta(hours=1))


@pytest.fixture
def world(world_of_the_module):
    """Built once for this module: every test here uses it."""
    return world_of_the_module


def figure(rows, metric, scope=Scope.TOTAL, key=0, cut=Cut.ALL, cut_key=""):
    values = [
        f.value
        for f in rows
        if (f.metric, f.scope, f.scope_key, f.cut, f.cut_key) == (metric, scope, key, cut, cut_key)
    ]
    return int(values[0]) if values else 0


def test_a_service_reaching_a_dimension_through_two_challenges_counts_once(world):
    one, both, none = world.services
    when = datetime.datetime(2025, 3, 10, 12, tzinfo=ROME)
    event(world, one, municipio=5, age=9, when=when, order_state=Order.State.PAID)
    event(world, both, municipio=5, age=9, when=when, order_state=Order.State.COMPLETED)
    event(world, both, municipio=2, age=15, when=when)
    event(world, none, municipio=2, age=12, when=when, order_state=Order.State.CANCELLED)
    refresh()
    rows = facts()
    assert figure(rows, Metric.SERVICES) == 3
    assert figure(rows, Metric.SERVICES, Scope.CHALLENGE, 1) == 2
    assert figure(rows, Metric.SERVICES, Scope.DIMENSION, 2) == 2  # "both" once, though two challenges reach it
    assert figure(rows, Metric.REQUESTS) == 4
    assert figure(rows, Metric.REQUESTS, Scope.DIMENSION, 2) == 3
    assert figure(rows, Metric.REQUESTS, Scope.DIMENSION, 3) == 2
    assert figure(rows, Metric.ORDERS) == 2  # the cancelled one is not counted
    assert figure(rows, Metric.CHILDREN, Scope.CHALLENGE, 1) == 2
    assert figure(rows, Metric.CHILDREN, Scope.CHALLENGE, 2) == 1
    assert figure(rows, Metric.REQUESTS, cut=Cut.MUNICIPIO, cut_key="5") == 2
    assert figure(rows, Metric.REQUESTS, cut=Cut.AGE_BAND, cut_key="14-17") == 1
    assert figure(rows, Metric.REQUESTS, cut=Cut.CATEGORY, cut_key="sport") == 2
    assert figure(rows, Metric.REQUESTS, cut=Cut.MONTH, cut_key="2025-03") == 4
    assert figure(rows, Metric.SERVICES, cut=Cut.AGE_BAND, cut_key="0-5") == 0
    assert figure(rows, Metric.SERVICES, cut=Cut.AGE_BAND, cut_key="14-17") == 3  # "Teatro" 6-14 overlaps it
    assert figure(rows, Metric.SERVICES, cut=Cut.AGE_BAND, cut_key="6-10") == 3  # "Robotica" 10-17 too
    assert figure(facts("2025"), Metric.REQUESTS) == 4
    assert figure(facts("2024"), Metric.REQUESTS) == 0


def test_the_age_band_is_the_childs_age_on_the_day_of_the_request(world):
    one = world.services[0]
    when = datetime.datetime(2025, 6, 1, 10, tzinfo=ROME)
    request = event(world, one, municipio=1, age=5, when=when)
    # The sixth birthday falls the day after the request: still 0-5.
    request.child.birth_date = datetime.date(2019, 6, 2)
    Child.objects.filter(pk=request.child.pk).update(birth_date=datetime.date(2019, 6, 2))
    refresh()
    assert figure(facts(), Metric.REQUESTS, cut=Cut.AGE_BAND, cut_key="0-5") == 1
    Child.objects.filter(pk=request.child.pk).update(birth_date=datetime.date(2019, 6, 1))
    refresh()
    assert figure(facts(), Metric.REQUESTS, cut=Cut.AGE_BAND, cut_key="6-10") == 1


def test_refresh_runs_the_same_number_of_queries_for_ten_or_forty_requests(world):
    when = datetime.datetime(2025, 1, 15, 9, tzinfo=ROME)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            refresh()
        return len([q for q in captured.captured_queries if not q["sql"].startswith("INSERT")])

    for n in range(10):
        event(world, world.services[n % 3], municipio=1 + n % 9, age=n + 3, when=when, order_state=Order.State.PAID)
    few = queries()
    for n in range(30):
        event(
            world, world.services[n % 3], municipio=1 + n % 9, age=n % 14 + 3, when=when, order_state=Order.State.PAID
        )
    assert queries() == few


EVENT = st.fixed_dictionaries(
    {
        "service": st.integers(0, 2),
        "municipio": st.one_of(st.none(), st.integers(1, 9)),
        "age": st.integers(0, 17),
        "days_ago": st.integers(0, 900),
        "order": st.sampled_from([None, Order.State.PAID, Order.State.COMPLETED, Order.State.CANCELLED]),
    }
)
CHALLENGES_OF = {0: {1}, 1: {1, 2}, 2: set()}
DIMENSIONS_OF = {0: {1, 2}, 1: {1, 2, 3}, 2: set()}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=st.lists(EVENT, min_size=1, max_size=12), cut=st.sampled_from([Cut.ALL, Cut.MUNICIPIO, Cut.AGE_BAND]))
def test_every_filter_matches_a_count_made_in_python(world, events, cut):
    now = datetime.datetime(2026, 6, 30, 12, tzinfo=ROME)
    made = []
    for e in events:
        when = now - datetime.timedelta(days=e["days_ago"])
        event(
            world,
            world.services[e["service"]],
            municipio=e["municipio"],
            age=e["age"],
            when=when,
            order_state=e["order"],
        )
        made.append({**e, "year": str(when.year)})
    try:
        refresh()
        expected = Counter()
        for e in made:
            scopes = [(Scope.TOTAL, 0)]
            scopes += [(Scope.CHALLENGE, c) for c in CHALLENGES_OF[e["service"]]]
            scopes += [(Scope.DIMENSION, d) for d in DIMENSIONS_OF[e["service"]]]
            if cut == Cut.ALL:
                cut_key = ""
            elif cut == Cut.MUNICIPIO:
                if e["municipio"] is None:
                    continue
                cut_key = str(e["municipio"])
            else:
                cut_key = age_band_of(e["age"])
            for period in (ALL_PERIODS, e["year"]):
                for scope in scopes:
                    expected[(period, *scope, cut_key, Metric.REQUESTS)] += 1
                    if e["order"] and e["order"] != Order.State.CANCELLED:
                        expected[(period, *scope, cut_key, Metric.ORDERS)] += 1
                        expected[(period, *scope, cut_key, Metric.CHILDREN)] += 1  # one child per event
        periods = {ALL_PERIODS} | {e["year"] for e in made}
        got = Counter()
        for period in periods:
            for f in facts(period):
                if f.cut == cut and f.metric in (Metric.REQUESTS, Metric.ORDERS, Metric.CHILDREN) and f.value:
                    got[(period, f.scope, f.scope_key, f.cut_key, f.metric)] = int(f.value)
        assert got == expected
    finally:
        Order.objects.all().delete()
        Quote.objects.all().delete()
        ServiceRequest.objects.all().delete()
        Child.objects.all().delete()
        Guardian.objects.all().delete()


def test_a_published_decision_refreshes_the_figures_when_its_transaction_commits(
    world, django_capture_on_commit_callbacks
):
    from core.signals import figures_changed

    event(world, world.services[0], municipio=3, age=7, when=datetime.datetime(2025, 2, 1, 9, tzinfo=ROME))
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed.send(sender="vouchercall")
    assert figure(facts(), Metric.REQUESTS) == 1


def test_applications_and_vouchers_by_isee_band_match_the_applications(world):
    from booking import vouchers
    from monitoring.sources import isee_band_of
    from tests.vouchercall.factories import apply, make_call, make_family

    call = make_call()
    expected = Counter()
    granted = Counter()
    for n, isee in enumerate(["3000.00", "4000.00", "12000.00", "26000.00"]):
        guardian, children = make_family(datetime.date(2014, 1, 1 + n), municipio=1 + n)
        apply(call, guardian, children, isee=isee)
        expected[isee_band_of(Decimal(isee))] += 1
        if n % 2 == 0:  # funded: a wallet under the call the family applied to
            vouchers.create_wallet(child=children[0], holder=guardian, call=call.money_call, value=Decimal("200.00"))
            granted[isee_band_of(Decimal(isee))] += 200
    refresh()
    rows = facts()
    got = {
        f.cut_key: int(f.value)
        for f in rows
        if (f.metric, f.scope, f.cut) == (Metric.APPLICATIONS, Scope.TOTAL, Cut.ISEE_BAND)
    }
    assert got == dict(expected)
    money = {
        f.cut_key: int(f.value)
        for f in rows
        if (f.metric, f.scope, f.cut) == (Metric.VOUCHER_GRANTED, Scope.TOTAL, Cut.ISEE_BAND)
    }
    assert money == dict(granted)
    assert figure(rows, Metric.APPLICATIONS, cut=Cut.MUNICIPIO, cut_key="2") == 1
    assert figure(facts(call_id=call.money_call_id), Metric.APPLICATIONS) == 4
