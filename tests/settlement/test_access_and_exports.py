"""Who sees which statements, and the accounting files: they open, carry the right columns, and add up."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from booking.vouchers import wallet_code
from settlement import statements
from tests.conftest import build_home_page, kept_for_the_module
from tests.settlement.conftest import IBAN, build_two_providers, paid_order, verify_details

TODAY = datetime.date.today()


def statement_for(provider, staff, service):
    order = paid_order(service, staff, price="100.00", wallet_value="70.00")
    statement = statements.build(
        provider=provider, period_start=TODAY - datetime.timedelta(days=30), period_end=TODAY, actor=staff
    )
    return statement, order


def build_two_statements(home) -> dict:
    p = build_two_providers(home)
    one, order_one = statement_for(p["one"], p["staff_one"], p["service_one"])
    two, _order_two = statement_for(p["two"], p["staff_two"], p["service_two"])
    return {**p, "statement_one": one, "statement_two": two, "order_one": order_one}


@pytest.fixture(scope="module")
def _two_statements_keys(django_db_setup, django_db_blocker):
    with kept_for_the_module(django_db_blocker):
        yield {name: (type(row), row.pk) for name, row in build_two_statements(build_home_page()).items()}


@pytest.fixture
def two_statements(db, _two_statements_keys) -> dict:
    """Every test here uses them: built once for the module (`kept_for_the_module`), fresh instances for each
    test, and an empty cache (a test's pages may have cached what its rolled-back changes showed)."""
    cache.clear()
    return {name: model.objects.get(pk=pk) for name, (model, pk) in _two_statements_keys.items()}


def test_a_provider_sees_only_its_statements_and_movements(client, two_statements):
    s = two_statements
    client.force_login(s["staff_one"])
    listing = client.get("/admin/rendiconti/")
    assert listing.status_code == 200
    assert [st.pk for st in listing.context["statements"]] == [s["statement_one"].pk]
    assert client.get(f"/admin/rendiconti/{s['statement_one'].pk}/").status_code == 200
    assert client.get(f"/admin/rendiconti/{s['statement_two'].pk}/").status_code == 404
    assert client.get(f"/admin/rendiconti/{s['statement_two'].pk}/scarica.xlsx").status_code == 404
    movements = client.get("/admin/rendiconti/elenco/movimenti.csv")
    rows = list(csv.reader(io.StringIO(movements.content.decode("utf-8-sig")), delimiter=";"))
    assert {row[0] for row in rows[1:]} == {str(s["statement_one"].pk)}


def test_the_voucher_office_sees_every_statement_and_decides(client, two_statements, office):
    s = two_statements
    client.force_login(office)
    listing = client.get("/admin/rendiconti/")
    assert {st.pk for st in listing.context["statements"]} == {s["statement_one"].pk, s["statement_two"].pk}
    assert client.get("/admin/rendiconti/riconciliazione/").status_code == 200
    filtered = client.get("/admin/rendiconti/", {"ente": "Ente Due"})
    assert [st.pk for st in filtered.context["statements"]] == [s["statement_two"].pk]
    assert not office.is_superuser


def test_a_family_sees_no_statement(client, two_statements, family):
    client.force_login(family)
    for url in (
        "/admin/rendiconti/",
        f"/admin/rendiconti/{two_statements['statement_one'].pk}/",
        f"/admin/rendiconti/{two_statements['statement_one'].pk}/scarica.csv",
        "/admin/rendiconti/elenco/movimenti.xlsx",
        "/admin/rendiconti/riconciliazione/",
    ):
        assert client.get(url).status_code in (302, 403), url


def test_a_provider_cannot_open_the_reconciliation(client, two_statements):
    client.force_login(two_statements["staff_one"])
    response = client.get("/admin/rendiconti/riconciliazione/")
    assert response.status_code == 302 and "riconciliazione" not in response["Location"]


def test_the_xlsx_opens_and_its_total_is_the_statements(client, two_statements, office):
    s = two_statements
    verify_details(s["one"])
    statements.submit(s["statement_one"], actor=s["staff_one"])
    client.force_login(office)
    response = client.get(f"/admin/rendiconti/{s['statement_one'].pk}/scarica.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    movements = book["Movimenti"]
    header = [cell.value for cell in movements[1]]
    rows = [[cell.value for cell in row] for row in movements.iter_rows(min_row=2)]
    lines, total_row = rows[:-1], rows[-1]
    amount = header.index("Importo dovuto all'ente (EUR)")
    assert sum(Decimal(str(row[amount])) for row in lines) == Decimal(str(total_row[amount]))
    assert Decimal(str(total_row[amount])) == s["statement_one"].total() == Decimal("70.00")
    first = dict(zip(header, lines[0], strict=True))
    assert first["IBAN"] == IBAN
    assert first["Codice fiscale"] == s["one"].tax_code
    assert first["Codice protocollo del voucher"] == wallet_code(
        s["order_one"].payments.get(method="voucher").ledger_entry.wallet
    )
    assert first["Servizio"] == s["service_one"].title
    child_name = s["order_one"].quote.request.child.first_name
    assert all(child_name not in str(value) for row in rows for value in row)
    code_cell = movements.cell(row=2, column=header.index("Codice fiscale") + 1)
    assert code_cell.data_type == "s" and code_cell.number_format == "@"
    summary = book["Rendiconto"]
    assert Decimal(str(summary.cell(row=2, column=10).value)) == Decimal("70.00")


def test_the_csv_keeps_codes_as_text_and_neutralises_formulas(client, two_statements, office):
    s = two_statements
    provider = s["one"]
    provider.legal_name = '=HYPERLINK("http://x")'
    provider.save_revision().publish()
    client.force_login(office)
    response = client.get(f"/admin/rendiconti/{s['statement_one'].pk}/scarica.csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, line = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert line["Ente"].startswith("'=")
    assert line["Codice fiscale"] == provider.tax_code
    assert f'"{provider.tax_code}"' in text
    assert sum(Decimal(row[header.index("Importo dovuto all'ente (EUR)")]) for row in rows[1:]) == Decimal("70.00")


def test_unknown_export_formats_are_not_found(client, two_statements, office):
    client.force_login(office)
    assert client.get(f"/admin/rendiconti/{two_statements['statement_one'].pk}/scarica.pdf").status_code == 404
    assert client.get("/admin/rendiconti/elenco/altro.csv").status_code == 404
