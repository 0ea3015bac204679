"""The collective-voucher call in the Wagtail admin: providers' applications, the committee's work, the City's
decisions and nominal lists (reports, grant payments and exports: `collective.admin_report_views`).

Who sees what (the access matrix tested in tests/collective/test_access.py):
- a provider's staff: their own providers' applications and micro-projects, their scores and reasons once the
  committee closed, their nominal list with «posto riservato» (never who referred);
- a committee member: after declaring conflicts, the submitted proposals of providers they are not tied to
  (404 otherwise), others' scores only after their own, the referral flags with the referrer (logged reads);
- City staff (`collective.change_collectivecall`): every proposal, progress, funding, referrals (logged reads),
  the grant payments, every report and the exports;
- a report's supporting documents: the provider's own staff and City staff only (404 to anyone else), each read
  logged as "sensitive.read".
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from collective import nominal_lists, services
from collective.errors import CollectiveError
from collective.forms import (
    AcceptListForm,
    ApplicationCreateForm,
    DeclarationForm,
    ParticipantForm,
    ProjectForm,
    ReconcileForm,
    ReferralForm,
    ScoreForm,
)
from collective.models import Application, CollectiveCall, CommitteeMember, MicroProject
from core.audit import log_sensitive_reads
from core.errors import act

# --- Providers -------------------------------------------------------------------------------------------------


def application_list(request):
    providers = services.providers_for_user(request.user)
    if not providers:
        raise PermissionDenied
    now = timezone.now()
    calls = [call for call in CollectiveCall.objects.filter(committee_closed_at__isnull=True) if call.open_window(now)]
    form = ApplicationCreateForm(request.POST or None, calls=calls, providers=providers)
    if request.method == "POST" and form.is_valid():
        call = get_object_or_404(CollectiveCall, pk=form.cleaned_data["call"])
        try:
            application = services.create_application(call, form.cleaned_data["provider"], request.user)
        except CollectiveError as error:
            messages.error(request, error.message)
        else:
            return redirect("collective_application", pk=application.pk)
    applications = (
        Application.objects.filter(provider_id__in=[p.id for p in providers])
        .select_related("call", "provider")
        .order_by("-created_at", "-pk")
    )
    return TemplateResponse(
        request, "collective/admin/application_list.html", {"applications": applications, "form": form, "calls": calls}
    )


def application_detail(request, pk: int):
    application = get_object_or_404(
        Application.objects.select_related("call", "provider", "window"),
        pk=pk,
        provider_id__in=services.provider_ids(request.user),
    )
    call = application.call
    action = request.POST.get("action") if request.method == "POST" else None
    project_form = ProjectForm(request.POST if action == "project" else None, prefix="p")
    if action == "project" and project_form.is_valid():
        lines = project_form.cleaned_data["budget"]
        if _done(
            request,
            lambda: services.save_project(application, request.user, project_form.save(commit=False), lines),
            _("Micro-progettazione salvata."),
        ):
            return redirect("collective_application", pk=pk)
    if action == "submit":
        act(
            request,
            lambda: services.submit(application, request.user),
            _("Domanda inviata: conserva il numero di protocollo come ricevuta."),
        )
        return redirect("collective_application", pk=pk)
    if action == "withdraw":
        act(request, lambda: services.withdraw(application, request.user), _("Domanda ritirata."))
        return redirect("collective_application", pk=pk)
    projects = list(application.projects.prefetch_related("budget_lines", "participants", "scores__lines__criterion"))
    for project in projects:
        project.problems = services.check_project(project, call) if application.state == "draft" else []
    return TemplateResponse(
        request,
        "collective/admin/application_detail.html",
        {
            "application": application,
            "call": call,
            "projects": projects,
            "project_form": project_form,
            "closed": call.committee_closed,
            "required_share": call.reserved_share,
        },
    )


def funded_project(pk: int, **lookups) -> MicroProject:
    """The funded micro-project `pk`, with its call and provider, narrowed by `lookups`
    (`application__provider_id__in=...` for a provider's own); Http404 otherwise."""
    return get_object_or_404(
        MicroProject.objects.select_related("application__call", "application__provider"),
        pk=pk,
        funding=MicroProject.Funding.FUNDED,
        **lookups,
    )


def _done(request, step, success: str) -> bool:
    """Run `step` through `core.errors.act` (success or refusal told as a message): True when it ran and returned
    what it made, False when it was refused."""
    return act(request, step, success) is not None


def _participants_read(request, project: MicroProject, via: str) -> list:
    """The project's participants with their referrers, for staff: the read of their tax codes and referrals is
    logged in the audit trail (`via`: the URL name of the page that shows them)."""
    participants = list(project.participants.select_related("referrer"))
    if participants:
        log_sensitive_reads(request.user, participants, ["fiscal_code", "referrer"], via=via)
    return participants


def provider_participants(request, pk: int):
    """The provider's nominal list of a funded project: referred children show as «posto riservato» only."""
    project = funded_project(pk, application__provider_id__in=services.provider_ids(request.user))
    form = ParticipantForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _done(
            request,
            lambda: nominal_lists.add_participant(project, request.user, **form.cleaned_data),
            _("Partecipante aggiunto."),
        )
    ):
        return redirect("collective_provider_participants", pk=pk)
    return TemplateResponse(
        request,
        "collective/admin/provider_participants.html",
        {"project": project, "participants": project.participants.all(), "form": form},
    )


