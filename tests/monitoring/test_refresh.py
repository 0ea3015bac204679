"""The one-pass refresh gives exactly the figures of the per-cut refresh it replaced, in a bounded number of queries;
the funded micro-projects' figures equal counts made by hand."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from booking import vouchers
from booking.models import Order, Payment
from collective.models import MicroProject
from monitoring.figures import compute, facts, rebuild_service_scopes, refresh
from monitoring.models import ALL_PERIODS, MICRO_PROJECT_METRICS, Cut, Metric, Scope
from tests.monitoring import reference
from tests.monitoring.events import event, funded_project
from tests.vouchercall.factories import apply, make_call

ROME = datetime.timezone(datetime.timedelta(hours=1))


@pytest.fixture
def world(world_of_the_module):
    """Every test here uses it: built once for the module (`world_of_the_module`)."""
    return world_of_the_module


def as_dict(rows) -> dict[tuple, Decimal]:
    return {
        (f.period, f.call_id, f.scope, f.scope_key, f.cut, f.cut_key, f.metric): Decimal(f.value)
        for f in rows
        if f.metric not in MICRO_PROJECT_METRICS
    }


def spend(order, call, amount="20.00", apply_to=None):
    """The order's child gets a wallet of `call`'s money call (after an application when `apply_to` is a call) and
    pays part of the order with it."""
    request = order.quote.request
    if apply_to is not None:
        apply(apply_to, request.guardian, [request.child], isee=str(3000 + 4000 * (order.pk % 6)))
    wallet = vouchers.create_wallet(child=request.child, holder=request.guardian, call=call, value=Decimal("300.00"))
    entry = vouchers.redeem(wallet, Decimal(amount), idempotency_key=f"t-{order.pk}")
    Payment.objects.create(
        order=order,
        method=Payment.Method.VOUCHER,
        amount=Decimal(amount),
        status=Payment.Status.CONFIRMED,
        attempt_key=f"t-{order.pk}",
        ledger_entry=entry,
        created_at=order.created_at,
    )


def test_the_one_pass_refresh_gives_the_per_cut_refreshs_figures(world):
    voucher_call = make_call()
    states = [Order.State.PAID, Order.State.COMPLETED, Order.State.CANCELLED, Order.State.AWAITING_PAYMENT, None]
    for n in range(30):
        when = datetime.datetime(2024 + n % 3, 1 + n % 12, 1 + n % 27, 8 + n % 10, tzinfo=ROME)
        request = event(
            world,
            world.services[n % 3],
            municipio=None if n % 11 == 0 else 1 + n % 9,
            age=n % 19,  # 18 is outside every band
            when=when,
            order_state=states[n % 5],
        )
        order = Order.objects.filter(quote__request=request).first()
        if order is not None and order.state in (Order.State.PAID, Order.State.COMPLETED) and n % 2 == 0:
            spend(order, voucher_call.money_call, apply_to=voucher_call if n % 4 == 0 else None)
    # One child reached by the three services in two months: counted once wherever those orders share a group.
    april, may = datetime.datetime(2025, 4, 2, tzinfo=ROME), datetime.datetime(2025, 5, 2, tzinfo=ROME)
    first = event(world, world.services[0], municipio=3, age=9, when=april, order_state="paid")
    for service in world.services[1:]:
        request = event(world, service, municipio=3, age=9, when=may, order_state="paid")
        request.child = first.child
        request.save()
    rebuild_service_scopes()
    expected = as_dict(reference.compute())
    assert as_dict(compute()) == expected
    assert len(expected) > 500  # the fixture reaches every source, cut, period and call


def test_the_refresh_takes_a_fixed_number_of_queries(world):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            refresh()
        return [q for q in captured.captured_queries if not q["sql"].startswith("INSERT")]

    when = datetime.datetime(2025, 1, 15, 9, tzinfo=ROME)
    event(world, world.services[0], municipio=1, age=7, when=when, order_state=Order.State.PAID)
    few = queries()
    for n in range(25):
        event(world, world.services[n % 3], municipio=1 + n % 9, age=n % 17, when=when, order_state=Order.State.PAID)
    many = queries()
    assert len(many) == len(few)
    # Seven sources, the catalogue's two, the micro-projects' four, the scopes' rebuild: no query per row.
    assert len(many) <= 40, [q["sql"][:80] for q in many]


def test_funded_micro_projects_count_per_challenge_dimension_municipio_and_age(world):
    born = [datetime.date(2015, 3, 1), datetime.date(2012, 2, 1), datetime.date(2016, 1, 20)]
    # Challenge 1 touches dimensions 1 and 2, challenge 2 dimensions 2 and 3 (the world's).
    funded_project(
        world,
        "Cortili",
        challenges=["educazione-salute"],
        municipi=[2],
        ages=(6, 10),
        participants=[(born[0], True), (born[1], True), (born[2], False)],
    )
    funded_project(
        world,
        "Robotica",
        challenges=["educazione-salute", "extrascolastiche"],
        municipi=[2, 7],
        ages=(9, 14),
        participants=[(datetime.date(2010, 6, 1), False)],
    )
    unfunded = funded_project(
        world,
        "Non finanziato",
        challenges=["extrascolastiche"],
        municipi=[7],
        participants=[(datetime.date(2014, 6, 1), False)],
    )
    MicroProject.objects.filter(pk=unfunded.pk).update(funding=MicroProject.Funding.NOT_FUNDED)
    refresh()
    rows = {(f.metric, f.scope, f.scope_key, f.cut, f.cut_key): int(f.value) for f in facts(ALL_PERIODS)}

    def value(metric, scope=Scope.TOTAL, key=0, cut=Cut.ALL, cut_key=""):
        return rows.get((metric, scope, key, cut, cut_key), 0)

    assert value(Metric.MICRO_PROJECTS) == 2
    assert value(Metric.MICRO_PROJECTS, Scope.CHALLENGE, 1) == 2
    assert value(Metric.MICRO_PROJECTS, Scope.CHALLENGE, 2) == 1
    assert value(Metric.MICRO_PROJECTS, Scope.DIMENSION, 2) == 2  # once, though both its challenges touch it
    assert value(Metric.MICRO_PROJECTS, cut=Cut.MUNICIPIO, cut_key="2") == 2
    assert value(Metric.MICRO_PROJECTS, cut=Cut.MUNICIPIO, cut_key="7") == 1  # the unfunded one is not counted
    assert value(Metric.MICRO_PROJECTS, cut=Cut.AGE_BAND, cut_key="11-13") == 1  # "Robotica" 9-14 overlaps it
    assert value(Metric.MICRO_PROJECTS, cut=Cut.MONTH, cut_key="2023-01") == 2
    assert value(Metric.RESERVED_PLACES) == 6
    assert value(Metric.PARTICIPANTS) == 4
    assert value(Metric.RESERVED_FILLED) == 2
    assert value(Metric.RESERVED_FILLED, Scope.CHALLENGE, 2) == 0
    assert value(Metric.PARTICIPANTS, Scope.DIMENSION, 3) == 1
    # Ages at the project's start (9 January 2023), from the codice fiscale: 7, 10, 6 and 12.
    assert value(Metric.PARTICIPANTS, cut=Cut.AGE_BAND, cut_key="6-10") == 3
    assert value(Metric.PARTICIPANTS, cut=Cut.AGE_BAND, cut_key="11-13") == 1
    in_2023 = [
        f.value for f in facts("2023") if (f.metric, f.scope, f.cut) == (Metric.MICRO_PROJECTS, Scope.TOTAL, Cut.ALL)
    ]
    assert in_2023 == [2]
