"""Cells of every spreadsheet the site writes (CSV and XLSX) are data, never formulas.

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by Excel and
LibreOffice (CSV injection, OWASP); such text gets a leading apostrophe, which spreadsheets show as plain text.
Numbers, dates and empty cells pass unchanged. `neutralise_cell` is the one helper; `install` applies it to Wagtail's
spreadsheet exports (every admin listing and report), which is where the site's exports are written.
"""

from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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
