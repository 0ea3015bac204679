"""Requests, quotes, payments with the voucher, cancellation, expiry, ratings and emails, at the service level."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command

from booking import marketplace, vouchers
from booking.marketplace import BookingError
from booking.models import LedgerEntry, Order, Payment, Quote, Rating, ServiceRequest
from booking.transitions import TransitionNotAllowed
from tests.booking.factories import ChildFactory, accepted_order, make_request, make_wallet, quoted

pytestmark = pytest.mark.django_db
IN_TEN_DAYS = datetime.date.today() + datetime.timedelta(days=10)


@pytest.fixture
def market(market_of_the_module):
    """Built once for this module: every test here uses it."""
    return market_of_the_module


def _send(service, child, **kwargs):
    return marketplace.send_requests(
        guardian=child.guardian, child=child, services=[service], preferred_start=IN_TEN_DAYS, **kwargs
    )


# --- requests -------------------------------------------------------------------------------------------------


def test_one_request_per_service_and_the_provider_is_emailed_after_commit(market, django_capture_on_commit_callbacks):
    from tests.catalog import factories as catalog

    other = catalog.service(market["provider"], title="Laboratorio di pittura")
    child = ChildFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        created = marketplace.send_requests(
            guardian=child.guardian,
            child=child,
            services=[market["service"], other],
            preferred_start=IN_TEN_DAYS,
            days=[2, 0],
            message="Preferiamo il pomeriggio",
        )
        assert mail.outbox == []
    assert len(callbacks) == 2
    for callback in callbacks:
        callback()
    assert {r.service_id for r in created} == {market["service"].pk, other.pk}
    assert created[0].preferred_day_labels() == ["Lunedì", "Mercoledì"]
    # To the provider's operators (its staff user), not to the sheet's address for citizens.
    assert [m.to for m in mail.outbox] == [[market["staff"].email]] * 2
    assert "Nuova richiesta" in mail.outbox[0].subject
    assert mail.outbox[0].alternatives[0][1] == "text/html"


@pytest.mark.parametrize("birth", [datetime.date(2022, 1, 1), datetime.date(2008, 1, 1)])
def test_a_child_outside_the_audience_is_refused_and_nothing_is_created(market, birth):
    from tests.catalog import factories as catalog

    fitting = catalog.service(market["provider"], title="Per tutti", age_min=0, age_max=18)
    child = ChildFactory(birth_date=birth)
    with pytest.raises(BookingError, match="anni"):
        marketplace.send_requests(
            guardian=child.guardian, child=child, services=[fitting, market["service"]], preferred_start=IN_TEN_DAYS
        )
    assert not ServiceRequest.objects.exists()


def test_age_is_taken_at_the_preferred_start(market):
    child = ChildFactory(birth_date=IN_TEN_DAYS.replace(year=IN_TEN_DAYS.year - 6) + datetime.timedelta(days=1))
    with pytest.raises(BookingError):
        _send(market["service"], child)
    later = IN_TEN_DAYS + datetime.timedelta(days=2)
    assert marketplace.send_requests(
        guardian=child.guardian, child=child, services=[market["service"]], preferred_start=later
    )


def test_a_service_not_live_is_refused(market):
    market["service"].unpublish()
    market["service"].refresh_from_db()
    with pytest.raises(BookingError, match="non è più disponibile"):
        _send(market["service"], ChildFactory())


def test_someone_elses_child_is_refused(market):
    child, stranger = ChildFactory(), ChildFactory()
    with pytest.raises(BookingError):
        marketplace.send_requests(
            guardian=stranger.guardian, child=child, services=[market["service"]], preferred_start=IN_TEN_DAYS
        )


def test_quote_email_goes_to_the_family(market, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        quote = quoted(market["service"], market["staff"])
    assert quote.request.state == ServiceRequest.State.QUOTED
    assert mail.outbox[-1].to == [quote.request.guardian.email]
    assert "Preventivo ricevuto" in mail.outbox[-1].subject


def test_decline_keeps_the_reason_and_tells_the_family(market, django_capture_on_commit_callbacks):
    request = make_request(market["service"])
    with django_capture_on_commit_callbacks(execute=True):
        marketplace.decline(request, actor=market["staff"], reason="Corso al completo")
    request.refresh_from_db()
    assert (request.state, request.decline_reason) == (ServiceRequest.State.DECLINED, "Corso al completo")
    assert "Corso al completo" in mail.outbox[-1].body
    assert mail.outbox[-1].to == [request.guardian.email]


def test_a_withdrawn_request_cannot_be_quoted(market):
    request = make_request(market["service"])
    marketplace.withdraw(request, actor=request.guardian.user)
    with pytest.raises(TransitionNotAllowed):
        marketplace.offer_quote(
            request,
            actor=market["staff"],
            price=10,
            start_date=IN_TEN_DAYS,
            schedule="x",
            valid_until=IN_TEN_DAYS,
        )
    assert not Quote.objects.exists()


# --- expiry ---------------------------------------------------------------------------------------------------


def test_expire_bookings_counts_working_days(market):
    friday = datetime.date(2026, 11, 20)
    assert marketplace.add_working_days(friday, 1) == datetime.date(2026, 11, 23)
    assert marketplace.add_working_days(friday, 5) == datetime.date(2026, 11, 27)
    request = make_request(market["service"])
    ServiceRequest.objects.filter(pk=request.pk).update(
        created_at=datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)
    )
    assert marketplace.expire_overdue(datetime.date(2026, 11, 27)) == (0, 0)
    assert marketplace.expire_overdue(datetime.date(2026, 11, 30)) == (1, 0)
    request.refresh_from_db()
    assert request.state == ServiceRequest.State.EXPIRED


def test_expire_bookings_command_expires_old_quotes_only(market):
    old = quoted(market["service"], market["staff"])
    fresh = quoted(market["service"], market["staff"])
    Quote.objects.filter(pk=old.pk).update(valid_until=datetime.date.today() - datetime.timedelta(days=1))
    call_command("expire_bookings", stdout=io.StringIO())
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.state, fresh.state) == (Quote.State.EXPIRED, Quote.State.OFFERED)
    with pytest.raises(TransitionNotAllowed):
        marketplace.accept_quote(old, actor=old.request.guardian.user)


# --- paying ---------------------------------------------------------------------------------------------------


def _order_with_wallet(market, price, balance):
    child = ChildFactory()
    wallet = make_wallet(balance, child=child) if balance else None
    order = accepted_order(market["service"], market["staff"], price=price, child=child)
    return order, wallet


@pytest.mark.parametrize(
    ("price", "balance", "voucher", "provider"),
    [
        ("100.00", "300.00", "100.00", "0.00"),
        ("100.00", "40.00", "40.00", "60.00"),
        ("100.00", None, "0.00", "100.00"),
    ],
    ids=["voucher-covers-all", "voucher-covers-part", "no-voucher"],
)
def test_pay_splits_between_voucher_and_provider(market, price, balance, voucher, provider):
    order, wallet = _order_with_wallet(market, price, balance)
    marketplace.pay(order, method=Payment.Method.CARD, attempt_key="a1", actor=order.guardian.user)
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert (order.voucher_paid(), order.provider_paid()) == (Decimal(voucher), Decimal(provider))
    assert order.amount_paid() == order.price
    if wallet:
        assert vouchers.balance(wallet) == Decimal(balance) - Decimal(voucher)


def test_remainder_failure_reverses_the_voucher_part(market, fake_gateway_fails):
    order, wallet = _order_with_wallet(market, "100.00", "40.00")
    marketplace.pay(order, method=Payment.Method.CARD, attempt_key="a1", actor=order.guardian.user)
    order.refresh_from_db()
    assert order.state == Order.State.AWAITING_PAYMENT
    assert vouchers.balance(wallet) == Decimal("40.00")
    assert order.amount_paid() == Decimal("0.00")
    assert set(order.payments.values_list("method", "status")) == {("voucher", "reversed"), ("card", "failed")}
    assert LedgerEntry.objects.filter(wallet=wallet, kind=LedgerEntry.Kind.REVERSAL).count() == 1


def test_a_new_attempt_after_a_failure_pays(market, fake_gateway_fails):
    from booking.payments import FakeGateway

    order, wallet = _order_with_wallet(market, "100.00", "40.00")
    marketplace.pay(order, method=Payment.Method.CARD, attempt_key="a1", actor=None)
    FakeGateway.fail = False
    marketplace.pay(order, method=Payment.Method.CARD, attempt_key="a1", actor=None)
    order.refresh_from_db()
    assert order.state == Order.State.AWAITING_PAYMENT, "the same key replays the failed attempt"
    marketplace.pay(order, method=Payment.Method.CARD, attempt_key="a2", actor=None)
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert vouchers.balance(wallet) == Decimal("0.00")


def test_paying_twice_with_the_same_key_is_a_no_op(market):
    order, wallet = _order_with_wallet(market, "100.00", "40.00")
    for _attempt in range(2):
        marketplace.pay(order, method=Payment.Method.BANK_TRANSFER, attempt_key="same", actor=None)
    assert order.payments.count() == 2
    assert vouchers.balance(wallet) == Decimal("0.00")
    assert (order.amount_paid(), order.provider_pending()) == (Decimal("40.00"), Decimal("60.00"))


def test_the_family_cancels_alone_only_an_order_nothing_of_which_is_paid(market):
    unpaid, _wallet = _order_with_wallet(market, "100.00", None)
    marketplace.cancel_order(unpaid, actor=unpaid.guardian.user)
    unpaid.refresh_from_db()
    assert unpaid.state == Order.State.CANCELLED
    order, wallet = _order_with_wallet(market, "100.00", "40.00")
    marketplace.pay(order, method=Payment.Method.AT_PROVIDER, attempt_key="a1", actor=None)
    with pytest.raises(BookingError) as refused:
        marketplace.cancel_order(order, actor=order.guardian.user)
    assert refused.value.code == "booking.cancel_needs_agreement"
    order.refresh_from_db()
    assert order.state == Order.State.PAYMENT_PENDING
    assert vouchers.balance(wallet) == Decimal("0.00")


def test_an_expired_wallet_does_not_pay(market):
    order, wallet = _order_with_wallet(market, "100.00", "300.00")
    vouchers.expire(wallet)
    marketplace.pay(order, method=Payment.Method.CARD, attempt_key="a1", actor=None)
    assert (order.voucher_paid(), order.provider_paid()) == (Decimal("0.00"), Decimal("100.00"))


def test_a_free_service_needs_no_payment(market, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = accepted_order(market["service"], market["staff"], price="0.00")
    assert order.state == Order.State.PAID
    assert not order.payments.exists()
    assert "Acquisto pagato" in mail.outbox[-1].subject
    with pytest.raises(BookingError):
        marketplace.pay(order, method=Payment.Method.CARD, attempt_key="x", actor=None)


# --- after the service ----------------------------------------------------------------------------------------


def _completed(market):
    order = accepted_order(market["service"], market["staff"], price="0.00")
    marketplace.complete_order(order, actor=market["staff"])
    return order


def test_completion_asks_the_family_to_rate(market, django_capture_on_commit_callbacks):
    order = accepted_order(market["service"], market["staff"], price="0.00")
    with django_capture_on_commit_callbacks(execute=True):
        marketplace.complete_order(order, actor=market["staff"])
    assert mail.outbox[-1].to == [order.guardian.email]
    assert "Com'è andata" in mail.outbox[-1].subject


def test_rate_once_only_after_completion(market):
    order = accepted_order(market["service"], market["staff"], price="0.00")
    scores = {"overall": 4, "quality": 5, "punctuality": 3, "courtesy": 4}
    with pytest.raises(BookingError, match="concluso"):
        marketplace.rate(order, actor=None, **scores)
    marketplace.complete_order(order, actor=market["staff"])
    marketplace.rate(order, actor=None, **scores)
    with pytest.raises(BookingError, match="già"):
        marketplace.rate(order, actor=None, **scores)
    assert Rating.objects.count() == 1


def test_comments_are_public_only_after_moderation(market):
    order = _completed(market)
    rating = marketplace.rate(order, actor=None, overall=5, quality=5, punctuality=4, courtesy=5, comment="Bravissimi")
    summary = marketplace.rating_summary(market["service"].pk)
    assert (summary["count"], summary["average"], list(summary["comments"])) == (1, 5, [])
    marketplace.moderate(rating, approve=True, actor=None)
    assert list(marketplace.rating_summary(market["service"].pk)["comments"]) == [rating]
    with pytest.raises(BookingError):
        marketplace.moderate(rating, approve=False, actor=None)


def test_the_provider_replies_once(market):
    rating = marketplace.rate(_completed(market), actor=None, overall=2, quality=2, punctuality=2, courtesy=2)
    marketplace.reply(rating, text="Ci dispiace, rimediamo.", actor=market["staff"])
    with pytest.raises(BookingError):
        marketplace.reply(rating, text="Di nuovo", actor=market["staff"])
    rating.refresh_from_db()
    assert rating.reply == "Ci dispiace, rimediamo."


def test_a_quote_past_its_date_cannot_be_accepted_even_before_the_command_runs(market):
    quote = quoted(market["service"], market["staff"])
    Quote.objects.filter(pk=quote.pk).update(valid_until=datetime.date.today() - datetime.timedelta(days=1))
    quote.refresh_from_db()
    with pytest.raises(BookingError, match="scaduto"):
        marketplace.accept_quote(quote, actor=None)
    assert not Order.objects.exists()
    quote.refresh_from_db()
    assert quote.state == Quote.State.OFFERED


def test_a_rating_reaches_the_catalogue_search_and_its_rating_sort(market, django_capture_on_commit_callbacks):
    from search import sync
    from search.api import SearchQuery, get_backend
    from search.models import CatalogueEntry
    from tests.catalog import factories as catalog

    unrated = catalog.service(market["provider"], title="Corso senza giudizi")
    sync.update([market["service"].pk, unrated.pk])
    with django_capture_on_commit_callbacks(execute=True):
        marketplace.rate(_completed(market), actor=None, overall=4, quality=4, punctuality=4, courtesy=4)
        marketplace.rate(_completed(market), actor=None, overall=5, quality=5, punctuality=5, courtesy=5)

    entry = CatalogueEntry.objects.get(pk=market["service"].pk)
    assert (entry.rating_average, entry.rating_count) == (4.5, 2)
    ids = [hit.id for hit in get_backend().search(SearchQuery(sort="rating")).hits]
    assert ids.index(market["service"].pk) < ids.index(unrated.pk)


def test_provider_emails_go_to_every_operator_and_to_the_sheet_only_without_one(market):
    from booking import emails
    from tests.catalog import factories as catalog

    second = catalog.provider_user("ente-uno-bis", market["provider"])
    assert emails.provider_address(market["provider"].pk) == sorted([market["staff"].email, second.email])
    for user in (market["staff"], second):
        user.groups.clear()
    assert emails.provider_address(market["provider"].pk) == [market["provider"].contact_email]
