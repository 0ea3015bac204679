"""Issue 18 item 7: reads of children's data are logged; a family downloads its data and erases it."""

import datetime
import json
import operator
from decimal import Decimal
from functools import reduce

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Cast
from django.urls import reverse

from booking import marketplace
from booking.models import Child, LedgerEntry, Order, ServiceRequest, Wallet
from core.audit import history_for
from core.models import AuditEntry
from tests.booking.factories import (
    ChildFactory,
    GuardianFactory,
    UserFactory,
    accepted_order,
    fiscal_code,
    make_request,
    make_wallet,
    service_setup,
)
from tests.conftest import build_home_page, module_world

pytestmark = pytest.mark.django_db


def _build_market() -> dict:
    provider, service, staff = service_setup(build_home_page())
    return {"provider": provider, "service": service, "staff": staff}


#: The provider, its service and staff account, built once for the module; each test's changes roll back with it.
_world_keys, world = module_world(_build_market)


@pytest.fixture
def market(world):
    return world["service"], world["staff"]


def family(first, last, child_name, birth, *, username, phone):
    user = UserFactory(username=username, email=f"{username}@esempio.it")
    guardian = GuardianFactory(
        user=user,
        first_name=first,
        last_name=last,
        email=user.email,
        phone=phone,
        municipio=5,
        fiscal_code=fiscal_code(datetime.date(1984, 2, 3), female=True, surname=last[:3].upper()),
    )
    child = ChildFactory(guardian=guardian, first_name=child_name, birth_date=birth)
    return guardian, child


@pytest.fixture
def two_families(market):
    service, staff = market
    zeta, ottaviano = family(
        "Zebedea", "Quarantotti", "Ottaviano", datetime.date(2014, 9, 21), username="zebedea-q", phone="3471234567"
    )
    other, filiberto = family(
        "Gertrude", "Brambillasca", "Filiberto", datetime.date(2013, 4, 5), username="gertrude-b", phone="3339876543"
    )
    make_wallet("60.00", child=ottaviano)
    order = accepted_order(service, staff, price="80.00", child=ottaviano)
    marketplace.post_message(
        order.request, sender=zeta.user, from_family=True, body="Abitiamo in via dei Glicini 7, citofono Quarantotti"
    )
    marketplace.post_message(order.request, sender=staff, from_family=False, body="Ottaviano è il benvenuto")
    marketplace.pay(order, method="card", attempt_key="primo", actor=zeta.user)
    marketplace.complete_order(order, actor=staff)
    marketplace.rate(
        order, actor=zeta.user, overall=5, quality=5, punctuality=4, courtesy=5, comment="Grazie da Zebedea"
    )
    declined = make_request(service, child=ottaviano, message="Ottaviano soffre di asma")
    marketplace.decline(declined, actor=staff, reason="Non abbiamo posto per Ottaviano")
    other_request = make_request(service, child=filiberto, message="Filiberto ama il teatro")
    return {
        "service": service,
        "staff": staff,
        "zeta": zeta,
        "ottaviano": ottaviano,
        "order": order,
        "declined": declined,
        "other": other,
        "filiberto": filiberto,
        "other_request": other_request,
    }


def staff_user():
    return UserFactory(username="operatrice-comune", is_staff=True, is_superuser=True)


def test_a_staff_read_of_a_childs_fiscal_code_is_in_the_audit_trail(client):
    child = ChildFactory(first_name="Ottaviano")
    other = ChildFactory(first_name="Filiberto")
    staff = staff_user()
    client.force_login(staff)

    page = client.get(reverse("booking_child:inspect", args=[child.pk]))
    assert page.status_code == 200
    assert child.fiscal_code in page.content.decode()
    read = history_for(child).get(action="sensitive.read")
    assert read.actor == staff
    assert read.data == {"fields": ["birth_date", "fiscal_code"], "via": "booking_child:inspect"}
    assert not history_for(other).exists()

    listing = client.get(reverse("booking_child:index"))
    assert other.fiscal_code in listing.content.decode()
    assert history_for(other).get().data["via"] == "booking_child:index"
    assert history_for(child).count() == 2


def test_the_wallet_page_logs_the_beneficiary_read_and_shows_its_history(client):
    wallet = make_wallet("100.00")
    client.force_login(staff_user())
    page = client.get(reverse("booking_wallet:inspect", args=[wallet.pk])).content.decode()
    assert "Cronologia" in page
    assert "Voucher: assegnazione" in page
    assert history_for(wallet.child).get().data["fields"] == ["fiscal_code"]


def test_a_provider_reading_a_request_with_the_birth_date_is_logged(client, market):
    service, staff = market
    request = make_request(service)
    client.force_login(staff)
    page = client.get(reverse("booking_provider_request", args=[request.pk]))
    assert request.child.birth_date.strftime("%d/%m/%Y") in page.content.decode()
    read = history_for(request.child).get(action="sensitive.read")
    assert (read.actor, read.data["fields"], read.data["request"]) == (staff, ["birth_date"], request.pk)


