"""Accounting exports of statements and their movements: XLSX (openpyxl) and CSV, same columns.

The writers are the site's shared ones (`theme.spreadsheet.write_csv`, `write_xlsx`): every cell goes through
`theme.spreadsheet.neutralise_cell` (text that looks like a formula gets an apostrophe).
Codes (tax code, VAT number, IBAN, protocol code, numbers of statements and orders) are text: in XLSX string cells
with the text format "@", so a VAT number keeps its leading zeros; amounts are numbers (EUR, two places).
CSV: UTF-8 with a byte-order mark (Excel then reads accents right), `;` as separator (what Excel expects in
Italy), every field quoted, amounts with a decimal point ("1234.50"). The child is the wallet's protocol code
(`booking.vouchers.wallet_code`), never a name.
"""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from booking.vouchers import wallet_code
from settlement.models import PaymentDetails, Statement, StatementLine
from settlement.statements import totals_by_statement
from theme.spreadsheet import DATE, MONEY, TEXT, write_xlsx
from theme.spreadsheet import write_csv as write_csv  # the admin views write CSV through this module


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
