"""The collective-voucher call in the Wagtail admin: providers' applications, the committee's work, the City's
decisions and nominal lists.

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

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from collective import exports, grants, reports, services
from collective.errors import CollectiveError
from collective.forms import (
    AcceptListForm,
    ApplicationCreateForm,
    CostForm,
    DeclarationForm,
    ParticipantForm,
    ProjectForm,
    ReconcileForm,
    ReferralForm,
    ReportDecisionForm,
    ScoreForm,
    SessionForm,
)
from collective.models import Application, CollectiveCall, CommitteeMember, CostItem, GrantEntry, MicroProject
from config.private_files import private_file_response
from core.audit import log_sensitive_read, log_sensitive_reads
from theme.input import parse_id

ZERO = Decimal("0.00")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _run(request, action, success: str) -> bool:
    try:
        action()
    except CollectiveError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


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
        if _run(
            request,
            lambda: services.save_project(application, request.user, project_form.save(commit=False), lines),
            _("Micro-progettazione salvata."),
        ):
            return redirect("collective_application", pk=pk)
    if action == "submit":
        _run(
            request,
            lambda: services.submit(application, request.user),
            _("Domanda inviata: conserva il numero di protocollo come ricevuta."),
        )
        return redirect("collective_application", pk=pk)
    if action == "withdraw":
        _run(request, lambda: services.withdraw(application, request.user), _("Domanda ritirata."))
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


def provider_participants(request, pk: int):
    """The provider's nominal list of a funded project: referred children show as «posto riservato» only."""
    project = get_object_or_404(
        MicroProject.objects.select_related("application__call"),
        pk=pk,
        application__provider_id__in=services.provider_ids(request.user),
        funding=MicroProject.Funding.FUNDED,
    )
    form = ParticipantForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            lambda: services.add_participant(project, request.user, **form.cleaned_data),
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
        and _run(
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
        _run(
            request,
            lambda: services.record_score(member, project, score_form.points(), request.user),
            _("Punteggio registrato."),
        )
        return redirect("collective_committee_project", pk=pk)
    if action == "reconcile" and reconcile_form.is_valid():
        data = reconcile_form.cleaned_data
        _run(
            request,
            lambda: services.reconcile(project, member, data["score"], data["reason"], request.user),
            _("Punteggio finale registrato."),
        )
        return redirect("collective_committee_project", pk=pk)
    scores = list(project.scores.select_related("member__user").prefetch_related("lines__criterion"))
    mine = next((score for score in scores if score.member_id == member.pk), None)
    participants = list(project.participants.select_related("referrer"))
    if participants:
        log_sensitive_reads(request.user, participants, ["fiscal_code", "referrer"], via="collective_committee_project")
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
        _run(request, lambda: services.fund(call, request.user), _("Commissione chiusa e finanziamenti decisi."))
        return redirect("collective_call_outcome", pk=pk)
    if action == "publish":
        _run(request, lambda: services.publish(call, request.user), _("Esiti pubblicati."))
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
    project = get_object_or_404(
        MicroProject.objects.select_related("application__provider", "application__call"),
        pk=pk,
        funding=MicroProject.Funding.FUNDED,
    )
    action = request.POST.get("action") if request.method == "POST" else None
    referral_form = ReferralForm(request.POST if action == "refer" else None)
    accept_form = AcceptListForm(request.POST if action == "accept" else None)
    if (
        action == "refer"
        and referral_form.is_valid()
        and _run(
            request,
            lambda: services.add_participant(project, request.user, **referral_form.cleaned_data),
            _("Segnalazione registrata."),
        )
    ):
        return redirect("collective_city_participants", pk=pk)
    if (
        action == "accept"
        and accept_form.is_valid()
        and _run(
            request,
            lambda: services.accept_list(project, request.user, exception=accept_form.cleaned_data["exception"]),
            _("Elenco nominativo accettato."),
        )
    ):
        return redirect("collective_city_participants", pk=pk)
    participants = list(project.participants.select_related("referrer"))
    if participants:
        log_sensitive_reads(request.user, participants, ["fiscal_code", "referrer"], via="collective_city_participants")
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


# --- Reports, grants and exports -------------------------------------------------------------------------------


def _report_context(project: MicroProject) -> dict:
    sessions = list(project.sessions.all())
    return {
        "project": project,
        "sessions": sessions,
        "costs": list(project.costs.all()),
        "costs_total": reports.costs_total(project),
        "present_total": sum(s.present for s in sessions),
        "reserved_total": sum(s.reserved_present for s in sessions),
        "entries": list(project.grant_entries.all()),
        "paid": grants.paid(project),
        "editable": project.report_state in reports.EDITABLE,
    }


def provider_report(request, pk: int):
    """The provider's report of a funded project: sessions with attendance, costs with documents, sending it."""
    project = get_object_or_404(
        MicroProject.objects.select_related("application__call", "application__provider"),
        pk=pk,
        application__provider_id__in=services.provider_ids(request.user),
        funding=MicroProject.Funding.FUNDED,
    )
    action = request.POST.get("action") if request.method == "POST" else None
    session_form = SessionForm(request.POST if action == "session" else None, prefix="s")
    cost_form = CostForm(
        request.POST if action == "cost" else None, request.FILES if action == "cost" else None, prefix="c"
    )
    done = False
    if action == "session" and session_form.is_valid():
        done = _run(
            request,
            lambda: reports.add_session(project, request.user, **session_form.cleaned_data),
            _("Incontro registrato."),
        )
    elif action == "cost" and cost_form.is_valid():
        done = _run(
            request, lambda: reports.add_cost(project, request.user, **cost_form.cleaned_data), _("Spesa registrata.")
        )
    elif action in ("remove-session", "remove-cost"):
        kind, line = action.removeprefix("remove-"), parse_id(request.POST.get("line"))
        done = _run(
            request, lambda: reports.remove_line(project, request.user, kind=kind, line_id=line), _("Riga eliminata.")
        )
    elif action == "submit":
        done = _run(request, lambda: reports.submit(project, request.user), _("Rendicontazione inviata al Comune."))
    if done:
        return redirect("collective_provider_report", pk=pk)
    context = _report_context(project)
    context.update({"session_form": session_form, "cost_form": cost_form, "listed": project.participants.count()})
    return TemplateResponse(request, "collective/admin/provider_report.html", context)


def city_report(request, pk: int):
    """The City examines a funded project's report: approves it (the balance becomes payable) or sends it back
    with a reason."""
    _city(request)
    project = get_object_or_404(
        MicroProject.objects.select_related("application__call", "application__provider"),
        pk=pk,
        funding=MicroProject.Funding.FUNDED,
    )
    action = request.POST.get("action") if request.method == "POST" else None
    form = ReportDecisionForm(request.POST if action in ("approve", "return") else None)
    if action in ("approve", "return") and form.is_valid():
        text = form.cleaned_data["text"]
        if action == "approve":
            done = _run(request, lambda: reports.approve(project, request.user, text), _("Rendicontazione approvata."))
        else:
            done = _run(
                request,
                lambda: reports.send_back(project, request.user, text),
                _("Rendicontazione rinviata all'ente."),
            )
        if done:
            return redirect("collective_city_report", pk=pk)
    context = _report_context(project)
    context["form"] = form
    return TemplateResponse(request, "collective/admin/city_report.html", context)


def cost_document(request, pk: int):
    """A cost's supporting document, to the provider's staff and City staff only (404 otherwise); the read is
    logged."""
    cost = get_object_or_404(CostItem.objects.select_related("project__application"), pk=pk)
    if not reports.may_read(request.user, cost.project):
        raise Http404
    log_sensitive_read(request.user, cost, ["document"], via="collective_cost_document")
    return private_file_response(cost.document, f"spesa-{cost.project_id}-{cost.pk}")


def call_grants(request, pk: int):
    """The City's office pays the grants of a call's funded projects, tranche by tranche, through the grant ledger:
    the advance once the nominal list is accepted, the balance once the report is approved. A second request for
    a tranche already paid (a double click, another tab) is refused, never paid twice."""
    _city(request)
    call = get_object_or_404(CollectiveCall, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        project = MicroProject.objects.filter(
            pk=parse_id(request.POST.get("project")), application__call=call, funding=MicroProject.Funding.FUNDED
        ).first()
        if project is None or action not in ("advance", "balance"):
            messages.error(request, _("Scegli un progetto finanziato e la tranche da pagare."))
        elif action == "advance":
            _run(request, lambda: grants.pay_advance(project, request.user), _("Anticipo pagato."))
        else:
            _run(request, lambda: grants.pay_balance(project, request.user), _("Saldo pagato."))
        return redirect("collective_call_grants", pk=pk)
    projects = list(
        MicroProject.objects.filter(application__call=call, funding=MicroProject.Funding.FUNDED)
        .select_related("application__provider")
        .prefetch_related("grant_entries")
        .order_by("pk")
    )
    rows = []
    for project in projects:
        entries = {entry.kind: entry for entry in project.grant_entries.all()}
        rows.append(
            {
                "project": project,
                "advance": entries.get(GrantEntry.Kind.ADVANCE),
                "balance": entries.get(GrantEntry.Kind.BALANCE),
                "paid": sum((entry.amount for entry in entries.values()), ZERO),
            }
        )
    return TemplateResponse(
        request,
        "collective/admin/call_grants.html",
        {
            "call": call,
            "rows": rows,
            "funded_total": sum((p.funded_amount for p in projects), ZERO),
            "paid_total": sum((row["paid"] for row in rows), ZERO),
            "tables": [
                ("progetti", _("Micro-progettazioni")),
                ("pagamenti", _("Pagamenti")),
                ("spese", _("Spese")),
                ("presenze", _("Presenze")),
            ],
        },
    )


def call_export(request, pk: int):
    """The call's statements: `?formato=xlsx` (every sheet) or `?formato=csv&tabella=<one of exports.TABLES>`."""
    _city(request)
    call = get_object_or_404(CollectiveCall, pk=pk)
    stamp = timezone.localtime().strftime("%Y%m%d")
    if request.GET.get("formato") == "csv":
        table = request.GET.get("tabella", "")
        if table not in exports.TABLES:
            raise Http404
        content, content_type, name = exports.csv_table(call, table), "text/csv; charset=utf-8", f"{table}.csv"
    else:
        content, content_type, name = exports.workbook(call), XLSX, "rendiconto.xlsx"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{call.code}-{stamp}-{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
