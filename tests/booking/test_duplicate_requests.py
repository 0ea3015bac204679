"""The same request cannot be sent again and again: one open request per service and child."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from booking import marketplace
from booking.models import ServiceRequest
from tests.booking.factories import ChildFactory, make_request, quoted

START = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
MESSAGE = "Hai già una richiesta aperta per «Corsi di teatro» per Marco"


def _send(client, service, child):
    url = reverse("booking:request_new") + f"?servizio={service.pk}"
    return client.post(url, {"child": child.pk, "preferred_start": START})


@pytest.mark.django_db
def test_second_open_request_for_the_same_service_and_child_is_refused_with_a_clear_message(client, market):
    child = ChildFactory()
    client.force_login(child.guardian.user)
    assert _send(client, market["service"], child).status_code == 302

    again = _send(client, market["service"], child)

    assert again.status_code == 200
    assert MESSAGE in again.text
    assert ServiceRequest.objects.filter(child=child).count() == 1
    sister = ChildFactory(guardian=child.guardian, first_name="Sara")
    assert _send(client, market["service"], sister).status_code == 302


@pytest.mark.django_db
def test_a_quote_awaiting_the_family_keeps_the_request_open_until_decided(client, market):
    child = ChildFactory()
    quote = quoted(market["service"], market["staff"], child=child)
    client.force_login(child.guardian.user)
    assert MESSAGE in _send(client, market["service"], child).text
    marketplace.reject_quote(quote, actor=child.guardian.user)
    assert _send(client, market["service"], child).status_code == 302


@pytest.mark.django_db
def test_a_withdrawn_request_can_be_sent_again(client, market):
    child = ChildFactory()
    request = make_request(market["service"], child=child)
    marketplace.withdraw(request, actor=child.guardian.user)
    client.force_login(child.guardian.user)
    assert _send(client, market["service"], child).status_code == 302
    assert ServiceRequest.objects.filter(child=child, state=ServiceRequest.State.SENT).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_sent_request_for_the_same_service_and_child(market):
    child = ChildFactory()
    make_request(market["service"], child=child)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_request(market["service"], child=child)
    declined = ServiceRequest.objects.get(child=child)
    marketplace.decline(declined, actor=market["staff"], reason="Al completo")
    make_request(market["service"], child=child)
    assert ServiceRequest.objects.filter(child=child).count() == 2


@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_of_one_request_create_one(postgres):
    from tests.booking.test_concurrency import fresh_market, run_at_once

    market = fresh_market("home-dup")
    child = ChildFactory()
    start = datetime.date.today() + datetime.timedelta(days=10)

    results = run_at_once(
        lambda i: marketplace.send_requests(
            guardian=child.guardian, child=child, services=[market["service"]], preferred_start=start
        ),
        count=6,
    )

    assert sum(isinstance(r, list) for r in results) == 1, results
    refused = [r for r in results if isinstance(r, marketplace.BookingError)]
    assert len(refused) == 5 and all(MESSAGE in str(r.message) for r in refused), results
    assert ServiceRequest.objects.filter(child=child).count() == 1
