"""The family area and the providers' admin pages: what each side sees, does, and cannot reach."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from booking import marketplace
from booking.models import Message, Order, Payment, Rating, ServiceRequest
from tests.booking.factories import ChildFactory, accepted_order, make_request, make_wallet, quoted
from tests.catalog import factories as catalog
from tests.catalog.test_register import pdf_bytes

pytestmark = pytest.mark.django_db
START = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
PDF = pdf_bytes()


@pytest.fixture
def market(market_of_the_module):
    """Built once for this module: every test here uses it."""
    return market_of_the_module


@pytest.fixture
def family(client):
    child = ChildFactory()
    client.force_login(child.guardian.user)
    return child


def test_service_page_offers_request_and_basket_and_shows_ratings(client, market):
    response = client.get(market["service"].url)
    assert "Richiedi il servizio" in response.text
    assert "Aggiungi alla selezione" in response.text
    assert "Non ci sono ancora giudizi" in response.text
    order = accepted_order(market["service"], market["staff"], price="0.00")
    marketplace.complete_order(order, actor=market["staff"])
    rating = marketplace.rate(order, actor=None, overall=4, quality=4, punctuality=4, courtesy=4, comment="Ottimo")
    marketplace.reply(rating, text="Grazie!", actor=market["staff"])
    response = client.get(market["service"].url)
    assert "Media 4,0 su 5, da 1 giudizio" in response.text
    assert "Ottimo" not in response.text
    marketplace.moderate(rating, approve=True, actor=None)
    response = client.get(market["service"].url)
    assert "Ottimo" in response.text and "Grazie!" in response.text


def test_basket_sends_one_request_per_service_to_two_providers(client, market, family):
    other_provider = catalog.provider(market["provider"].get_parent(), "Ente Due", number=2)
    other = catalog.service(other_provider, title="Nuoto libero")
    for service in (market["service"], other):
        client.post(reverse("booking:basket_add"), {"service": service.pk})
    response = client.post(
        reverse("booking:request_new"),
        {"child": family.pk, "preferred_start": START, "preferred_days": ["2", "5"], "message": "Grazie"},
    )
    assert response.status_code == 302
    requests = ServiceRequest.objects.filter(guardian=family.guardian)
    assert {r.provider_id for r in requests} == {market["provider"].pk, other_provider.pk}
    assert len(client.get(reverse("booking:basket")).context["services"]) == 0


def test_request_form_shows_the_age_refusal_in_italian(client, market):
    toddler = ChildFactory(birth_date=datetime.date.today() - datetime.timedelta(days=400))
    client.force_login(toddler.guardian.user)
    url = reverse("booking:request_new") + f"?servizio={market['service'].pk}"
    response = client.post(url, {"child": toddler.pk, "preferred_start": START})
    assert response.status_code == 200
    assert "da 6 a 14 anni" in response.text
    assert not ServiceRequest.objects.exists()


def test_family_quote_accept_pay_with_voucher_and_card(client, market, family):
    wallet = make_wallet("30.00", child=family)
    quote = quoted(market["service"], market["staff"], child=family)
    response = client.post(reverse("booking:quote_decide", args=[quote.request.pk]), {"decision": "accept"})
    order = Order.objects.get(quote=quote)
    assert response.url == reverse("booking:order", args=[order.pk])
    page = client.get(response.url)
    assert "Saldo del voucher: 30,00 €. Prezzo: 100,00 €." in page.text
    key = page.context["pay_form"].initial["attempt_key"]
    choice = {"voucher_amount": "30,00", "method": "card", "attempt_key": key}
    review = client.post(reverse("booking:order_pay", args=[order.pk]), choice)
    assert "Il voucher paga 30,00 €; restano da pagare 70,00 €" in review.text
    client.post(reverse("booking:order_pay", args=[order.pk]), {**choice, "confirm": "1"})
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert wallet.balance == Decimal("0.00")


def test_failed_payment_message(client, market, family, fake_gateway_fails):
    make_wallet("30.00", child=family)
    order = accepted_order(market["service"], market["staff"], child=family)
    response = client.post(
        reverse("booking:order_pay", args=[order.pk]),
        {"voucher_amount": "30", "method": "card", "attempt_key": "k", "confirm": "1"},
        follow=True,
    )
    assert "non è andato a buon fine" in response.text
    assert order.payments.get(method=Payment.Method.VOUCHER).status == Payment.Status.REVERSED


def test_messages_with_attachment_and_unread_markers(client, market, family):
    request = make_request(market["service"], child=family)
    url = reverse("booking:request", args=[request.pk])
    upload = SimpleUploadedFile("certificato.pdf", PDF, content_type="application/pdf")
    client.post(url, {"body": "Ecco il certificato", "attachment": upload})
    message = Message.objects.get()
    assert message.from_family and message.read_at is None
    client.force_login(market["staff"])
    listing = client.get(reverse("booking_provider_requests"))
    assert "messaggi non letti" in listing.text
    client.get(reverse("booking_provider_request", args=[request.pk]))
    message.refresh_from_db()
    assert message.read_at is not None
    download = client.get(reverse("booking_provider_attachment", args=[message.pk]))
    assert b"".join(download.streaming_content) == PDF


def test_attachments_are_checked_by_content(client, market, family):
    request = make_request(market["service"], child=family)
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("booking:request", args=[request.pk]), {"body": "x", "attachment": fake})
    assert "solo file PDF o immagini" in response.text
    assert not Message.objects.exists()


def test_another_familys_objects_answer_404(client, market, family):
    other_order = accepted_order(market["service"], market["staff"])
    other_request = other_order.quote.request
    message = Message.objects.create(
        request=other_request, sender=other_request.guardian.user, from_family=True, body="x"
    )
    for name, args in [
        ("booking:request", [other_request.pk]),
        ("booking:order", [other_order.pk]),
        ("booking:attachment", [message.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404
    for name, data in [
        ("booking:request_withdraw", {}),
        ("booking:quote_decide", {"decision": "accept"}),
    ]:
        assert client.post(reverse(name, args=[other_request.pk]), data).status_code == 404
    for name, data in [
        ("booking:order_pay", {"method": "card", "attempt_key": "x"}),
        ("booking:order_cancel", {}),
        ("booking:order_cancel_ask", {"reason": "x"}),
        ("booking:order_cancel_dispute", {"reason": "x"}),
        ("booking:order_rate", {"overall": 5, "quality": 5, "punctuality": 5, "courtesy": 5}),
    ]:
        assert client.post(reverse(name, args=[other_order.pk]), data).status_code == 404
    other_order.refresh_from_db()
    assert other_order.state == Order.State.AWAITING_PAYMENT
    assert client.post(reverse("booking:request", args=[other_request.pk]), {"body": "spam"}).status_code == 404
    assert Message.objects.count() == 1
    assert other_request.pk not in [r.pk for r in client.get(reverse("booking:requests")).context["requests"]]


def test_a_provider_sees_only_its_own_requests(client, market):
    other_provider = catalog.provider(market["provider"].get_parent(), "Ente Due", number=2)
    other_service = catalog.service(other_provider, title="Nuoto libero")
    mine, theirs = make_request(market["service"]), make_request(other_service)
    client.force_login(market["staff"])
    listing = client.get(reverse("booking_provider_requests"))
    assert [r.pk for r in listing.context["requests"]] == [mine.pk]
    assert client.get(reverse("booking_provider_request", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("booking_provider_request", args=[theirs.pk]), {"action": "decline", "reason": "No"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == ServiceRequest.State.SENT
    their_message = Message.objects.create(
        request=theirs, sender=theirs.guardian.user, from_family=True, body="x", attachment="booking/x.pdf"
    )
    assert client.get(reverse("booking_provider_attachment", args=[their_message.pk])).status_code == 404


def test_a_family_cannot_open_the_provider_admin(client, market, family):
    make_request(market["service"], child=family)
    response = client.get(reverse("booking_provider_requests"))
    assert response.status_code in (302, 403)


def test_provider_quotes_declines_completes_and_replies(client, market):
    first, second = make_request(market["service"]), make_request(market["service"])
    client.force_login(market["staff"])
    url = reverse("booking_provider_request", args=[first.pk])
    client.post(
        url,
        {
            "action": "quote",
            "price": "80.00",
            "start_date": START,
            "schedule": "Mercoledì 17-18",
            "valid_until": START,
        },
    )
    first.refresh_from_db()
    assert first.state == ServiceRequest.State.QUOTED and first.quote.price == Decimal("80.00")
    client.post(reverse("booking_provider_request", args=[second.pk]), {"action": "decline", "reason": "Al completo"})
    second.refresh_from_db()
    assert second.state == ServiceRequest.State.DECLINED
    order = marketplace.accept_quote(first.quote, actor=None)
    marketplace.pay(order, method="at_provider", attempt_key="k", actor=None)
    client.post(url, {"action": "complete"})
    order.refresh_from_db()
    assert order.state == Order.State.PAYMENT_PENDING, "not paid before the provider confirms the part at its desk"
    pending = order.payments.get()
    client.post(url, {"action": "confirm_payment", "payment": pending.pk, "reference": "Ricevuta 12"})
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    client.post(url, {"action": "complete"})
    order.refresh_from_db()
    assert order.state == Order.State.COMPLETED
    marketplace.rate(order, actor=None, overall=5, quality=5, punctuality=5, courtesy=5)
    client.post(url, {"action": "reply", "text": "Grazie a voi"})
    assert Rating.objects.get().reply == "Grazie a voi"


def test_filters_by_state_and_service(client, market):
    other = catalog.service(market["provider"], title="Laboratorio di pittura")
    sent, declined = make_request(market["service"]), make_request(other)
    marketplace.decline(declined, actor=market["staff"], reason="No")
    client.force_login(market["staff"])
    url = reverse("booking_provider_requests")
    assert [r.pk for r in client.get(url, {"state": "sent"}).context["requests"]] == [sent.pk]
    assert [r.pk for r in client.get(url, {"servizio": other.pk}).context["requests"]] == [declined.pk]


def test_moderation_needs_the_city_permission(client, market, admin_user):
    order = accepted_order(market["service"], market["staff"], price="0.00")
    marketplace.complete_order(order, actor=market["staff"])
    rating = marketplace.rate(order, actor=None, overall=3, quality=3, punctuality=3, courtesy=3, comment="Bene")
    client.force_login(market["staff"])
    refused = client.post(reverse("booking_rating_moderation"), {"rating": rating.pk, "decision": "approve"})
    assert refused.status_code in (302, 403)
    rating.refresh_from_db()
    assert rating.moderation == Rating.Moderation.PENDING
    client.force_login(admin_user)
    client.post(reverse("booking_rating_moderation"), {"rating": rating.pk, "decision": "approve"})
    rating.refresh_from_db()
    assert rating.moderation == Rating.Moderation.APPROVED


def test_family_area_counters_and_bounded_queries(client, market, family, django_assert_max_num_queries):
    for _ in range(3):
        quoted(market["service"], market["staff"], child=family)
    for _ in range(2):
        accepted_order(market["service"], market["staff"], child=family)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("booking:requests"))
    assert response.context["quotes_to_decide"] == 3
    assert response.context["payments_due"] == 2
    assert "3 preventivi da decidere" in response.text
    with django_assert_max_num_queries(15):
        client.get(reverse("booking:orders"))
    assert len(client.get(reverse("booking:requests"), {"state": "quoted"}).context["requests"]) == 5
    assert len(client.get(reverse("booking:requests"), {"state": "declined"}).context["requests"]) == 0
    assert len(client.get(reverse("booking:orders"), {"state": "awaiting_payment"}).context["orders"]) == 2


def test_provider_request_list_queries_do_not_grow_with_rows(client, market):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(market["staff"])
    counts = []
    for _round in range(2):
        for _ in range(3):
            make_request(market["service"])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("booking_provider_requests"))
        counts.append(len(queries))
    assert len(response.context["requests"]) == 6
    assert counts[0] == counts[1]


def test_the_family_sees_what_the_provider_wrote_as_new_until_it_opens_the_thread(client, market, family):
    request = make_request(market["service"], child=family)
    marketplace.post_message(request, sender=market["staff"], from_family=False, body="Serve il certificato medico")
    listing = client.get(reverse("booking:requests"))
    assert "messaggi non letti" in listing.text
    detail = client.get(reverse("booking:request", args=[request.pk]))
    assert "nuovo" in detail.text and "Serve il certificato medico" in detail.text
    assert "messaggi non letti" not in client.get(reverse("booking:requests")).text


def test_ratings_to_give_counts_completed_orders_without_a_rating(client, market, family):
    order = accepted_order(market["service"], market["staff"], price="0.00", child=family)
    marketplace.complete_order(order, actor=market["staff"])
    assert client.get(reverse("booking:orders")).context["ratings_to_give"] == 1
    client.post(
        reverse("booking:order_rate", args=[order.pk]), {"overall": 4, "quality": 4, "punctuality": 4, "courtesy": 4}
    )
    assert client.get(reverse("booking:orders")).context["ratings_to_give"] == 0


def test_garbage_ids_answer_404_not_500(client, family, admin_user):
    assert client.post(reverse("booking:basket_add"), {"service": "abc"}).status_code == 404
    client.force_login(admin_user)
    assert client.post(reverse("booking_rating_moderation"), {"rating": "x", "decision": "approve"}).status_code == 404


def test_provider_request_list_pages_keep_the_filters(client, market, monkeypatch):
    from booking import provider_views

    monkeypatch.setattr(provider_views, "REQUESTS_PER_PAGE", 2)
    client.force_login(market["staff"])
    made = [make_request(market["service"]) for _ in range(5)]
    first = client.get(reverse("booking_provider_requests"), {"state": "sent"})
    assert [r.pk for r in first.context["requests"]] == [r.pk for r in reversed(made)][:2]
    assert first.context["requests"].paginator.num_pages == 3
    assert "state=sent&amp;p=2" in first.content.decode()
    last = client.get(reverse("booking_provider_requests"), {"state": "sent", "p": 3})
    assert [r.pk for r in last.context["requests"]] == [made[0].pk]