def test_the_export_holds_the_familys_children_requests_orders_and_vouchers_and_nothing_of_another(
    client, two_families
):
    f = two_families
    client.force_login(f["zeta"].user)
    response = client.get(reverse("booking:data_download"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="milano018-dati-famiglia.json"'
    data = json.loads(response.content)
    assert data["guardian"]["fiscal_code"] == f["zeta"].fiscal_code
    assert [(c["first_name"], c["birth_date"]) for c in data["children"]] == [("Ottaviano", "2014-09-21")]
    assert {r["id"] for r in data["requests"]} == {f["order"].request.pk, f["declined"].pk}
    assert [o["id"] for o in data["orders"]] == [f["order"].pk]
    assert data["orders"][0]["rating"]["comment"] == "Grazie da Zebedea"
    (voucher,) = data["vouchers"]
    assert (voucher["value"], voucher["balance"]) == ("60.00", "0.00")
    assert [e["kind"] for e in voucher["entries"]] == ["grant", "redemption"]
    bodies = [m["body"] for r in data["requests"] for m in r["messages"]]
    assert "Abitiamo in via dei Glicini 7, citofono Quarantotti" in bodies
    text = response.content.decode()
    for foreign in ("Gertrude", "Brambillasca", "Filiberto", f["other"].fiscal_code, f["filiberto"].fiscal_code):
        assert foreign not in text
    assert f["other_request"].pk not in {r["id"] for r in data["requests"]}

    page = client.get(reverse("booking:data_page")).content.decode()
    assert "Ottaviano" in page and "Abitiamo in via dei Glicini 7" in page
    assert "Filiberto" not in page and "Gertrude" not in page
    assert history_for(f["zeta"]).filter(action="privacy.export").count() == 2


def _text_columns():
    """(model, its text and JSON fields) for every managed model that has any."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        if fields:
            yield model, fields


def _rows_containing(values: list[str]) -> list[str]:
    """Every (table, column) of the whole database that still holds one of these values: one query a table, then
    one a column of the tables where that query found any."""
    found = []
    for model, fields in _text_columns():
        queryset = model._base_manager.all()
        conditions = {}
        for field in fields:
            name = field.attname
            if isinstance(field, models.JSONField):
                name = f"_{field.attname}_as_text"
                queryset = queryset.annotate(**{name: Cast(field.attname, models.TextField())})
            conditions[field] = reduce(operator.or_, (Q(**{f"{name}__icontains": value}) for value in values))
        if not queryset.filter(reduce(operator.or_, conditions.values())).exists():
            continue
        found += [
            f"{model._meta.db_table}.{field.column}"
            for field, condition in conditions.items()
            if queryset.filter(condition).exists()
        ]
    return found


def _money(wallet_ids, order_ids):
    return (
        LedgerEntry.objects.filter(wallet__in=wallet_ids).aggregate(total=Sum("amount"))["total"],
        list(LedgerEntry.objects.filter(wallet__in=wallet_ids).order_by("pk").values_list("kind", "amount")),
        list(Order.objects.filter(pk__in=order_ids).values_list("price", "state")),
        list(Wallet.objects.filter(pk__in=wallet_ids).values_list("value", flat=True)),
    )


def test_erasure_removes_every_personal_datum_and_keeps_the_money_anonymised(client, two_families):
    f = two_families
    zeta, ottaviano = f["zeta"], f["ottaviano"]
    personal = [
        "Zebedea",
        "Quarantotti",
        "Ottaviano",
        zeta.fiscal_code,
        ottaviano.fiscal_code,
        "zebedea-q",  # the username and the email address
        "3471234567",
        "via dei Glicini",
        "asma",
        "Non abbiamo posto",
        "Grazie da Zebedea",
    ]
    assert len(_rows_containing(personal)) >= 8  # the scan sees them before
    wallet_ids = list(Wallet.objects.filter(holder=zeta).values_list("pk", flat=True))
    order_ids = [f["order"].pk]
    before = _money(wallet_ids, order_ids)
    assert before[0] == Decimal("0.00")

    client.force_login(zeta.user)
    page = client.get(reverse("booking:erasure"))
    assert "Cosa resta, senza dati personali" in page.content.decode()
    assert client.post(reverse("booking:erasure"), {}).status_code == 400
    response = client.post(reverse("booking:erasure"), {"confirm": "yes"})
    assert response.status_code == 302

    assert _rows_containing(personal) == []
    assert not Child.objects.filter(pk=ottaviano.pk, birth_date=datetime.date(2014, 9, 21)).exists()
    assert _money(wallet_ids, order_ids) == before
    assert ServiceRequest.objects.filter(guardian=zeta).count() == 2
    erasure = history_for(zeta).get(action="privacy.erasure")
    assert erasure.data["messages"] == 2
    # The other family is untouched, and the erased one can no longer sign in.
    assert _rows_containing(["Gertrude", "Filiberto ama il teatro", f["filiberto"].fiscal_code])
    zeta.user.refresh_from_db()
    assert not zeta.user.is_active and not zeta.user.has_usable_password()
    assert client.get(reverse("booking:family")).status_code == 302
    assert AuditEntry.objects.filter(redacted_at__isnull=False).exists()


def test_erasure_waits_for_open_requests_and_orders(client, market):
    service, _staff = market
    request = make_request(service)
    guardian = request.guardian
    client.force_login(guardian.user)
    page = client.get(reverse("booking:erasure")).content.decode()
    assert "1 richiesta in attesa di risposta" in page
    response = client.post(reverse("booking:erasure"), {"confirm": "yes"})
    assert response.status_code == 400
    assert "Prima di cancellare i dati chiudi quello che è ancora aperto" in response.content.decode()
    guardian.refresh_from_db()
    assert guardian.first_name == "Lucia"
    assert not history_for(guardian).filter(action="privacy.erasure").exists()
