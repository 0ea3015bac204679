"""The collective-voucher call's money and accounts in the Wagtail admin: a funded project's report (provider
and City), its costs' supporting documents, the grant payments and the call's exports.

Split from `collective.admin_views` (issue 9: modules along the domain), whose docstring holds the access matrix;
the City check `_city` stays there. A report's supporting documents go to the provider's own staff and City staff
only (404 to anyone else), each read logged as "sensitive.read".
"""

from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from collective import exports, grants, reports, services
from collective.admin_views import _city, _done, funded_project
from collective.forms import CostForm, ReportDecisionForm, SessionForm
from collective.models import CollectiveCall, CostItem, GrantEntry, MicroProject
from config.private_files import private_file_response
from core.audit import log_sensitive_read
from core.errors import act
from core.http import attachment
from theme.input import parse_id

ZERO = Decimal("0.00")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    project = funded_project(pk, application__provider_id__in=services.provider_ids(request.user))
    action = request.POST.get("action") if request.method == "POST" else None
    session_form = SessionForm(request.POST if action == "session" else None, prefix="s")
    cost_form = CostForm(
        request.POST if action == "cost" else None, request.FILES if action == "cost" else None, prefix="c"
    )
    done = False
    if action == "session" and session_form.is_valid():
        done = _done(
            request,
            lambda: reports.add_session(project, request.user, **session_form.cleaned_data),
            _("Incontro registrato."),
        )
    elif action == "cost" and cost_form.is_valid():
        done = _done(
            request,
            lambda: reports.add_cost(project, request.user, **cost_form.cleaned_data),
            _("Spesa registrata."),
        )
    elif action in ("remove-session", "remove-cost"):
        kind, line = action.removeprefix("remove-"), parse_id(request.POST.get("line"))
        done = _done(
            request,
            lambda: reports.remove_line(project, request.user, kind=kind, line_id=line),
            _("Riga eliminata."),
        )
    elif action == "submit":
        done = _done(request, lambda: reports.submit(project, request.user), _("Rendicontazione inviata al Comune."))
    if done:
        return redirect("collective_provider_report", pk=pk)
    context = _report_context(project)
    context.update({"session_form": session_form, "cost_form": cost_form, "listed": project.participants.count()})
    return TemplateResponse(request, "collective/admin/provider_report.html", context)


def city_report(request, pk: int):
    """The City examines a funded project's report: approves it (the balance becomes payable) or sends it back
    with a reason."""
    _city(request)
    project = funded_project(pk)
    action = request.POST.get("action") if request.method == "POST" else None
    form = ReportDecisionForm(request.POST if action in ("approve", "return") else None)
    if action in ("approve", "return") and form.is_valid():
        text = form.cleaned_data["text"]
        if action == "approve":
            done = _done(request, lambda: reports.approve(project, request.user, text), _("Rendicontazione approvata."))
        else:
            done = _done(
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
            act(request, lambda: grants.pay_advance(project, request.user), _("Anticipo pagato."))
        else:
            act(request, lambda: grants.pay_balance(project, request.user), _("Saldo pagato."))
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
    response = attachment(content, content_type, f"{call.code}-{stamp}-{name}")
    response["Cache-Control"] = "private, no-store"
    return response
