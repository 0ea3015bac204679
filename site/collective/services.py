"""Every state change of the collective-voucher call: each checks its rule, changes the rows and writes its entry
in the one audit trail (`core.audit.log_action`, actions "collective.<object>.<what>") in one transaction.

Refusals raise `collective.errors.CollectiveError` (Italian message, code "collective.<what>"). Times are aware
datetimes; windows are compared as instants, so a window closing at 15:00 Europe/Rome closes at 15:00 Rome time on
every day of the year, DST change days included. The nominal lists' steps are in `collective.nominal_lists`.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.facts import providers_for_user
from collective.errors import CollectiveError
from collective.funding import Candidate, select
from collective.models import (
    Application,
    BudgetLine,
    Challenge,
    CollectiveCall,
    CommitteeMember,
    CriterionScore,
    MicroProject,
    Score,
)
from core.audit import log_action

CENT = Decimal("0.01")


def is_city(user) -> bool:
    """City staff running the call: permission `collective.change_collectivecall` (superusers have it)."""
    return user.is_authenticated and user.has_perm("collective.change_collectivecall")


def provider_ids(user) -> list[int]:
    """The providers this user works for (`catalog.facts.providers_for_user`)."""
    return [provider.id for provider in providers_for_user(user)]


def _open(call: CollectiveCall):
    if call.committee_closed:
        raise CollectiveError(
            _("La commissione ha chiuso i lavori: nulla è più modificabile."), code="collective.closed"
        )


# --- Providers -------------------------------------------------------------------------------------------------


def create_application(call: CollectiveCall, provider_id: int, actor) -> Application:
    """A draft application of a provider the actor works for (only providers admitted to the Elenco have staff)."""
    if provider_id not in provider_ids(actor):
        raise CollectiveError(
            _("Puoi presentare domande solo per gli enti per cui lavori."), code="collective.provider"
        )
    _open(call)
    with transaction.atomic():
        application = Application.objects.create(call=call, provider_id=provider_id)
        log_action(actor, "collective.application.created", application, {"call": call.pk}, to_state="draft")
    return application


def check_project(project: MicroProject, call: CollectiveCall) -> list[str]:
    """What keeps a micro-project from being submitted, in Italian (empty when none)."""
    problems = []
    if not project.challenges or any(code not in Challenge.values for code in project.challenges):
        problems.append(_("indicare almeno una delle sei sfide"))
    if project.age_min > project.age_max:
        problems.append(_("l'età minima supera la massima"))
    required = call.required_reserved(project.planned_participants)
    if project.reserved_places < required or project.reserved_places > project.planned_participants:
        problems.append(
            _("i posti riservati a bambini segnalati devono essere almeno %(n)s (il %(share)s%% dei previsti)")
            % {"n": required, "share": call.reserved_share}
        )
    if project.ends_on > call.activities_end or project.starts_on > project.ends_on:
        problems.append(
            _("le attività devono concludersi entro il %(date)s") % {"date": call.activities_end.strftime("%d/%m/%Y")}
        )
    lines = sum((line.amount for line in project.budget_lines.all()), Decimal("0"))
    if lines != project.amount_asked:
        problems.append(_("la somma delle voci di spesa deve essere pari all'importo richiesto"))
    return problems


def save_project(application: Application, actor, project: MicroProject, lines: list[tuple[str, Decimal]]):
    """Add or change a micro-project of a draft application, with its budget lines (description, EUR)."""
    if application.state != Application.State.DRAFT:
        raise CollectiveError(_("Solo le bozze si possono modificare."), code="collective.not_draft")
    with transaction.atomic():
        project.application = application
        project.save()
        project.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(BudgetLine(project=project, description=d, amount=a) for d, a in lines)
        log_action(actor, "collective.project.saved", project, {"application": application.pk})
    return project


def submit(application: Application, actor, at: datetime.datetime | None = None) -> Application:
    """Draft → submitted inside an open window; gives the receipt's protocol code "VC-<year in Rome>-<000000>"."""
    at = at or timezone.now()
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        call = application.call
        if application.provider_id not in provider_ids(actor):
            raise CollectiveError(_("Puoi inviare solo le domande dei tuoi enti."), code="collective.provider")
        if application.state != Application.State.DRAFT:
            raise CollectiveError(_("La domanda è già stata inviata o ritirata."), code="collective.not_draft")
        window = call.open_window(at)
        if window is None:
            raise CollectiveError(
                _("Nessuna finestra dell'avviso è aperta in questo momento."), code="collective.window"
            )
        projects = list(application.projects.prefetch_related("budget_lines"))
        if not projects:
            raise CollectiveError(
                _("La domanda deve contenere almeno una micro-progettazione."), code="collective.empty"
            )
        for project in projects:
            problems = check_project(project, call)
            if problems:
                raise CollectiveError(
                    _("«%(title)s»: %(problems)s.") % {"title": project.title, "problems": "; ".join(problems)},
                    code="collective.project_invalid",
                )
        application.state = Application.State.SUBMITTED
        application.submitted_at = at
        application.window = window
        application.protocol = f"VC-{timezone.localtime(at).year}-{application.pk:06d}"
        application.save(update_fields=["state", "submitted_at", "window", "protocol"])
        log_action(
            actor, "collective.application.submitted", application, {"protocol": application.protocol},
            from_state="draft", to_state="submitted",
        )  # fmt: skip
    return application


