"""Payments that mean what they say (issue 13): a part paid at the provider or by bank transfer is pending until the
provider confirms it, the family chooses how much voucher to use and sees the remainder before confirming, a paid
order is cancelled only by agreement."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from booking import marketplace, vouchers
from booking.marketplace import BookingError
from booking.models import Cancellation, LedgerEntry, Order, Payment
from booking.vouchers import InsufficientBalance
from core.audit import history_for
from core.errors import DomainError
from tests.booking.factories import ChildFactory, accepted_order, make_wallet

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(market_of_the_module):
    """Built once for this module: every test here uses it."""
    return market_of_the_module


def _order(market, price="100.00", balance="40.00"):
    child = ChildFactory()
    wallet = make_wallet(balance, child=child) if balance else None
    return accepted_order(market["service"], market["staff"], price=price, child=child), wallet


def _pay_at_provider(order, **kwargs):
    return marketplace.pay(
        order, method=Payment.Method.AT_PROVIDER, attempt_key="a1", actor=order.guardian.user, **kwargs
    )


# --- pending until the provider confirms --------------------------------------------------------------------------


@pytest.mark.parametrize("method", [Payment.Method.AT_PROVIDER, Payment.Method.BANK_TRANSFER])
def test_a_remainder_paid_at_the_provider_keeps_the_order_unpaid_until_it_confirms(
    market, method, django_capture_on_commit_callbacks
):
    order, _wallet = _order(market)
    with django_capture_on_commit_callbacks(execute=True):
        marketplace.pay(order, method=method, attempt_key="a1", actor=order.guardian.user)
    order.refresh_from_db()
    assert order.state == Order.State.PAYMENT_PENDING
    assert (order.voucher_paid(), order.provider_paid(), order.provider_pending()) == (
        Decimal("40.00"),
        Decimal("0.00"),
        Decimal("60.00"),
    )
    pending = order.payments.get(status=Payment.Status.PENDING)
    assert pending.due_by == marketplace.add_working_days(datetime.date.today(), 10)
    assert "Pagamento da confermare" in mail.outbox[-1].subject
    assert market["staff"].email in mail.outbox[-1].to
    with pytest.raises(DomainError):
        marketplace.complete_order(order, actor=market["staff"])

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        marketplace.confirm_payment(pending, actor=market["staff"], reference="CRO 0001")
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert order.amount_paid() == order.price
    pending.refresh_from_db()
    assert (pending.status, pending.confirmed_by, pending.reference) == ("confirmed", market["staff"], "CRO 0001")
    assert [e.action for e in history_for(pending)] == ["booking.payment.pending", "booking.payment.confirmed"]
    assert [e.to_state for e in history_for(order, states_only=True)][-2:] == ["payment_pending", "paid"]
    assert mail.outbox[-1].to == [order.guardian.email]
    with pytest.raises(BookingError):
        marketplace.confirm_payment(pending, actor=market["staff"])


def test_a_card_remainder_is_paid_at_once_through_the_gateway(market):
    order, _wallet = _order(market)
    marketplace.pay(order, method=Payment.Method.CARD, attempt_key="a1", actor=None)
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert order.payments.get(method="card").reference == f"fake-{order.pk}-a1"


def test_an_unconfirmed_remainder_past_its_deadline_is_flagged_once_to_provider_and_city(
    market, django_capture_on_commit_callbacks
):
    order, _wallet = _order(market)
    _pay_at_provider(order)
    pending = order.payments.get(status=Payment.Status.PENDING)
    assert marketplace.flag_overdue_payments() == 0, "not before the deadline"
    Payment.objects.filter(pk=pending.pk).update(due_by=datetime.date.today() - datetime.timedelta(days=1))
    mail.outbox.clear()
    with override_settings(BOOKING_CITY_OFFICE_EMAIL="ufficio.voucher@comune.milano.it"):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("expire_bookings", stdout=io.StringIO())
        assert marketplace.flag_overdue_payments() == 0, "flagged once"
    pending.refresh_from_db()
    assert pending.overdue_flagged_at is not None and pending.is_overdue
    assert {tuple(m.to) for m in mail.outbox} == {(market["staff"].email,), ("ufficio.voucher@comune.milano.it",)}
    assert all("non confermato nei tempi" in m.subject for m in mail.outbox)
    assert history_for(pending).filter(action="booking.payment.overdue", actor_label="scadenze").count() == 1
    assert list(marketplace.overdue_payments([market["provider"].pk])) == [pending]


# --- the family chooses how much voucher ---------------------------------------------------------------------------


def test_the_family_chooses_part_of_the_voucher(market):
    order, wallet = _order(market, balance="80.00")
    _pay_at_provider(order, voucher_amount=Decimal("25.50"))
    assert (order.voucher_paid(), order.provider_pending()) == (Decimal("25.50"), Decimal("74.50"))
    assert vouchers.balance(wallet) == Decimal("54.50")


def test_zero_voucher_leaves_the_balance_untouched(market):
    order, wallet = _order(market)
    _pay_at_provider(order, voucher_amount=Decimal("0"))
    assert order.voucher_paid() == Decimal("0.00")
    assert order.provider_pending() == Decimal("100.00")
    assert not LedgerEntry.objects.filter(wallet=wallet, kind=LedgerEntry.Kind.REDEMPTION).exists()


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        ("40.01", InsufficientBalance),
        ("100.01", BookingError),
        ("-1", BookingError),
        ("10.001", BookingError),
        ("dieci", BookingError),
    ],
    ids=["more-than-balance", "more-than-price", "negative", "three-decimals", "not-a-number"],
)
def test_a_voucher_amount_out_of_bounds_is_refused_and_nothing_is_written(market, amount, error):
    order, wallet = _order(market)
    with pytest.raises(error) as refused:
        _pay_at_provider(order, voucher_amount=amount)
    assert refused.value.message
    order.refresh_from_db()
    assert order.state == Order.State.AWAITING_PAYMENT
    assert not order.payments.exists()
    assert vouchers.balance(wallet) == Decimal("40.00")


def test_the_order_page_shows_the_remainder_before_paying_and_only_the_confirmation_pays(client, market):
    order, wallet = _order(market)
    client.force_login(order.guardian.user)
    page = client.get(reverse("booking:order", args=[order.pk]))
    assert page.context["pay_form"].initial["voucher_amount"] == Decimal("40.00")
    key = page.context["pay_form"].initial["attempt_key"]
    url = reverse("booking:order_pay", args=[order.pk])
    choice = {"voucher_amount": "15,00", "method": "bank_transfer", "attempt_key": key}
    review = client.post(url, choice)
    assert review.status_code == 200
    text = review.content.decode()
    assert "Il voucher paga 15,00 €; restano da pagare 85,00 €." in text
    assert "Bonifico bancario" in text
    assert not order.payments.exists() and vouchers.balance(wallet) == Decimal("40.00")
    done = client.post(url, {**choice, "confirm": "1"})
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.state == Order.State.PAYMENT_PENDING
    assert vouchers.balance(wallet) == Decimal("25.00")
    followed = client.get(done.url).content.decode()
    assert "85,00 € da pagare all'ente (Bonifico bancario)" in followed
    again = client.post(url, {**choice, "confirm": "1"}, follow=True)
    assert "Pagamento registrato." in again.content.decode(), "a double click replays the same attempt"
    assert order.payments.count() == 2 and vouchers.balance(wallet) == Decimal("25.00")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("50,00", "Puoi usare al massimo 40,00 € di voucher"),
        ("-5", "non può essere negativo"),
        ("tanto", "Scrivi un importo in euro"),
        ("", "anche 0"),
    ],
)
def test_a_wrong_voucher_amount_answers_in_italian_next_to_the_field(client, market, typed, message):
    order, wallet = _order(market)
    client.force_login(order.guardian.user)
    response = client.post(
        reverse("booking:order_pay", args=[order.pk]),
        {"voucher_amount": typed, "method": "card", "attempt_key": "k1", "confirm": "1"},
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["pay_form"].errors["voucher_amount"])
    assert not order.payments.exists() and vouchers.balance(wallet) == Decimal("40.00")


def test_a_remainder_without_a_method_is_asked_for(client, market):
    order, _wallet = _order(market)
    client.force_login(order.guardian.user)
    response = client.post(
        reverse("booking:order_pay", args=[order.pk]), {"voucher_amount": "10", "method": "", "attempt_key": "k1"}
    )
    assert "Scegli come pagare i restanti 90,00 €." in response.context["pay_form"].errors["method"]


# --- cancelled only by agreement -----------------------------------------------------------------------------------


def _paid(market, method=Payment.Method.CARD):
    order, wallet = _order(market)
    marketplace.pay(order, method=method, attempt_key="a1", actor=order.guardian.user)
    order.refresh_from_db()
    return order, wallet


def test_a_family_cannot_cancel_a_paid_order_on_its_own(client, market):
    order, wallet = _paid(market)
    client.force_login(order.guardian.user)
    response = client.post(reverse("booking:order_cancel", args=[order.pk]), follow=True)
    assert "chiedilo all&#x27;ente" in response.content.decode()
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert vouchers.balance(wallet) == Decimal("0.00")


def test_asking_needs_a_reason_and_writes_nothing_without_one(client, market):
    order, _wallet = _paid(market)
    client.force_login(order.guardian.user)
    response = client.post(reverse("booking:order_cancel_ask", args=[order.pk]), {"reason": "  "})
    assert response.status_code == 200
    assert "Scrivi perché vuoi annullare" in " ".join(response.context["ask_form"].errors["reason"])
    assert not Cancellation.objects.exists()
    with pytest.raises(BookingError):
        marketplace.ask_cancellation(order, actor=order.guardian.user, reason="")


def test_the_provider_accepts_and_the_voucher_part_returns_through_the_ledger(
    client, market, django_capture_on_commit_callbacks
):
    order, wallet = _paid(market)
    client.force_login(order.guardian.user)
    client.post(reverse("booking:order_cancel_ask", args=[order.pk]), {"reason": "Ci trasferiamo a Torino."})
    cancellation = Cancellation.objects.get(order=order)
    assert cancellation.state == Cancellation.State.REQUESTED
    with pytest.raises(BookingError):
        marketplace.complete_order(order, actor=market["staff"])

    client.force_login(market["staff"])
    url = reverse("booking_provider_request", args=[order.quote.request.pk])
    page = client.get(url).content.decode()
    assert "Ci trasferiamo a Torino." in page and "Accetta l'annullamento" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url, {"action": "cancellation", "decision": "accept", "reason": "", "refund_reference": "Bonifico 77"}
        )
    order.refresh_from_db()
    cancellation.refresh_from_db()
    assert (order.state, cancellation.state) == (Order.State.CANCELLED, Cancellation.State.ACCEPTED)
    assert vouchers.balance(wallet) == Decimal("40.00")
    assert LedgerEntry.objects.filter(wallet=wallet, kind=LedgerEntry.Kind.REFUND).get().amount == Decimal("40.00")
    card = order.payments.get(method="card")
    assert (card.status, card.refund_reference) == ("refunded", "Bonifico 77")
    assert (order.voucher_paid(), order.provider_paid()) == (Decimal("0.00"), Decimal("0.00"))
    assert [(e.from_state, e.to_state) for e in history_for(cancellation, states_only=True)] == [
        ("", "requested"),
        ("requested", "accepted"),
    ]
    assert history_for(card).get().action == "booking.payment.refunded"
    assert any("annullato" in m.subject for m in mail.outbox if m.to == [order.guardian.email])


def test_a_refusal_needs_a_reason_then_the_family_disputes_and_the_city_decides(
    client, market, django_capture_on_commit_callbacks
):
    order, wallet = _paid(market, method=Payment.Method.AT_PROVIDER)
    cancellation = marketplace.ask_cancellation(order, actor=order.guardian.user, reason="Orari cambiati.")
    with pytest.raises(BookingError):
        marketplace.answer_cancellation(cancellation, accept=False, actor=market["staff"], reason="")
    cancellation.refresh_from_db()
    assert cancellation.state == Cancellation.State.REQUESTED
    marketplace.answer_cancellation(cancellation, accept=False, actor=market["staff"], reason="Corso già iniziato.")

    client.force_login(order.guardian.user)
    page = client.get(reverse("booking:order", args=[order.pk])).content.decode()
    assert "Corso già iniziato." in page and "Rivolgiti al Comune" in page
    with (
        override_settings(BOOKING_CITY_OFFICE_EMAIL="ufficio.voucher@comune.milano.it"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(reverse("booking:order_cancel_dispute", args=[order.pk]), {"reason": "Mai iniziato per noi."})
    cancellation.refresh_from_db()
    assert cancellation.state == Cancellation.State.DISPUTED
    assert any(m.to == ["ufficio.voucher@comune.milano.it"] for m in mail.outbox)

    city = market["staff"]  # the service call itself does not check roles; the City's view does (tests/settlement)
    marketplace.decide_dispute(cancellation, cancel=True, actor=city, reason="Il servizio non è stato erogato.")
    order.refresh_from_db()
    assert order.state == Order.State.CANCELLED
    assert vouchers.balance(wallet) == Decimal("40.00")
    assert order.payments.get(method="at_provider").status == "withdrawn", "never confirmed, so nothing to refund"
    assert [e.to_state for e in history_for(cancellation, states_only=True)] == [
        "requested",
        "refused",
        "disputed",
        "accepted",
    ]


def test_the_city_may_keep_the_order(market):
    order, wallet = _paid(market)
    cancellation = marketplace.ask_cancellation(order, actor=order.guardian.user, reason="Non ci piace.")
    marketplace.answer_cancellation(cancellation, accept=False, actor=market["staff"], reason="Servizio erogato.")
    marketplace.dispute_cancellation(cancellation, actor=order.guardian.user, reason="Non siamo d'accordo.")
    marketplace.decide_dispute(cancellation, cancel=False, actor=market["staff"], reason="Erogato come da preventivo.")
    order.refresh_from_db()
    cancellation.refresh_from_db()
    assert (order.state, cancellation.state) == (Order.State.PAID, Cancellation.State.REJECTED)
    assert cancellation.city_reason == "Erogato come da preventivo."
    assert vouchers.balance(wallet) == Decimal("0.00")
    with pytest.raises(BookingError):
        marketplace.ask_cancellation(order, actor=order.guardian.user, reason="Ancora.")
    marketplace.complete_order(order, actor=market["staff"])


def test_the_familys_data_show_its_cancellation_and_erasure_blanks_its_words(market):
    from booking import privacy

    order, _wallet = _paid(market)
    cancellation = marketplace.ask_cancellation(order, actor=order.guardian.user, reason="Ci trasferiamo.")
    assert privacy.open_items(order.guardian) == {"orders": 1}, "a paid order still blocks erasure"
    marketplace.answer_cancellation(cancellation, accept=True, actor=market["staff"], reason="D'accordo.")
    exported = privacy.family_data(order.guardian)["orders"][0]["cancellation"]
    assert (exported["state"], exported["reason"], exported["provider_reason"]) == (
        "accepted",
        "Ci trasferiamo.",
        "D'accordo.",
    )
    privacy.erase_family(order.guardian, actor=order.guardian.user)
    cancellation.refresh_from_db()
    assert (cancellation.reason, cancellation.provider_reason, cancellation.state) == ("", "", "accepted")
