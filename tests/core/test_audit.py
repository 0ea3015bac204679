"""The one audit trail: log_action writes, history_for reads, nobody edits; staff read it in the admin."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils import timezone

from booking import marketplace, vouchers
from booking.models import ServiceRequest
from core.admin_views import history_url
from core.audit import history_for, log_action
from core.errors import AppendOnlyError
from core.models import AuditEntry
from tests.booking.factories import ChildFactory, UserFactory, accepted_order, make_request, make_wallet
from tests.catalog import factories as catalog


@pytest.mark.django_db
def test_log_action_records_who_what_which_object_and_why():
    child = ChildFactory()
    staff = UserFactory(username="operatrice")
    entry = log_action(staff, "sensitive.read", child, {"fields": ["fiscal_code"]}, reason="verifica della graduatoria")
    assert entry.actor == staff
    assert entry.actor_label == "operatrice"
    assert entry.who() == "operatrice"
    assert (entry.action, entry.object_id, entry.model_class()) == ("sensitive.read", child.pk, type(child))
    assert entry.data == {"fields": ["fiscal_code"]}
    assert entry.reason == "verifica della graduatoria"
    assert list(history_for(child)) == [entry]
    assert str(entry) == "Lettura di dati personali protetti"


@pytest.mark.django_db
def test_the_system_acts_under_a_label():
    entry = log_action(None, "booking.request.expired", ChildFactory(), actor_label="scadenze")
    assert entry.actor is None
    assert entry.who() == "scadenze"


@pytest.mark.django_db
def test_entries_cannot_be_edited_or_deleted():
    entry = log_action(None, "sensitive.read", ChildFactory())
    entry.reason = "riscritto"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="riscritto")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.reason == ""


def test_postgresql_refuses_raw_updates_and_deletes_but_lets_the_redaction_through(postgres):
    entry = log_action(UserFactory(), "booking.request.declined", ChildFactory(), reason="Marco non ha l'età")
    for sql in (
        "UPDATE core_auditentry SET action = 'x' WHERE id = %s",
        "UPDATE core_auditentry SET reason = '', actor_label = '', redacted_at = now(), to_state = 'x' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).redact() == 1
    entry.refresh_from_db()
    assert (entry.reason, entry.actor_label, entry.action) == ("", "", "booking.request.declined")
    assert entry.redacted_at is not None


@pytest.mark.django_db
def test_every_step_of_a_booking_is_in_the_trail(home_page):
    _provider, service, staff = _market(home_page)
    child = ChildFactory()
    make_wallet("30.00", child=child)
    (request,) = marketplace.send_requests(
        guardian=child.guardian,
        child=child,
        services=[service],
        preferred_start=datetime.date.today() + datetime.timedelta(days=10),
    )
    today = datetime.date.today()
    quote = marketplace.offer_quote(
        request,
        actor=staff,
        price=Decimal("80.00"),
        start_date=today + datetime.timedelta(days=14),
        schedule="Mercoledì 17:00-18:30",
        valid_until=today + datetime.timedelta(days=7),
    )
    order = marketplace.accept_quote(quote, actor=child.guardian.user)
    marketplace.pay(order, method="card", attempt_key="k1", actor=child.guardian.user)
    assert [e.action for e in history_for(request)] == ["booking.request.sent", "booking.request.quoted"]
    assert [e.action for e in history_for(order)] == ["booking.order.created", "booking.order.paid"]
    assert [e.action for e in history_for(order.quote)] == ["booking.quote.offered", "booking.quote.accepted"]
    wallet = child.wallets.get()
    redemption = history_for(wallet).get(action="voucher.ledger.redemption")
    assert redemption.data["amount"] == "-30.00"
    assert redemption.actor == child.guardian.user


@pytest.mark.django_db
def test_a_voucher_refusal_is_a_domain_error_with_a_code():
    wallet = make_wallet("10.00")
    with pytest.raises(vouchers.InsufficientBalance) as refused:
        vouchers.redeem(wallet, "20.00", idempotency_key="troppo")
    assert refused.value.as_json() == {
        "error": {
            "code": "voucher.insufficient_balance",
            "message": "Il saldo del voucher non è sufficiente per questo importo.",
        }
    }


@pytest.mark.urls("tests.core.urls")
def test_the_json_api_answers_a_domain_error_with_code_and_message(client):
    response = client.get("/api/v1/refuse/")
    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "voucher.insufficient_balance",
            "message": "Il saldo del voucher non è sufficiente per questo importo.",
        }
    }


def _market(home_page):
    from tests.booking.factories import service_setup

    return service_setup(home_page)


@pytest.mark.django_db
def test_city_staff_filter_the_trail_by_action_actor_and_object(client, home_page):
    _provider, service, staff = _market(home_page)
    request = make_request(service)
    marketplace.withdraw(request, actor=request.guardian.user)
    other = make_request(service)
    marketplace.decline(other, actor=staff, reason="Posti esauriti")
    client.force_login(catalog.editor())
    index = reverse("core_auditentry:index")

    def listed(response):
        assert response.status_code == 200
        return [(entry.action, entry.object_id) for entry in response.context["object_list"]]

    declined, withdrawn = ("booking.request.declined", other.pk), ("booking.request.withdrawn", request.pk)
    assert listed(client.get(index, {"action": "booking.request.declined"})) == [declined]
    assert listed(client.get(index, {"actor": request.guardian.user.username})) == [withdrawn]
    assert listed(client.get(index, {"action_prefix": "booking.request."})) == [declined, withdrawn]
    assert listed(client.get(history_url(other))) == [declined]
    today = timezone.localdate().isoformat()
    assert listed(client.get(index, {"timestamp_from": today, "action_prefix": "booking.request."})) == [
        declined,
        withdrawn,
    ]
    assert listed(client.get(index, {"timestamp_to": "2020-01-01"})) == []
    page = client.get(index).content.decode()
    assert "Richiesta rifiutata dall&#x27;ente" in page

    entry = history_for(other).get()
    inspect = client.get(reverse("core_auditentry:inspect", args=[entry.pk]))
    assert "Posti esauriti" in inspect.content.decode()
    assert client.get(reverse("core_auditentry:edit", args=[entry.pk])).status_code in (302, 403)
    assert client.get(reverse("core_auditentry:delete", args=[entry.pk])).status_code in (302, 403, 404)


@pytest.mark.django_db
def test_providers_do_not_read_the_trail(client, home_page):
    _provider, _service, staff = _market(home_page)
    client.force_login(staff)
    response = client.get(reverse("core_auditentry:index"))
    assert response.status_code in (302, 403)


@pytest.mark.django_db
def test_a_register_application_shows_its_history_to_staff(client, home_page, settings, tmp_path):
    from catalog import register
    from tests.calls.factories import open_register_call
    from tests.catalog.test_register import form_data

    settings.MEDIA_ROOT = tmp_path
    open_register_call(home_page)
    response = client.post("/elenco-milano-0-18/domanda/", form_data())
    assert response.status_code == 302
    from catalog.models import RegisterApplication

    application = RegisterApplication.objects.get()
    editor = catalog.editor()
    register.reject(application, by=editor, reason="Manca lo statuto firmato.")
    client.force_login(editor)
    page = client.get(reverse("register_applications:inspect", args=[application.pk])).content.decode()
    assert "Cronologia" in page
    assert "Domanda all&#x27;Elenco inviata" in page
    assert "Domanda all&#x27;Elenco respinta" in page
    assert "Manca lo statuto firmato." in page


@pytest.mark.django_db
def test_request_history_page_shows_state_names(client, home_page):
    _provider, service, staff = _market(home_page)
    request = make_request(service)
    marketplace.decline(request, actor=staff, reason="Posti esauriti")
    client.force_login(request.guardian.user)
    page = client.get(reverse("booking:request", args=[request.pk])).content.decode()
    assert "Inviata → Rifiutata dall&#x27;ente" in page
    assert ServiceRequest.objects.get(pk=request.pk).state == "declined"


@pytest.mark.django_db
def test_a_ranking_import_is_in_the_trail_of_its_call():
    from booking import imports
    from tests.booking.factories import VoucherCallFactory, fiscal_code

    call = VoucherCallFactory(code="voucher-2026")
    staff = UserFactory(username="ufficio-voucher")
    rows = [
        f"{fiscal_code(datetime.date(1980, 1, 1))},{fiscal_code(born)},Bimbo,{born.isoformat()},250.00,voucher-2026\n"
        for born in (datetime.date(2015, 3, 1), datetime.date(2016, 4, 2))
    ]
    header = "guardian_fiscal_code,child_fiscal_code,child_name,birth_date,value,call\n"
    result = imports.import_ranking((header + "".join(rows)).encode(), actor=staff, filename="graduatoria.csv")
    assert result.ok
    entry = history_for(call).get()
    assert (entry.action, entry.actor) == ("booking.ranking.imported", staff)
    assert entry.data == {"file": "graduatoria.csv", "rows": 2, "created": 2}


@pytest.mark.django_db
def test_city_staff_reach_a_request_and_its_order_history_from_the_request_page(client, home_page):
    _provider, service, staff = _market(home_page)
    order = accepted_order(service, staff, price="40.00")
    client.force_login(UserFactory(username="comune", is_staff=True, is_superuser=True))
    page = client.get(reverse("booking_provider_request", args=[order.request.pk])).content.decode()
    for obj in (order.request, order.quote, order):
        assert history_url(obj).replace("&", "&amp;") in page
    listing = client.get(history_url(order))
    assert [e.action for e in listing.context["object_list"]] == ["booking.order.created"]
    client.force_login(staff)
    assert (
        "Cronologia completa"
        not in client.get(reverse("booking_provider_request", args=[order.request.pk])).content.decode()
    )
