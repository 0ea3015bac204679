"""The state machines: every pair of states is either allowed (and audited) or refused (and changes nothing)."""

import datetime
import itertools
from decimal import Decimal

import pytest

from booking.models import Cancellation, Order, Quote, ServiceRequest
from booking.transitions import ALLOWED, TransitionNotAllowed, transition
from core.audit import history_for
from core.errors import DomainError
from tests.booking.factories import UserFactory, make_request

EXPECTED = {
    ServiceRequest: {("sent", "quoted"), ("sent", "declined"), ("sent", "expired"), ("sent", "withdrawn")},
    Quote: {("offered", "accepted"), ("offered", "rejected"), ("offered", "expired")},
    Order: {
        ("awaiting_payment", "payment_pending"),
        ("awaiting_payment", "paid"),
        ("awaiting_payment", "cancelled"),
        ("payment_pending", "paid"),
        ("payment_pending", "cancelled"),
        ("paid", "completed"),
        ("paid", "cancelled"),
    },
    # A paid order is cancelled only by agreement: the provider decides, a refusal may go to the City (issue 13).
    Cancellation: {
        ("requested", "accepted"),
        ("requested", "refused"),
        ("refused", "disputed"),
        ("disputed", "accepted"),
        ("disputed", "rejected"),
    },
}

CASES = [
    pytest.param(model, frm, to, (frm, to) in EXPECTED[model], id=f"{model.__name__}:{frm}->{to}")
    for model in EXPECTED
    for frm, to in itertools.product(model.State.values, repeat=2)
]


def test_table_matches_the_issue():
    for model, pairs in EXPECTED.items():
        assert {(frm, to) for frm, tos in ALLOWED[model].items() for to in tos} == pairs


@pytest.fixture
def market(market_of_the_module):
    """Built once for this module: every test with the database here uses it."""
    return market_of_the_module


def _object_in(model, state, market):
    service, staff = market["service"], market["staff"]
    request = make_request(service)
    if model is ServiceRequest:
        obj = request
    else:
        quote = Quote.objects.create(
            request=request,
            price=Decimal("50.00"),
            start_date=datetime.date.today(),
            schedule="Lunedì 17-18",
            valid_until=datetime.date.today(),
            created_by=staff,
        )
        obj = quote
        if model in (Order, Cancellation):
            obj = Order.objects.create(
                quote=quote, guardian=request.guardian, provider_id=request.provider_id, price=Decimal("50.00")
            )
        if model is Cancellation:
            obj = Cancellation.objects.create(order=obj, reason="Trasloco")
    model.objects.filter(pk=obj.pk).update(state=state)
    obj.refresh_from_db()
    return obj


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "frm", "to", "ok"), CASES)
def test_transition(model, frm, to, ok, market):
    obj = _object_in(model, frm, market)
    actor = UserFactory()
    logs = history_for(obj)
    if ok:
        transition(obj, to, actor)
        obj.refresh_from_db()
        assert obj.state == to
        log = logs.get()
        assert (log.from_state, log.to_state, log.actor, log.actor_label) == (frm, to, actor, actor.username)
        names = {ServiceRequest: "request", Quote: "quote", Order: "order", Cancellation: "cancellation"}
        assert log.action == f"booking.{names[model]}.{to}"
    else:
        with pytest.raises(TransitionNotAllowed) as refused:
            transition(obj, to, actor)
        assert isinstance(refused.value, DomainError)
        assert refused.value.code == "booking.transition_not_allowed"
        assert "Operazione non più possibile" in str(refused.value.message)
        obj.refresh_from_db()
        assert obj.state == frm
        assert not logs.exists()


@pytest.mark.django_db
def test_save_cannot_change_state(market):
    request = make_request(market["service"])
    request.state = ServiceRequest.State.QUOTED
    request.message = "Aggiornato"
    request.save()
    request.refresh_from_db()
    assert request.state == ServiceRequest.State.SENT
    assert request.message == "Aggiornato"


@pytest.mark.django_db
def test_history_reads_the_state_names_people_see(market):
    service, staff = market["service"], market["staff"]
    request = make_request(service)
    transition(request, ServiceRequest.State.WITHDRAWN, staff)
    log = history_for(request).get()
    assert (log.from_label(), log.to_label()) == ("Inviata", "Ritirata")
    assert str(log) == "Richiesta ritirata: Inviata → Ritirata"