# --- Committee -------------------------------------------------------------------------------------------------


def committee_home(request):
    members = list(CommitteeMember.objects.filter(user=request.user).select_related("call"))
    if not members and not services.is_city(request.user):
        raise PermissionDenied
    rows = [(member, member.scores.count(), services.visible_projects(member).count()) for member in members]
    calls = CollectiveCall.objects.all() if services.is_city(request.user) else []
    return TemplateResponse(request, "collective/admin/committee_home.html", {"rows": rows, "calls": calls})


def _member(request, call_id: int) -> CommitteeMember:
    member = CommitteeMember.objects.select_related("call").filter(call_id=call_id, user=request.user).first()
    if member is None:
        raise Http404
    return member


def declaration(request, call_id: int):
    member = _member(request, call_id)
    providers = list(
        Application.objects.filter(call_id=call_id)
        .exclude(state=Application.State.DRAFT)
        .values_list("provider_id", "provider__title")
        .distinct()
        .order_by("provider__title")
    )
    form = DeclarationForm(request.POST or None, providers=providers)
    if (
        request.method == "POST"
        and form.is_valid()
        and _done(
            request,
            lambda: services.declare(member, form.cleaned_data["conflicts"], request.user),
            _("Dichiarazione registrata."),
        )
    ):
        return redirect("collective_committee_call", call_id=call_id)
    return TemplateResponse(
        request, "collective/admin/declaration.html", {"member": member, "form": form, "call": member.call}
    )


def committee_call(request, call_id: int):
    member = _member(request, call_id)
    if member.declared_at is None:
        return redirect("collective_declaration", call_id=call_id)
    projects = (
        services.visible_projects(member)
        .select_related("application__provider")
        .prefetch_related("scores")
        .order_by("pk")
    )
    rows = []
    for project in projects:
        mine = any(score.member_id == member.pk for score in project.scores.all())
        rows.append((project, mine, len(project.scores.all())))
    scored = sum(1 for _project, mine, _count in rows if mine)
    return TemplateResponse(
        request,
        "collective/admin/committee_call.html",
        {"member": member, "call": member.call, "rows": rows, "scored": scored, "total": len(rows)},
    )