def withdraw(application: Application, actor, at: datetime.datetime | None = None) -> Application:
    """Submitted → withdrawn, only while the window it was submitted in is still open."""
    at = at or timezone.now()
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",)).select_related("window").get(pk=application.pk)
        )
        if application.provider_id not in provider_ids(actor):
            raise CollectiveError(_("Puoi ritirare solo le domande dei tuoi enti."), code="collective.provider")
        if application.state != Application.State.SUBMITTED or not application.window.is_open(at):
            raise CollectiveError(
                _("Si può ritirare solo una domanda inviata, prima della chiusura della finestra."),
                code="collective.withdraw",
            )
        application.state = Application.State.WITHDRAWN
        application.save(update_fields=["state"])
        log_action(actor, "collective.application.withdrawn", application, from_state="submitted", to_state="withdrawn")
    return application


# --- Committee -------------------------------------------------------------------------------------------------


def member_for(user, call: CollectiveCall) -> CommitteeMember | None:
    if not user.is_authenticated:
        return None
    return CommitteeMember.objects.filter(call=call, user=user).first()


def declare(member: CommitteeMember, conflict_provider_ids: list[int], actor) -> CommitteeMember:
    """The member's one declaration of conflicts of interest (ANAC guideline 15/2019), before seeing proposals."""
    with transaction.atomic():
        member = CommitteeMember.objects.select_for_update().get(pk=member.pk)
        _open(member.call)
        if member.user_id != actor.pk:
            raise CollectiveError(_("Ogni componente dichiara per sé."), code="collective.declare_self")
        if member.declared_at:
            raise CollectiveError(_("La dichiarazione è già stata resa."), code="collective.declared")
        member.declared_at = timezone.now()
        member.save(update_fields=["declared_at"])
        member.conflicts.set(conflict_provider_ids)
        log_action(actor, "collective.member.declared", member, {"conflicts": sorted(conflict_provider_ids)})
    return member


def visible_projects(member: CommitteeMember | None):
    """The submitted micro-projects this member may see: none before the declaration, never a conflicted
    provider's."""
    if member is None or member.declared_at is None:
        return MicroProject.objects.none()
    return MicroProject.objects.filter(
        application__call_id=member.call_id, application__state=Application.State.SUBMITTED
    ).exclude(application__provider_id__in=member.conflicts.values("pk"))


def record_score(member: CommitteeMember, project: MicroProject, points: dict[int, Decimal], actor) -> Score:
    """The member's score: points per criterion id, each 0..weight, every criterion scored once; final."""
    with transaction.atomic():
        call = CollectiveCall.objects.select_for_update().get(pk=member.call_id)
        member = CommitteeMember.objects.get(pk=member.pk)
        _open(call)
        if member.user_id != actor.pk or not visible_projects(member).filter(pk=project.pk).exists():
            raise CollectiveError(_("Non puoi valutare questa proposta."), code="collective.cannot_score")
        if Score.objects.filter(project=project, member=member).exists():
            raise CollectiveError(_("Hai già valutato questa proposta."), code="collective.scored")
        criteria = list(call.criteria.all())
        if set(points) != {c.pk for c in criteria}:
            raise CollectiveError(_("Assegna un punteggio a ogni criterio."), code="collective.incomplete")
        for criterion in criteria:
            value = points[criterion.pk]
            if not (Decimal("0") <= value <= criterion.weight):
                raise CollectiveError(
                    _("«%(title)s»: da 0 a %(weight)s punti.") % {"title": criterion.title, "weight": criterion.weight},
                    code="collective.points",
                )
        total = sum((points[c.pk] for c in criteria), Decimal("0"))
        score = Score.objects.create(project=project, member=member, total=total)
        CriterionScore.objects.bulk_create(
            CriterionScore(score=score, criterion=c, points=points[c.pk]) for c in criteria
        )
        log_action(actor, "collective.score.recorded", score, {"project": project.pk, "total": str(total)})
    return score


def needs_reconciliation(project: MicroProject, call: CollectiveCall) -> bool:
    totals = [score.total for score in project.scores.all()]
    return len(totals) >= 2 and max(totals) - min(totals) > call.reconciliation_gap


