"""Statements of a collective-voucher call for the City's accounting: funded micro-projects, grant payments
(tranches), reported costs and attendance, as XLSX (one sheet each) or CSV (one table), written by the site's shared
writers (`theme.spreadsheet.write_xlsx`, `write_csv`: codes as text, formulas neutralised, UTF-8 with BOM).

Amounts in EUR from the records themselves: the payments sheet totals the grant ledger (`GrantEntry`), the costs
sheet the reported costs (`CostItem`); the projects sheet's columns add up to the same figures. Children appear as
counts only, never by name or fiscal code.
"""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from collective.models import AttendanceSession, CollectiveCall, CostItem, GrantEntry, MicroProject
from theme.spreadsheet import DATE, MONEY, NUMBER, TEXT, write_csv, write_xlsx

ZERO = Decimal("0.00")


def _project_columns():
    return [(_("Codice progetto"), TEXT), (_("Protocollo"), TEXT), (_("Ente"), TEXT), (_("Micro-progettazione"), TEXT)]


def _project_cells(project: MicroProject) -> list:
    return [str(project.pk), project.application.protocol, project.application.provider.title, project.title]


def _funded(call: CollectiveCall):
    return MicroProject.objects.filter(application__call=call, funding=MicroProject.Funding.FUNDED).select_related(
        "application__provider"
    )


def project_table(call: CollectiveCall):
    """(columns, rows): one row per funded micro-project, with what was paid, reported and attended."""
    columns = _project_columns() + [
        (_("Importo finanziato (EUR)"), MONEY),
        (_("Anticipo pagato (EUR)"), MONEY),
        (_("Saldo pagato (EUR)"), MONEY),
        (_("Spese rendicontate (EUR)"), MONEY),
        (_("Rendicontazione"), TEXT),
        (_("Partecipanti in elenco"), NUMBER),
        (_("di cui con posto riservato"), NUMBER),
        (_("Incontri"), NUMBER),
        (_("Presenze"), NUMBER),
        (_("Presenze con posto riservato"), NUMBER),
    ]
    projects = (
        _funded(call)
        .annotate(
            listed=Count("participants", distinct=True),
            referred=Count("participants", filter=Q(participants__referrer__isnull=False), distinct=True),
        )
        .order_by("pk")
    )
    paid = {
        (row["project_id"], row["kind"]): row["total"]
        for row in GrantEntry.objects.filter(project__application__call=call)
        .values("project_id", "kind")
        .annotate(total=Sum("amount"))
    }
    costs = dict(
        CostItem.objects.filter(project__application__call=call)
        .values("project_id")
        .annotate(total=Sum("amount"))
        .values_list("project_id", "total")
    )
    attendance = {
        row["project_id"]: row
        for row in AttendanceSession.objects.filter(project__application__call=call)
        .values("project_id")
        .annotate(n=Count("pk"), present=Sum("present"), reserved=Sum("reserved_present"))
    }
    rows = []
    for project in projects:
        seen = attendance.get(project.pk, {"n": 0, "present": 0, "reserved": 0})
        rows.append(
            _project_cells(project)
            + [
                project.funded_amount,
                paid.get((project.pk, GrantEntry.Kind.ADVANCE), ZERO),
                paid.get((project.pk, GrantEntry.Kind.BALANCE), ZERO),
                costs.get(project.pk, ZERO),
                project.get_report_state_display(),
                project.listed,
                project.referred,
                seen["n"],
                seen["present"],
                seen["reserved"],
            ]
        )
    return columns, rows


def payment_table(call: CollectiveCall):
    """(columns, rows, total EUR): one row per grant ledger entry of the call, oldest first."""
    columns = _project_columns() + [
        (_("Tranche"), TEXT),
        (_("Numero del pagamento"), TEXT),
        (_("Data"), DATE),
        (_("Importo pagato (EUR)"), MONEY),
    ]
    entries = list(
        GrantEntry.objects.filter(project__application__call=call)
        .select_related("project__application__provider")
        .order_by("created_at", "pk")
    )
    rows = [
        _project_cells(e.project) + [e.get_kind_display(), str(e.pk), timezone.localtime(e.created_at).date(), e.amount]
        for e in entries
    ]
    return columns, rows, sum((e.amount for e in entries), ZERO)


def cost_table(call: CollectiveCall):
    """(columns, rows, total EUR): one row per reported cost of the call's projects."""
    columns = _project_columns() + [
        (_("Voce di spesa"), TEXT),
        (_("Numero della spesa"), TEXT),
        (_("Registrata il"), DATE),
        (_("Importo (EUR)"), MONEY),
    ]
    items = list(
        CostItem.objects.filter(project__application__call=call)
        .select_related("project__application__provider")
        .order_by("project_id", "pk")
    )
    rows = [
        _project_cells(c.project) + [c.description, str(c.pk), timezone.localtime(c.created_at).date(), c.amount]
        for c in items
    ]
    return columns, rows, sum((c.amount for c in items), ZERO)


def attendance_table(call: CollectiveCall):
    """(columns, rows): one row per reported session: children present and those with a reserved place."""
    columns = _project_columns() + [
        (_("Data dell'incontro"), DATE),
        (_("Presenti"), NUMBER),
        (_("di cui con posto riservato"), NUMBER),
    ]
    sessions = (
        AttendanceSession.objects.filter(project__application__call=call)
        .select_related("project__application__provider")
        .order_by("project_id", "held_on", "pk")
    )
    rows = [_project_cells(s.project) + [s.held_on, s.present, s.reserved_present] for s in sessions]
    return columns, rows


TABLES = ("progetti", "pagamenti", "spese", "presenze")


def workbook(call: CollectiveCall) -> bytes:
    """The call's XLSX: sheets «Micro-progettazioni», «Pagamenti» (last row: the ledger's total), «Spese» (last row:
    the costs' total), «Presenze»."""
    payments, costs = payment_table(call), cost_table(call)
    return write_xlsx(
        [
            (_("Micro-progettazioni"), *project_table(call), None),
            (_("Pagamenti"), *payments),
            (_("Spese"), *costs),
            (_("Presenze"), *attendance_table(call), None),
        ]
    )


def csv_table(call: CollectiveCall, table: str) -> bytes:
    """One of TABLES as CSV bytes (KeyError for another name)."""
    build = {
        "progetti": project_table,
        "pagamenti": lambda c: payment_table(c)[:2],
        "spese": lambda c: cost_table(c)[:2],
        "presenze": attendance_table,
    }[table]
    return write_csv(*build(call))
