"""The grant of a funded micro-project, through its own append-only ledger (`GrantEntry`), in the style of
`booking.vouchers`: each payment locks the project row, re-reads what was paid under the lock, writes one entry and
its audit entry ("collective.grant.<kind>") in one transaction. Amounts in EUR, two places.

The call pays an advance (the call's `advance_share` % of the funded amount) once the City accepted the nominal
list, and the balance when the City approved the final report (`collective.reports`): the reported costs, at most the
funded amount, minus the advance. One entry of each kind per project (a database constraint), so a payment asked
twice — a double click, two tabs — is paid once and the second request is refused.
"""

from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from collective.errors import CollectiveError
from collective.models import GrantEntry, MicroProject, ReportState
from collective.reports import costs_total
from collective.services import is_city
from core.audit import log_action

CENT = Decimal("0.01")


def paid(project: MicroProject) -> Decimal:
    """What the grant's ledger has paid so far (EUR)."""
    return project.grant_entries.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def _entry(project, kind, amount, actor, memo) -> GrantEntry:
    entry = GrantEntry.objects.create(project=project, kind=kind, amount=amount, actor=actor, memo=memo[:255])
    log_action(actor, f"collective.grant.{kind}", project, {"entry": entry.pk, "amount": str(amount)}, reason=memo)
    return entry


def pay_advance(project: MicroProject, actor) -> GrantEntry:
    """The advance: funded amount times the call's advance share, rounded down to the cent; once, after the nominal
    list was accepted. Raises CollectiveError otherwise."""
    if not is_city(actor):
        raise CollectiveError(_("Solo il Comune dispone i pagamenti."), code="collective.city_only")
    with transaction.atomic():
        project = (
            MicroProject.objects.select_for_update(of=("self",)).select_related("application__call").get(pk=project.pk)
        )
        if project.funding != MicroProject.Funding.FUNDED or project.list_accepted_at is None:
            raise CollectiveError(
                _("L'anticipo si paga a un progetto finanziato con l'elenco nominativo accettato."),
                code="collective.advance_not_due",
            )
        if project.grant_entries.exists():
            raise CollectiveError(_("L'anticipo è già stato pagato."), code="collective.advance_paid")
        share = Decimal(project.application.call.advance_share) / 100
        amount = (project.funded_amount * share).quantize(CENT, ROUND_DOWN)
        if amount <= 0:
            raise CollectiveError(_("L'avviso non prevede un anticipo."), code="collective.no_advance")
        return _entry(project, GrantEntry.Kind.ADVANCE, amount, actor, "")


def balance_due(project: MicroProject) -> Decimal:
    """What the balance would pay now (EUR): the approved costs, at most the funded amount, minus what was paid;
    zero or less when nothing is due."""
    covered = min(project.funded_amount or Decimal("0.00"), costs_total(project))
    return covered - paid(project)


def pay_balance(project: MicroProject, actor, *, note: str = "") -> GrantEntry:
    """The balance, once, after the City approved the report (`collective.reports.approve`): the reported costs up to
    the funded amount, minus the advance. `note` (optional) goes in the entry's memo and the audit reason."""
    if not is_city(actor):
        raise CollectiveError(_("Solo il Comune dispone i pagamenti."), code="collective.city_only")
    with transaction.atomic():
        project = MicroProject.objects.select_for_update().get(pk=project.pk)
        if project.funding != MicroProject.Funding.FUNDED or project.list_accepted_at is None:
            raise CollectiveError(_("Il progetto non è finanziato."), code="collective.balance_not_due")
        if project.report_state != ReportState.APPROVED:
            raise CollectiveError(
                _("Il saldo si paga dopo che il Comune ha approvato la rendicontazione."),
                code="collective.report_not_approved",
            )
        if project.grant_entries.filter(kind=GrantEntry.Kind.BALANCE).exists():
            raise CollectiveError(_("Il saldo è già stato pagato."), code="collective.balance_paid")
        amount = balance_due(project)
        if amount <= 0:
            raise CollectiveError(_("Non resta nulla da pagare."), code="collective.nothing_due")
        return _entry(project, GrantEntry.Kind.BALANCE, amount, actor, note.strip())
