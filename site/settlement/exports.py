"""Accounting exports of statements and their movements: XLSX (openpyxl) and CSV, same columns.

Every cell goes through `theme.spreadsheet.neutralise_cell` (text that looks like a formula gets an apostrophe).
Codes (tax code, VAT number, IBAN, protocol code, numbers of statements and orders) are text: in XLSX string cells
with the text format "@", so a VAT number keeps its leading zeros; amounts are numbers (EUR, two places).
CSV: UTF-8 with a byte-order mark (Excel then reads accents right), `;` as separator (what Excel expects in
Italy), every field quoted, amounts with a decimal point ("1234.50"). The child is the wallet's protocol code
(`booking.vouchers.wallet_code`), never a name.
"""

import csv
import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from booking.vouchers import wallet_code
from settlement.models import PaymentDetails, Statement, StatementLine
from settlement.statements import totals_by_statement
from theme.spreadsheet import neutralise_cell

TEXT, MONEY, DATE = "text", "money", "date"


def _identity(statement: Statement, verified: dict) -> dict:
    """Provider identity and payment data: the copy made at submission, or today's for a draft."""
    if statement.payment_details_id:
        return {
            "name": statement.provider_name,
            "tax_code": statement.tax_code,
            "vat": statement.vat_number,
            "iban": statement.iban,
            "holder": statement.account_holder,
        }
    provider, details = statement.provider, verified.get(statement.provider_id)
    return {
        "name": provider.legal_name,
        "tax_code": provider.tax_code,
        "vat": provider.vat_number,
        "iban": details.iban if details else "",
        "holder": details.account_holder if details else "",
    }


def _verified_for(provider_ids) -> dict:
    return {pid: PaymentDetails.current_verified(pid) for pid in set(provider_ids)}


def statement_columns():
    return [
        (_("Rendiconto"), TEXT),
        (_("Ente"), TEXT),
        (_("Codice fiscale"), TEXT),
        (_("Partita IVA"), TEXT),
        (_("IBAN"), TEXT),
        (_("Intestatario del conto"), TEXT),
        (_("Dal"), DATE),
        (_("Al"), DATE),
        (_("Stato"), TEXT),
        (_("Totale dovuto (EUR)"), MONEY),
        (_("Riferimento del pagamento"), TEXT),
        (_("Data del pagamento"), DATE),
    ]


def statement_rows(statements) -> list[list]:
    statements = list(statements.select_related("provider"))
    totals = totals_by_statement(statements)
    verified = _verified_for(s.provider_id for s in statements if not s.payment_details_id)
    rows = []
    for statement in statements:
        who = _identity(statement, verified)
        rows.append(
            [
                str(statement.pk),
                who["name"],
                who["tax_code"],
                who["vat"],
                who["iban"],
                who["holder"],
                statement.period_start,
                statement.period_end,
                statement.get_state_display(),
                totals.get(statement.pk, Decimal("0.00")),
                statement.payment_reference,
                statement.payment_date,
            ]
        )
    return rows


def movement_columns():
    return [
        (_("Rendiconto"), TEXT),
        (_("Stato del rendiconto"), TEXT),
        (_("Ente"), TEXT),
        (_("Codice fiscale"), TEXT),
        (_("Partita IVA"), TEXT),
        (_("IBAN"), TEXT),
        (_("Intestatario del conto"), TEXT),
        (_("Acquisto"), TEXT),
        (_("Servizio"), TEXT),
        (_("Codice protocollo del voucher"), TEXT),
        (_("Movimento"), TEXT),
        (_("Numero del movimento"), TEXT),
        (_("Data del movimento"), DATE),
        (_("Importo dovuto all'ente (EUR)"), MONEY),
    ]


def movement_rows(statements) -> list[list]:
    """One row per statement line, in statement then date order."""
    lines = list(
        StatementLine.objects.filter(statement__in=statements)
        .select_related("statement__provider", "order__quote__request__service", "entry__wallet")
        .order_by("statement_id", "entry_date", "pk")
    )
    verified = _verified_for(line.statement.provider_id for line in lines if not line.statement.payment_details_id)
    kinds = dict(StatementLine._meta.get_field("entry").related_model.Kind.choices)
    rows = []
    for line in lines:
        who = _identity(line.statement, verified)
        rows.append(
            [
                str(line.statement_id),
                line.statement.get_state_display(),
                who["name"],
                who["tax_code"],
                who["vat"],
                who["iban"],
                who["holder"],
                str(line.order_id),
                line.order.quote.request.service.title,
                wallet_code(line.entry.wallet),
                str(kinds.get(line.kind, line.kind)),
                str(line.entry_id),
                timezone.localtime(line.entry_date).date(),
                line.amount,
            ]
        )
    return rows


def _cell_text(value, kind) -> str:
    if value is None or value == "":
        return ""
    if kind == DATE:
        return value.strftime("%d/%m/%Y")
    if kind == MONEY:
        return f"{value:.2f}"
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
                cell.number_format = {TEXT: "@", MONEY: "#,##0.00", DATE: "DD/MM/YYYY"}[kind]
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
    if kind == DATE or value is None:
        return value
    return neutralise_cell(str(value))


def statement_workbook(statement: Statement) -> bytes:
    """One statement: a summary sheet and its movements, the movements' last row the statement's total."""
    one = Statement.objects.filter(pk=statement.pk)
    total = statement.total()
    return write_xlsx(
        [
            (_("Rendiconto"), statement_columns(), statement_rows(one), None),
            (_("Movimenti"), movement_columns(), movement_rows(one), total),
        ]
    )