def committee_project(request, pk: int):
    """A proposal for a committee member: 404 unless declared and not tied to its provider."""
    project = get_object_or_404(
        MicroProject.objects.select_related("application__call", "application__provider"), pk=pk
    )
    member = _member(request, project.application.call_id)
    if not services.visible_projects(member).filter(pk=pk).exists():
        raise Http404
    call = member.call
    criteria = list(call.criteria.all())
    action = request.POST.get("action") if request.method == "POST" else None
    score_form = ScoreForm(request.POST if action == "score" else None, criteria=criteria)
    reconcile_form = ReconcileForm(request.POST if action == "reconcile" else None)
    if action == "score" and score_form.is_valid():
        act(
            request,
            lambda: services.record_score(member, project, score_form.points(), request.user),
            _("Punteggio registrato."),
        )
        return redirect("collective_committee_project", pk=pk)
    if action == "reconcile" and reconcile_form.is_valid():
        data = reconcile_form.cleaned_data
        act(
            request,
            lambda: services.reconcile(project, member, data["score"], data["reason"], request.user),
            _("Punteggio finale registrato."),
        )
        return redirect("collective_committee_project", pk=pk)
    scores = list(project.scores.select_related("member__user").prefetch_related("lines__criterion"))
    mine = next((score for score in scores if score.member_id == member.pk), None)
    participants = _participants_read(request, project, "collective_committee_project")
    return TemplateResponse(
        request,
        "collective/admin/committee_project.html",
        {
            "project": project,
            "call": call,
            "criteria": criteria,
            "mine": mine,
            "others": [score for score in scores if mine and score.member_id != member.pk],
            "score_form": score_form,
            "reconcile_form": reconcile_form,
            "needs_reconciliation": services.needs_reconciliation(project, call) and project.final_score is None,
            "final": services.computed_score(project, call),
            "participants": participants,
            "closed": call.committee_closed,
        },
    )


# --- City ------------------------------------------------------------------------------------------------------


def _city(request):
    if not services.is_city(request.user):
        raise PermissionDenied


def call_outcome(request, pk: int):
    _city(request)
    call = get_object_or_404(CollectiveCall, pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "fund":
        act(request, lambda: services.fund(call, request.user), _("Commissione chiusa e finanziamenti decisi."))
        return redirect("collective_call_outcome", pk=pk)
    if action == "publish":
        act(request, lambda: services.publish(call, request.user), _("Esiti pubblicati."))
        return redirect("collective_call_outcome", pk=pk)
    projects = list(
        MicroProject.objects.filter(application__call=call, application__state=Application.State.SUBMITTED)
        .select_related("application__provider")
        .prefetch_related("scores")
        .order_by("pk")
    )
    rows = [(project, len(project.scores.all()), services.computed_score(project, call)) for project in projects]
    return TemplateResponse(
        request,
        "collective/admin/call_outcome.html",
        {"call": call, "rows": rows, "members": services.progress(call)["members"]},
    )


def city_participants(request, pk: int):
    """The City's view of a funded project's nominal list: referrals (who referred, logged reads), acceptance."""
    _city(request)
    project = funded_project(pk)
    action = request.POST.get("action") if request.method == "POST" else None
    referral_form = ReferralForm(request.POST if action == "refer" else None)
    accept_form = AcceptListForm(request.POST if action == "accept" else None)
    if (
        action == "refer"
        and referral_form.is_valid()
        and _done(
            request,
            lambda: nominal_lists.add_participant(project, request.user, **referral_form.cleaned_data),
            _("Segnalazione registrata."),
        )
    ):
        return redirect("collective_city_participants", pk=pk)
    if (
        action == "accept"
        and accept_form.is_valid()
        and _done(
            request,
            lambda: nominal_lists.accept_list(project, request.user, exception=accept_form.cleaned_data["exception"]),
            _("Elenco nominativo accettato."),
        )
    ):
        return redirect("collective_city_participants", pk=pk)
    participants = _participants_read(request, project, "collective_city_participants")
    return TemplateResponse(
        request,
        "collective/admin/city_participants.html",
        {
            "project": project,
            "participants": participants,
            "referred": sum(1 for p in participants if p.reserved),
            "referral_form": referral_form,
            "accept_form": accept_form,
        },
    )
