"""Granting wallets from the ranking CSV in the Wagtail admin: errors by line, all or nothing, never twice."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from booking import imports
from booking.models import Child, Guardian, LedgerEntry, Wallet
from tests.booking.factories import ChildFactory, VoucherCallFactory, fiscal_code

pytestmark = pytest.mark.django_db

HEADER = "guardian_fiscal_code,child_fiscal_code,child_name,birth_date,value,call\n"


@pytest.fixture
def call():
    return VoucherCallFactory(code="voucher-2026", budget=Decimal("1000.00"))


@pytest.fixture
def staff(client):
    user = get_user_model().objects.create_superuser("staff", "staff@example.org", "pw")
    client.force_login(user)
    return user


def row(born: datetime.date, value: str = "250.00", call: str = "voucher-2026", *, child_code: str = "") -> str:
    parent = fiscal_code(datetime.date(1980, 1, 1))
    return f"{parent},{child_code or fiscal_code(born)},Bimbo,{born.isoformat()},{value},{call}\n"


def csv_of(*rows: str) -> bytes:
    return (HEADER + "".join(rows)).encode()


def test_good_file_grants_every_row_with_its_ledger_entry(call, staff):
    data = csv_of(row(datetime.date(2015, 3, 1)), row(datetime.date(2016, 4, 2), "100.50"))
    result = imports.import_ranking(data, actor=staff)
    assert (result.ok, result.created) == (True, 2)
    assert sorted(w.balance for w in Wallet.objects.with_balance()) == [Decimal("100.50"), Decimal("250.00")]
    assert set(LedgerEntry.objects.values_list("kind", "actor")) == {("grant", staff.pk)}
    assert Guardian.objects.filter(user=None, fiscal_code_verified=True).count() == 2


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(call, staff):
    good = row(datetime.date(2015, 3, 1))
    born = datetime.date(2014, 5, 6)
    wrong_check = fiscal_code(born)[:-1] + ("Z" if not fiscal_code(born).endswith("Z") else "Y")
    data = csv_of(
        good,
        row(born, child_code=wrong_check),
        row(datetime.date(2013, 2, 2), "tanti"),
        row(datetime.date(2012, 2, 2), call="sconosciuto"),
        row(datetime.date(2011, 1, 1), child_code=fiscal_code(datetime.date(2011, 1, 2))),
    )
    result = imports.import_ranking(data, actor=staff)
    lines = dict(result.errors)
    assert sorted(lines) == [3, 4, 5, 6]
    assert "carattere di controllo" in lines[3]
    assert "importo non valido" in lines[4]
    assert "nessun avviso" in lines[5]
    assert "data di nascita" in lines[6]
    assert not Wallet.objects.exists()
    assert not Child.objects.exists()
    assert not Guardian.objects.exists()


def test_reimporting_the_same_file_does_not_grant_twice(call, staff):
    data = csv_of(row(datetime.date(2015, 3, 1)), row(datetime.date(2016, 4, 2)))
    imports.import_ranking(data, actor=staff)
    again = imports.import_ranking(data, actor=staff)
    assert (again.ok, again.created, again.skipped) == (True, 0, 2)
    assert Wallet.objects.count() == 2
    assert LedgerEntry.objects.count() == 2


def test_same_child_with_another_value_is_an_error_not_a_second_wallet(call, staff):
    born = datetime.date(2015, 3, 1)
    code = fiscal_code(born)
    imports.import_ranking(csv_of(row(born, "250.00", child_code=code)), actor=staff)
    result = imports.import_ranking(csv_of(row(born, "300.00", child_code=code)), actor=staff)
    assert dict(result.errors)[2].startswith("voucher già assegnato")
    assert Wallet.objects.get().value == Decimal("250.00")


def test_total_over_the_calls_budget_is_refused(call, staff):
    data = csv_of(*(row(datetime.date(2015, 1, day), "400.00") for day in (1, 2, 3)))
    result = imports.import_ranking(data, actor=staff)
    assert "budget" in dict(result.errors)[2]
    assert not Wallet.objects.exists()


def test_missing_columns_and_duplicates_are_reported(call, staff):
    assert "mancano le colonne" in imports.import_ranking(b"child_fiscal_code,value\n", actor=staff).errors[0][1]
    twice = row(datetime.date(2015, 3, 1))
    result = imports.import_ranking(csv_of(twice, twice), actor=staff)
    assert result.errors == [(3, "stesso figlio e stesso avviso della riga 2")]


def test_semicolon_separated_file_from_a_spreadsheet_is_read(call, staff):
    data = csv_of(row(datetime.date(2015, 3, 1)), row(datetime.date(2016, 4, 2))).replace(b",", b";")
    assert imports.import_ranking(data, actor=staff).created == 2


def test_admin_import_page_shows_errors_by_line(call, staff, client):
    upload = SimpleUploadedFile("graduatoria.csv", csv_of(row(datetime.date(2013, 2, 2), "tanti")), "text/csv")
    response = client.post(reverse("booking_import_ranking"), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nessun voucher importato" in html
    assert "Riga 2" in html


def test_admin_import_page_grants_and_redirects(call, staff, client):
    upload = SimpleUploadedFile("graduatoria.csv", csv_of(row(datetime.date(2013, 2, 2))), "text/csv")
    response = client.post(reverse("booking_import_ranking"), {"file": upload})
    assert response.status_code == 302
    assert Wallet.objects.count() == 1


def test_import_page_is_for_staff_with_permission_only(call, client):
    client.force_login(get_user_model().objects.create_user("family", "f@example.org", "pw"))
    assert client.get(reverse("booking_import_ranking")).status_code in (302, 403)


def test_staff_grant_a_wallet_in_the_admin_with_its_grant_entry(call, staff, client):
    child = ChildFactory()
    response = client.post(
        reverse("booking_wallet:add"),
        {"call": call.pk, "child": child.pk, "holder": child.guardian.pk, "value": "200.00"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    wallet = Wallet.objects.with_balance().get()
    assert (wallet.balance, wallet.valid_until, wallet.created_by) == (Decimal("200.00"), call.valid_until, staff)
    assert client.get(reverse("booking_wallet:index")).status_code == 200
    assert client.get(reverse("booking_wallet:inspect", args=[wallet.pk])).status_code == 200


def test_admin_wallets_cannot_be_edited_and_personal_data_is_read_only(call, staff, client):
    child = ChildFactory()
    assert client.get(reverse("booking_wallet:edit", args=[1])).status_code in (302, 403, 404)
    assert client.get(reverse("booking_child:index")).status_code == 200
    assert client.get(reverse("booking_child:edit", args=[child.pk])).status_code in (302, 403)
