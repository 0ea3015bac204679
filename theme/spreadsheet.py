"""Cells of every spreadsheet the site writes (CSV and XLSX) are data, never formulas.

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by Excel and
LibreOffice (CSV injection, OWASP); such text gets a leading apostrophe, which spreadsheets show as plain text.
Numbers, dates and empty cells pass unchanged. `neutralise_cell` is the one helper; `install` applies it to Wagtail's
spreadsheet exports (every admin listing and report).

`write_csv` and `write_xlsx` write the programmes' accounting exports (settlement, collective) from a list of
columns `(title, kind)` — kind TEXT, MONEY (EUR, two places), DATE or NUMBER (a count) — and rows of values in that
order. Codes (tax codes, VAT numbers, IBANs, protocol codes, ids) are TEXT: XLSX string cells with the text format
"@", so leading zeros stay; amounts and counts are numbers. CSV: UTF-8 with a byte-order mark (Excel then reads
accents right), `;` as separator (what Excel expects in Italy), every field quoted, amounts with a decimal point
("1234.50"), dates dd/mm/yyyy.
"""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TEXT, MONEY, DATE, NUMBER = "text", "money", "date", "number"


def neutralise_cell(value):
    """`value` unchanged unless it is text starting like a formula; then the same text after an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def install() -> None:
    """Make Wagtail's SpreadsheetExportMixin neutralise every cell after its own preprocessing (called once)."""
    preprocess = SpreadsheetExportMixin.preprocess_field_value
    if getattr(preprocess, "neutralises_formulas", False):
        return

    def preprocess_field_value(self, field, value, export_format):
        return neutralise_cell(preprocess(self, field, value, export_format))

    preprocess_field_value.neutralises_formulas = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value


def _cell_text(value, kind) -> str:
    if value is None or value == "":
        return ""
    if kind == DATE:
        return value.strftime("%d/%m/%Y")
    if kind == MONEY:
        return f"{value:.2f}"
    if kind == NUMBER:
        return str(value)
    return str(neutralise_cell(str(value)))


def write_csv(columns, rows) -> bytes:
    """The table as CSV bytes (see the module docstring for the dialect)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([neutralise_cell(str(title)) for title, _kind in columns])
    for row in rows:
        writer.writerow([_cell_text(value, kind) for value, (_title, kind) in zip(row, columns, strict=True)])
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(sheets) -> bytes:
    """An XLSX workbook with one sheet per (title, columns, rows, total); `total` (EUR) adds a last row or is None."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, columns, rows, total in sheets:
        sheet = workbook.create_sheet(title=str(title)[:31])
        sheet.append([str(neutralise_cell(str(name))) for name, _kind in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_xlsx_value(value, kind) for value, (_title, kind) in zip(row, columns, strict=True)])
            for cell, (_title, kind) in zip(sheet[sheet.max_row], columns, strict=True):
                cell.number_format = {TEXT: "@", MONEY: "#,##0.00", DATE: "DD/MM/YYYY", NUMBER: "0"}[kind]
        if total is not None:
            money_column = next(i for i, (_title, kind) in enumerate(columns) if kind == MONEY)
            last = [None] * len(columns)
            last[0], last[money_column] = str(_("Totale")), float(total)
            sheet.append(last)
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
            sheet.cell(row=sheet.max_row, column=money_column + 1).number_format = "#,##0.00"
        for index, (name, _kind) in enumerate(columns, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(12, len(str(name)) + 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value, kind):
    if kind == MONEY:
        return float(value) if value is not None else None
    if kind in (DATE, NUMBER) or value is None:
        return value
    return neutralise_cell(str(value))
