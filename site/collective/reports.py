"""The final report of a funded micro-project (rendicontazione): attendance per session and costs with their
supporting documents, sent by the provider, approved or sent back with a reason by the City.

Rules (issue 14, «Delivery and money»; the call pays the balance on the approved report): a report is written once
the City accepted the nominal list; sessions fall between the project's start and end dates; the children present
are at most those on the nominal list, and those with a reserved place at most the referred children on it; each
cost (EUR) carries a document. While the report is with the City or approved nothing in it changes. Every step is a
transition in the audit trail ("collective.report.<what>", from/to state, the City's reason); refusals raise
CollectiveError ("collective.report_*").
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from collective.errors import CollectiveError
from collective.models import AttendanceSession, CostItem, MicroProject, ReportState
from collective.services import is_city, provider_ids
from core.audit import log_action

EDITABLE = (ReportState.NOT_SENT, ReportState.RETURNED)


def may_read(user, project: MicroProject) -> bool:
    """Who may see a project's report and its documents: the City (`is_city`) and the provider's own staff."""
    return is_city(user) or project.application.provider_id in provider_ids(user)


def costs_total(project: MicroProject) -> Decimal:
    """The costs reported for the project (EUR)."""
    return project.costs.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def _locked_for_provider(project: MicroProject, actor) -> MicroProject:
    project = MicroProject.objects.select_for_update(of=("self",)).select_related("application").get(pk=project.pk)
    if project.application.provider_id not in provider_ids(actor):
        raise CollectiveError(_("Solo l'ente del progetto ne scrive la rendicontazione."), code="collective.provider")
    if project.funding != MicroProject.Funding.FUNDED or project.list_accepted_at is None:
        raise CollectiveError(
            _("La rendicontazione si scrive dopo che il Comune ha accettato l'elenco nominativo."),
            code="collective.report_not_due",
        )
    if project.report_state not in EDITABLE:
        raise CollectiveError(
            _("La rendicontazione è stata inviata al Comune: non si può più modificare."),
            code="collective.report_closed",
        )
    return project


def add_session(project: MicroProject, actor, *, held_on: datetime.date, present: int, reserved_present: int):
    """Record one session: `present` children attended, `reserved_present` of them with a reserved place."""
    with transaction.atomic():
        project = _locked_for_provider(project, actor)
        if not project.starts_on <= held_on <= project.ends_on:
            raise CollectiveError(
                _("L'incontro deve cadere tra il %(start)s e il %(end)s, le date del progetto.")
                % {"start": project.starts_on.strftime("%d/%m/%Y"), "end": project.ends_on.strftime("%d/%m/%Y")},
                code="collective.report_date",
            )
        listed = project.participants.count()
        referred = project.participants.filter(referrer__isnull=False).count()
        if present > listed:
            raise CollectiveError(
                _("I presenti (%(n)s) non possono superare i bambini dell'elenco nominativo (%(m)s).")
                % {"n": present, "m": listed},
                code="collective.report_present",
            )
        if reserved_present > present or reserved_present > referred:
            raise CollectiveError(
                _(
                    "I posti riservati usati (%(n)s) non possono superare i presenti né i bambini segnalati "
                    "dell'elenco (%(m)s)."
                )
                % {"n": reserved_present, "m": referred},
                code="collective.report_reserved",
            )
        session = AttendanceSession.objects.create(
            project=project, held_on=held_on, present=present, reserved_present=reserved_present
        )
        log_action(
            actor, "collective.report.session_added", project,
            {"session": session.pk, "present": present, "reserved_present": reserved_present},
        )  # fmt: skip
    return session


def add_cost(project: MicroProject, actor, *, description: str, amount: Decimal, document) -> CostItem:
    """Record one cost (EUR, positive) with its document (an upload already checked by the form)."""
    if amount <= 0:
        raise CollectiveError(_("L'importo della spesa deve essere positivo."), code="collective.report_amount")
    if not document:
        raise CollectiveError(_("Allega il documento giustificativo della spesa."), code="collective.report_document")
    with transaction.atomic():
        project = _locked_for_provider(project, actor)
        cost = CostItem.objects.create(
            project=project, description=description.strip(), amount=amount, document=document
        )
        log_action(actor, "collective.report.cost_added", project, {"cost": cost.pk, "amount": str(amount)})
    return cost


def remove_line(project: MicroProject, actor, *, kind: str, line_id: int | None) -> MicroProject:
    """Take a session (`kind` "session") or a cost ("cost") out of a report not yet sent (or sent back); the removal
    is in the audit trail. Returns the project. Raises CollectiveError "collective.report_line" when the project has
    no such line."""
    with transaction.atomic():
        project = _locked_for_provider(project, actor)
        lines = project.sessions if kind == "session" else project.costs
        removed = lines.filter(pk=line_id).first() if line_id else None
        if removed is None:
            raise CollectiveError(_("Riga non trovata."), code="collective.report_line")
        data = {kind: removed.pk}
        if isinstance(removed, CostItem):
            data["amount"] = str(removed.amount)
            removed.document.delete(save=False)
        removed.delete()
        log_action(actor, "collective.report.line_removed", project, data)
    return project


def submit(project: MicroProject, actor) -> MicroProject:
    """Send the report to the City: at least one session and one cost."""
    with transaction.atomic():
        project = _locked_for_provider(project, actor)
        if not project.sessions.exists() or not project.costs.exists():
            raise CollectiveError(
                _("La rendicontazione deve avere almeno un incontro con le presenze e una spesa documentata."),
                code="collective.report_empty",
            )
        before = project.report_state
        project.report_state = ReportState.SUBMITTED
        project.report_submitted_at = timezone.now()
        project.save(update_fields=["report_state", "report_submitted_at"])
        log_action(
            actor, "collective.report.submitted", project, {"costs": str(costs_total(project))},
            from_state=before or "not-sent", to_state=ReportState.SUBMITTED,
        )  # fmt: skip
    return project


def _decide(project: MicroProject, actor, to_state: str, reason: str) -> MicroProject:
    if not is_city(actor):
        raise CollectiveError(_("Solo il Comune esamina la rendicontazione."), code="collective.city_only")
    with transaction.atomic():
        project = MicroProject.objects.select_for_update().get(pk=project.pk)
        if project.report_state != ReportState.SUBMITTED:
            raise CollectiveError(
                _("La rendicontazione non è in attesa di esame."), code="collective.report_not_submitted"
            )
        project.report_state = to_state
        project.report_decided_at = timezone.now()
        project.report_reason = reason
        project.save(update_fields=["report_state", "report_decided_at", "report_reason"])
        log_action(
            actor, f"collective.report.{to_state}", project, {"costs": str(costs_total(project))},
            from_state=ReportState.SUBMITTED, to_state=to_state, reason=reason,
        )  # fmt: skip
    return project


def approve(project: MicroProject, actor, note: str = "") -> MicroProject:
    """The City approves the report (an optional note): the balance becomes payable (`collective.grants`)."""
    return _decide(project, actor, ReportState.APPROVED, note.strip())


def send_back(project: MicroProject, actor, reason: str) -> MicroProject:
    """The City sends the report back to the provider with a written reason; the provider corrects and resends."""
    if not reason.strip():
        raise CollectiveError(_("Scrivi il motivo per cui la rendicontazione va corretta."), code="collective.reason")
    return _decide(project, actor, ReportState.RETURNED, reason.strip())