def computed_score(project: MicroProject, call: CollectiveCall) -> Decimal | None:
    """The final score: the reconciled one if recorded, else the mean of at least two scores that agree within the
    call's gap; None while fewer than two scores exist or reconciliation is pending."""
    if project.final_score is not None:
        return project.final_score
    totals = [score.total for score in project.scores.all()]
    if len(totals) < 2 or needs_reconciliation(project, call):
        return None
    return (sum(totals, Decimal("0")) / len(totals)).quantize(CENT, ROUND_HALF_UP)


def reconcile(project: MicroProject, member: CommitteeMember, score: Decimal, reason: str, actor) -> MicroProject:
    """The committee's agreed final score (0-100) for a proposal whose totals differ by more than the gap."""
    with transaction.atomic():
        project = MicroProject.objects.select_for_update().get(pk=project.pk)
        call = CollectiveCall.objects.get(pk=member.call_id)
        member = CommitteeMember.objects.get(pk=member.pk)
        _open(call)
        if member.user_id != actor.pk or not visible_projects(member).filter(pk=project.pk).exists():
            raise CollectiveError(_("Non puoi valutare questa proposta."), code="collective.cannot_score")
        if not needs_reconciliation(project, call) or project.final_score is not None:
            raise CollectiveError(_("Questa proposta non richiede una conciliazione."), code="collective.no_reconcile")
        if not reason.strip() or not (Decimal("0") <= score <= 100):
            raise CollectiveError(
                _("Indica un punteggio da 0 a 100 e la motivazione scritta."), code="collective.reconcile_input"
            )
        project.final_score = score.quantize(CENT, ROUND_HALF_UP)
        project.final_reason = reason.strip()
        project.save(update_fields=["final_score", "final_reason"])
        log_action(actor, "collective.project.reconciled", project, {"score": str(project.final_score)}, reason=reason)
    return project


def progress(call: CollectiveCall) -> dict:
    """ "n of m scored": per member (proposals they scored / proposals they may see) and per proposal (scores / 2)."""
    members = list(call.members.select_related("user"))
    return {
        "members": [(member, member.scores.count(), visible_projects(member).count()) for member in members],
    }


def fund(call: CollectiveCall, actor) -> list[MicroProject]:
    """City staff close the committee and fund: every submitted proposal needs a final score; those at or above
    the threshold are funded by score (ties by the call's rule) while the amount fits the remaining budget. The
    committee is closed: no score, declaration or reconciliation can change afterwards."""
    if not is_city(actor):
        raise CollectiveError(_("Solo il Comune decide il finanziamento."), code="collective.city_only")
    with transaction.atomic():
        call = CollectiveCall.objects.select_for_update().get(pk=call.pk)
        _open(call)
        projects = list(
            MicroProject.objects.filter(application__call=call, application__state=Application.State.SUBMITTED)
            .select_related("application")
            .prefetch_related("scores")
        )
        candidates = []
        for project in projects:
            score = computed_score(project, call)
            if score is None:
                raise CollectiveError(
                    _("«%(title)s» non ha ancora un punteggio finale.") % {"title": project.title},
                    code="collective.unscored",
                )
            project.final_score = score
            candidates.append(Candidate(project.pk, score, project.amount_asked, project.application.submitted_at))
        funded = {c.id for c in select(candidates, call.budget, Decimal(call.threshold), call.tie_rule)}
        for project in projects:
            project.funding = MicroProject.Funding.FUNDED if project.pk in funded else MicroProject.Funding.NOT_FUNDED
            project.funded_amount = project.amount_asked if project.pk in funded else None
            project.save(update_fields=["final_score", "funding", "funded_amount"])
            log_action(
                actor, f"collective.project.{project.funding}", project,
                {"score": str(project.final_score), "amount": str(project.funded_amount or "0.00")},
                to_state=project.funding,
            )  # fmt: skip
        call.committee_closed_at = timezone.now()
        call.save(update_fields=["committee_closed_at"])
        log_action(actor, "collective.call.committee_closed", call, {"funded": sorted(funded)})
    return [project for project in projects if project.pk in funded]


def publish(call: CollectiveCall, actor) -> None:
    """Publish the result (provider, title, score, amount of the funded proposals) once the committee closed."""
    with transaction.atomic():
        call = CollectiveCall.objects.select_for_update().get(pk=call.pk)
        if not is_city(actor) or not call.committee_closed:
            raise CollectiveError(
                _("Gli esiti si pubblicano dopo la chiusura della commissione."), code="collective.publish"
            )
        call.results_published = True
        call.save(update_fields=["results_published"])
        log_action(actor, "collective.call.published", call)
