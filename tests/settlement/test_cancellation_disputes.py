"""The City decides the cancellations a family disputed and sees the payments providers did not confirm in time
(issue 13); every page of the payment and cancellation steps is valid HTML."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from booking import marketplace, vouchers
from booking.models import Cancellation, Order, Payment
from core.audit import history_for
from tests.booking.factories import ChildFactory, accepted_order, make_wallet
from tests.settlement.conftest import paid_order

pytestmark = pytest.mark.django_db
URL = "/admin/ufficio-voucher/annullamenti/"


@pytest.fixture
def two_providers(two_providers_of_the_module):
    """Built once for this module: every test here uses it."""
    return two_providers_of_the_module


def _disputed(p):
    order = paid_order(p["service_one"], p["staff_one"], complete=False)
    cancellation = marketplace.ask_cancellation(order, actor=order.guardian.user, reason="Il corso non è partito.")
    marketplace.answer_cancellation(cancellation, accept=False, actor=p["staff_one"], reason="È partito.")
    marketplace.dispute_cancellation(cancellation, actor=order.guardian.user, reason="Non per nostra figlia.")
    return order, cancellation


def test_the_voucher_office_decides_a_dispute_and_the_voucher_part_returns(client, two_providers, office):
    order, cancellation = _disputed(two_providers)
    wallet = order.payments.get(method="voucher").ledger_entry.wallet
    assert vouchers.balance(wallet) == Decimal("200.00")
    client.force_login(office)
    page = client.get(URL).content.decode()
    assert "Non per nostra figlia." in page and "È partito." in page
    client.post(URL, {"cancellation": cancellation.pk, "decision": "accept", "reason": ""})
    cancellation.refresh_from_db()
    assert cancellation.state == Cancellation.State.DISPUTED, "a decision without a reason writes nothing"
    client.post(URL, {"cancellation": cancellation.pk, "decision": "accept", "reason": "Servizio non erogato."})
    order.refresh_from_db()
    cancellation.refresh_from_db()
    assert (order.state, cancellation.state) == (Order.State.CANCELLED, Cancellation.State.ACCEPTED)
    assert vouchers.balance(wallet) == Decimal("300.00")
    decided = history_for(cancellation, states_only=True).last()
    assert (decided.actor, decided.from_state, decided.reason) == (office, "disputed", "Servizio non erogato.")
    assert "Nessun annullamento da decidere." in client.get(URL).content.decode()


def test_only_the_voucher_office_decides(client, two_providers, office):
    order, cancellation = _disputed(two_providers)
    for user in (two_providers["staff_one"], order.guardian.user):
        client.force_login(user)
        assert client.get(URL).status_code in (302, 403)
        client.post(URL, {"cancellation": cancellation.pk, "decision": "accept", "reason": "Io decido."})
    cancellation.refresh_from_db()
    assert cancellation.state == Cancellation.State.DISPUTED


def test_the_city_sees_payments_unconfirmed_past_their_deadline(client, two_providers, office):
    order = accepted_order(two_providers["service_one"], two_providers["staff_one"])
    marketplace.pay(order, method="bank_transfer", attempt_key="a1", actor=None)
    client.force_login(office)
    assert "Nessun pagamento in ritardo." in client.get(URL).content.decode()
    Payment.objects.filter(order=order).update(due_by=datetime.date.today() - datetime.timedelta(days=2))
    page = client.get(URL).content.decode()
    assert f"n. {order.pk}" in page and "Bonifico bancario" in page


def test_every_page_of_paying_and_cancelling_is_valid_html(client, two_providers, office):
    from tests.htmlcheck import html_errors

    p = two_providers
    child = ChildFactory()
    make_wallet("40.00", child=child)
    to_pay = accepted_order(p["service_one"], p["staff_one"], child=child)
    family = child.guardian.user
    documents = {}
    client.force_login(family)
    order_url = reverse("booking:order", args=[to_pay.pk])
    pay_url = reverse("booking:order_pay", args=[to_pay.pk])
    documents["ordine da pagare"] = client.get(order_url).content.decode()
    documents["importo sbagliato"] = client.post(pay_url, {"voucher_amount": "99", "attempt_key": "k"}).content.decode()
    review = client.post(pay_url, {"voucher_amount": "10,00", "method": "at_provider", "attempt_key": "k"})
    documents["riepilogo prima di pagare"] = review.content.decode()
    client.post(pay_url, {"voucher_amount": "10,00", "method": "at_provider", "attempt_key": "k", "confirm": "1"})
    to_pay.refresh_from_db()
    assert to_pay.state == Order.State.PAYMENT_PENDING
    documents["pagamento da confermare (famiglia)"] = client.get(order_url).content.decode()
    no_reason = client.post(reverse("booking:order_cancel_ask", args=[to_pay.pk]), {"reason": ""})
    documents["richiesta di annullamento senza motivo"] = no_reason.content.decode()

    order, _cancellation = _disputed(p)
    disputed_family = order.guardian.user
    refused = paid_order(p["service_one"], p["staff_one"], complete=False)
    asked = marketplace.ask_cancellation(refused, actor=refused.guardian.user, reason="Trasloco")
    marketplace.answer_cancellation(asked, accept=False, actor=p["staff_one"], reason="Già iniziato")
    client.force_login(refused.guardian.user)
    documents["annullamento rifiutato (famiglia)"] = client.get(
        reverse("booking:order", args=[refused.pk])
    ).content.decode()
    client.force_login(disputed_family)
    documents["annullamento contestato (famiglia)"] = client.get(
        reverse("booking:order", args=[order.pk])
    ).content.decode()
    requested = paid_order(p["service_one"], p["staff_one"], complete=False)
    marketplace.ask_cancellation(requested, actor=requested.guardian.user, reason="Malattia")

    client.force_login(p["staff_one"])
    for label, shown in (("pagamento da confermare", to_pay), ("annullamento da decidere", requested)):
        documents[f"ente: {label}"] = client.get(
            reverse("booking_provider_request", args=[shown.quote.request.pk])
        ).content.decode()
    documents["ente: home"] = client.get("/admin/").content.decode()
    client.force_login(office)
    documents["Ufficio voucher: annullamenti"] = client.get(URL).content.decode()
    assert all("<main" in html or "<body" in html for html in documents.values())
    assert html_errors(documents) == {}
