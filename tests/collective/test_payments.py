"""The City's office pays the grants from the admin, tranche by tranche and once each, and exports the call's
statements (XLSX and CSV) whose totals are the records'."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from collective import grants, reports
from collective.models import GrantEntry
from core.models import AuditEntry
from tests.catalog import factories as catalog
from tests.collective import factories as f
from tests.conftest import build_home_page, module_world

pytestmark = pytest.mark.django_db


# Every test here uses it; its payments and reports roll back with each test.
_world_keys, world = module_world(lambda: f.funded_world(build_home_page(), advance_share=40))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def report(project, staff, city, *costs):
    reports.add_session(project, staff, held_on=project.starts_on, present=2, reserved_present=1)
    for description, amount in costs:
        reports.add_cost(project, staff, description=description, amount=Decimal(amount), document=f.pdf_upload())
    reports.submit(project, staff)
    reports.approve(project, city)


def test_office_pays_each_tranche_once_through_the_ledger(world):
    project, city, call = world["project"], world["city"], world["call"]
    clerk = catalog.user("ufficio-collettivi", is_staff=True, groups=["Ufficio voucher collettivi"])
    url = reverse("collective_call_grants", args=[call.pk])
    office = client_for(clerk)
    assert f"Paga l'anticipo di «{project.title}»" in office.get(url).content.decode()
    for _click in range(2):
        page = office.post(url, {"action": "advance", "project": project.pk}, follow=True)
    assert "L&#x27;anticipo è già stato pagato." in page.content.decode()
    assert list(project.grant_entries.values_list("kind", "amount")) == [("advance", Decimal("4000.00"))]
    page = office.post(url, {"action": "balance", "project": project.pk}, follow=True)
    assert "dopo che il Comune ha approvato la rendicontazione" in page.content.decode()
    assert project.grant_entries.count() == 1

    report(project, world["s1"], city, ("Educatori", "7000.00"), ("Materiali", "500.25"))
    office.post(url, {"action": "balance", "project": project.pk})
    office.post(url, {"action": "balance", "project": project.pk})
    assert grants.paid(project) == Decimal("7500.25")
    assert project.grant_entries.get(kind="balance").amount == Decimal("3500.25")
    payments = AuditEntry.objects.filter(object_id=project.pk, action__startswith="collective.grant.").order_by("pk")
    assert list(payments.values_list("action", "actor")) == [
        ("collective.grant.advance", clerk.pk), ("collective.grant.balance", clerk.pk),
    ]  # fmt: skip
    assert "7500,25" in office.get(url).content.decode()

    for outsider in (world["s1"], world["members"][0].user):
        refused = client_for(outsider).post(url, {"action": "advance", "project": world["other"].pk})
        assert (refused.status_code, refused.get("Location")) == (302, "/admin/")
    assert not world["other"].grant_entries.exists()


def test_exports_open_and_their_totals_are_the_records(world):
    project, other, city, call = world["project"], world["other"], world["city"], world["call"]
    grants.pay_advance(project, city)
    grants.pay_advance(other, city)
    report(project, world["s1"], city, ('=HYPERLINK("http://x")', "6000.00"), ("Materiali", "1234.56"))
    grants.pay_balance(project, city)
    office = client_for(city)
    url = reverse("collective_call_export", args=[call.pk])

    response = office.get(url, {"formato": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Micro-progettazioni", "Pagamenti", "Spese", "Presenze"]
    payments = list(book["Pagamenti"].iter_rows(values_only=True))
    ledger = sum(GrantEntry.objects.values_list("amount", flat=True), Decimal("0"))
    assert payments[-1][0] == "Totale" and Decimal(str(payments[-1][-1])) == ledger == Decimal("11234.56")
    assert sum(Decimal(str(row[-1])) for row in payments[1:-1]) == ledger
    costs = list(book["Spese"].iter_rows(values_only=True))
    assert Decimal(str(costs[-1][-1])) == reports.costs_total(project) == Decimal("7234.56")
    assert costs[1][4] == '\'=HYPERLINK("http://x")'
    projects = list(book["Micro-progettazioni"].iter_rows(values_only=True))
    header = projects[0]
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in projects[1:]}
    mine = rows[str(project.pk)]
    assert book["Micro-progettazioni"]["A2"].number_format == "@"
    assert (mine["Anticipo pagato (EUR)"], mine["Saldo pagato (EUR)"]) == (4000.0, 3234.56)
    assert mine["Spese rendicontate (EUR)"] == 7234.56
    assert (mine["Partecipanti in elenco"], mine["di cui con posto riservato"], mine["Presenze"]) == (2, 1, 2)
    paid_columns = sum(
        Decimal(str(r["Anticipo pagato (EUR)"])) + Decimal(str(r["Saldo pagato (EUR)"])) for r in rows.values()
    )
    assert paid_columns == ledger

    response = office.get(url, {"formato": "csv", "tabella": "pagamenti"})
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][1] == "Protocollo" and lines[1][1] == project.application.protocol
    assert sum(Decimal(line[-1]) for line in lines[1:]) == ledger
    spese = office.get(url, {"formato": "csv", "tabella": "spese"}).content.decode("utf-8-sig")
    assert '"\'=HYPERLINK(""http://x"")"' in spese
    assert office.get(url, {"formato": "csv", "tabella": "nomi"}).status_code == 404
    assert client_for(world["s1"]).get(url, {"formato": "xlsx"})["Location"] == "/admin/"
