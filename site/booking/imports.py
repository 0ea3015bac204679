"""Importing a voucher ranking (graduatoria) from CSV: every row checked first, then all written or none.

Columns (header row required, order free): guardian_fiscal_code, child_fiscal_code, child_name,
birth_date (YYYY-MM-DD or DD/MM/YYYY), value (EUR, '.' or ',' as decimal mark), call (VoucherCall.code).
Each row goes through the call's rules (`booking.call_rules`): the value must be one the call's ISEE brackets give
(100-400 EUR when no programme owns the call) and the beneficiary under 18 on the call's reference day.
A row whose child already has a wallet of the same value under the same call is skipped, so the same
file imported twice grants once.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from booking import call_rules, vouchers
from booking.models import ZERO, Child, Guardian, VoucherCall, Wallet
from booking.validators import fiscal_code_matches_birth_date, normalise_fiscal_code, validate_fiscal_code
from core.audit import log_action

COLUMNS = ["guardian_fiscal_code", "child_fiscal_code", "child_name", "birth_date", "value", "call"]
MAX_ROWS = 20000


@dataclass
class Row:
    line: int
    guardian_code: str
    child_code: str
    child_name: str
    birth_date: datetime.date
    value: Decimal
    call: VoucherCall


@dataclass
class ImportResult:
    errors: list[tuple[int, str]] = field(default_factory=list)
    created: int = 0
    skipped: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _parse_date(text: str) -> datetime.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(_("Il file non è in codifica UTF-8: salvalo come «CSV UTF-8».")) from exc


def _check_row(line: int, raw: dict, calls: dict[str, VoucherCall], rules: dict) -> Row | str:
    values = {name: (raw.get(name) or "").strip() for name in COLUMNS}
    missing = [name for name in COLUMNS if not values[name]]
    if missing:
        return _("colonne vuote: %(names)s") % {"names": ", ".join(missing)}
    for name in ("guardian_fiscal_code", "child_fiscal_code"):
        try:
            validate_fiscal_code(values[name])
        except ValidationError as exc:
            return f"{name}: {exc.messages[0]}"
    try:
        birth_date = _parse_date(values["birth_date"])
    except ValueError:
        return _("birth_date: data non valida «%(value)s» (usa AAAA-MM-GG)") % {"value": values["birth_date"]}
    if not fiscal_code_matches_birth_date(values["child_fiscal_code"], birth_date):
        return _("child_fiscal_code: non corrisponde alla data di nascita %(date)s") % {"date": values["birth_date"]}
    try:
        value = vouchers.money(values["value"].replace(",", "."))
    except vouchers.InvalidAmount:
        return _("value: importo non valido «%(value)s»") % {"value": values["value"]}
    call = calls.get(values["call"])
    if call is None:
        return _("call: nessun avviso con codice «%(code)s»") % {"code": values["call"]}
    if call.code not in rules:
        rules[call.code] = call_rules.rules_for(call)
    call_rule = rules[call.code]
    refusal = call_rules.value_refusal(call_rule, value)
    if refusal:
        return refusal
    if birth_date > call_rule.age_on or call_rules.age_on(birth_date, call_rule.age_on) >= call_rules.ADULT_AGE:
        return _("birth_date: il beneficiario deve avere tra 0 e 17 anni il %(day)s") % {
            "day": call_rule.age_on.strftime("%d/%m/%Y")
        }
    return Row(
        line=line,
        guardian_code=normalise_fiscal_code(values["guardian_fiscal_code"]),
        child_code=normalise_fiscal_code(values["child_fiscal_code"]),
        child_name=values["child_name"],
        birth_date=birth_date,
        value=value,
        call=call,
    )


def parse(data: bytes) -> tuple[list[Row], ImportResult]:
    result = ImportResult()
    try:
        text = _decode(data)
    except ValueError as exc:
        result.errors.append((1, str(exc)))
        return [], result
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [name.strip() for name in (reader.fieldnames or [])]
    reader.fieldnames = header
    absent = [name for name in COLUMNS if name not in header]
    if absent:
        result.errors.append((1, _("intestazione: mancano le colonne %(names)s") % {"names": ", ".join(absent)}))
        return [], result
    calls = {call.code: call for call in VoucherCall.objects.all()}
    rules: dict[str, call_rules.CallRules] = {}  # each call's rules, asked once per file
    rows: list[Row] = []
    seen: dict[tuple[int, str], int] = {}
    for raw in reader:
        line = reader.line_num
        if len(rows) + len(result.errors) >= MAX_ROWS:
            result.errors.append((line, _("troppe righe: al massimo %(max)d per file") % {"max": MAX_ROWS}))
            break
        checked = _check_row(line, raw, calls, rules)
        if isinstance(checked, str):
            result.errors.append((line, checked))
            continue
        key = (checked.call.pk, checked.child_code)
        if key in seen:
            result.errors.append((line, _("stesso figlio e stesso avviso della riga %(line)d") % {"line": seen[key]}))
            continue
        seen[key] = line
        rows.append(checked)
    if not rows and not result.errors:
        result.errors.append((1, _("il file non contiene righe")))
    return rows, result


def _check_against_database(rows: list[Row], result: ImportResult) -> list[Row]:
    """Rows that would grant twice, or grant differently, or overspend a call's budget, are errors."""
    # Locking the calls serialises two imports of the same ranking: the second one sees the first's wallets.
    calls = {
        call.pk: call
        for call in VoucherCall.objects.select_for_update().filter(pk__in={row.call.pk for row in rows}).order_by("pk")
    }
    to_create = []
    child_codes = {row.child_code for row in rows}
    existing = {
        (wallet.call_id, wallet.child.fiscal_code): wallet
        for wallet in Wallet.objects.filter(child__fiscal_code__in=child_codes).select_related("child")
    }
    added: dict[int, Decimal] = {}
    for row in rows:
        wallet = existing.get((row.call.pk, row.child_code))
        if wallet is None:
            to_create.append(row)
            added[row.call.pk] = added.get(row.call.pk, ZERO) + row.value
        elif wallet.value == row.value:
            result.skipped += 1
        else:
            result.errors.append(
                (
                    row.line,
                    _("voucher già assegnato per questo avviso con valore %(value)s EUR") % {"value": wallet.value},
                )
            )
    first_line = {}
    for row in to_create:
        first_line.setdefault(row.call.pk, row.line)
    for call_pk, amount in added.items():
        call = calls[call_pk]
        if call.granted_total() + amount > call.budget:
            result.errors.append(
                (first_line[call_pk], _("il totale supera il budget dell'avviso «%(call)s»") % {"call": call.code})
            )
    return to_create


def import_ranking(data: bytes, *, actor, filename: str = "") -> ImportResult:
    """Check every row, then create all the wallets or none; a successful import is logged on each call it touched."""
    rows, result = parse(data)
    if not result.ok:
        return result
    with transaction.atomic():
        to_create = _check_against_database(rows, result)
        if not result.ok:
            return result
        for row in to_create:
            guardian, _created = Guardian.objects.get_or_create(
                fiscal_code=row.guardian_code, fiscal_code_verified=True
            )
            child = Child.objects.filter(guardian=guardian, fiscal_code=row.child_code).first()
            if child is None:
                child = Child.objects.create(
                    guardian=guardian, fiscal_code=row.child_code, first_name=row.child_name, birth_date=row.birth_date
                )
            elif child.birth_date != row.birth_date:
                result.errors.append((row.line, _("la data di nascita non coincide con quella già registrata")))
                transaction.set_rollback(True)
                result.created = 0
                return result
            vouchers.create_wallet(child=child, holder=guardian, call=row.call, value=row.value, actor=actor)
            result.created += 1
        for call in {row.call.pk: row.call for row in rows}.values():
            log_action(
                actor,
                "booking.ranking.imported",
                call,
                {
                    "file": filename[:200],
                    "rows": sum(1 for row in rows if row.call.pk == call.pk),
                    "created": sum(1 for row in to_create if row.call.pk == call.pk),
                },
            )
    return result
