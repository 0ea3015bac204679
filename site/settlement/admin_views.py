"""Statements, payment data and the reconciliation report in the Wagtail admin.

Who sees what is `settlement.access`: a provider's operators their provider's statements, City staff with
`settlement.manage_statements` («Ufficio voucher») all of them, anyone else none (403, never an empty page that
hides the refusal). Every change goes through `settlement.statements`; refusals are shown as messages.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from booking.models import ServiceRequest
from core.audit import history_for, log_action
from core.errors import DomainError, act
from core.http import attachment
from settlement import access, dashboard, exports, reconciliation, statements
from settlement.forms import (
    BuildStatementForm,
    CityRequestFilterForm,
    PaidForm,
    PaymentDetailsForm,
    ReasonForm,
    StatementFilterForm,
)
from settlement.models import PaymentDetails, Statement, provider_model
from theme.input import parse_id

PER_PAGE = 50
FORMATS = ("xlsx", "csv")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_any(user) -> None:
    if not (access.manages_statements(user) or access.provider_ids(user)):
        raise PermissionDenied


def _filtered(request):
    form = StatementFilterForm(request.GET or None)
    found = access.visible_statements(request.user).select_related("provider")
    if form.is_valid():
        if form.cleaned_data["stato"]:
            found = found.filter(state=form.cleaned_data["stato"])
        if text := form.cleaned_data["ente"].strip():
            found = found.filter(
                Q(provider__title__icontains=text)
                | Q(provider__legal_name__icontains=text)
                | Q(provider__tax_code=text.upper())
            )
    return form, found.annotate(total_amount=Sum("lines__amount")).order_by("-period_end", "-pk")


def statement_list(request):
    _require_any(request.user)
    city = access.manages_statements(request.user)
    providers = access.provider_ids(request.user)
    build_form = BuildStatementForm(request.POST if request.method == "POST" else None, providers=providers, city=city)
    if request.method == "POST" and build_form.is_valid():
        data = build_form.cleaned_data
        try:
            statement = statements.build(
                provider=data["provider"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                actor=request.user,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Bozza del rendiconto creata: controllala e inviala al Comune."))
            return redirect("settlement_statement", pk=statement.pk)
    form, found = _filtered(request)
    query = request.GET.copy()
    query.pop("p", None)
    return TemplateResponse(
        request,
        "settlement/statement_list.html",
        {
            "statements": Paginator(found, PER_PAGE).get_page(request.GET.get("p")),
            "filter_form": form,
            "build_form": build_form,
            "query": query.urlencode(),
            "city": city,
        },
    )


def statement_detail(request, pk: int):
    _require_any(request.user)
    statement = get_object_or_404(access.visible_statements(request.user).select_related("provider"), pk=pk)
    city = access.manages_statements(request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    reason_form = ReasonForm(request.POST if action in ("send_back", "discard") else None)
    paid_form = PaidForm(request.POST if action == "paid" else None)
    actor = request.user
    simple = {
        "submit": (statements.submit, _("Rendiconto inviato al Comune.")),
        "approve": (statements.approve, _("Rendiconto approvato.")),
        "accounted": (statements.mark_accounted, _("Movimenti segnati come contabilizzati.")),
    }
    if action in simple:
        function, success = simple[action]
        act(request, lambda: function(statement, actor=actor), success)
        return redirect("settlement_statement", pk=pk)
    if action == "send_back" and reason_form.is_valid():
        reason = reason_form.cleaned_data["reason"]
        act(request, lambda: statements.send_back(statement, actor=actor, reason=reason), _("Rendiconto rinviato."))
        return redirect("settlement_statement", pk=pk)
    if action == "discard":
        reason = request.POST.get("reason", "")[:2000]
        act(request, lambda: statements.discard(statement, actor=actor, reason=reason), _("Rendiconto annullato."))
        return redirect("settlement_statement", pk=pk)
    if action == "paid" and paid_form.is_valid():
        data = paid_form.cleaned_data
        act(
            request,
            lambda: statements.mark_paid(statement, actor=actor, reference=data["reference"], date=data["date"]),
            _("Pagamento registrato."),
        )
        return redirect("settlement_statement", pk=pk)
    lines = statement.lines.select_related("order__quote__request__service", "entry__wallet")
    return TemplateResponse(
        request,
        "settlement/statement_detail.html",
        {
            "statement": statement,
            "lines": lines,
            "total": statement.total(),
            "city": city,
            "operator": access.works_for(request.user, statement.provider_id),
            "verified": PaymentDetails.current_verified(statement.provider_id),
            "reason_form": reason_form,
            "paid_form": paid_form,
            "history": history_for(statement, states_only=True),
        },
    )


def statement_export(request, pk: int, fmt: str):
    """One statement: XLSX (summary and movements) or CSV (movements)."""
    _require_any(request.user)
    if fmt not in FORMATS:
        raise Http404
    statement = get_object_or_404(access.visible_statements(request.user), pk=pk)
    if fmt == "xlsx":
        return attachment(exports.statement_workbook(statement), XLSX, f"rendiconto-{statement.pk}.xlsx")
    one = Statement.objects.filter(pk=statement.pk)
    content = exports.write_csv(exports.movement_columns(), exports.movement_rows(one))
    return attachment(content, "text/csv; charset=utf-8", f"rendiconto-{statement.pk}-movimenti.csv")


def list_export(request, what: str, fmt: str):
    """The filtered listing: statements (one row each) or their movements, as XLSX or CSV."""
    _require_any(request.user)
    if fmt not in FORMATS or what not in ("rendiconti", "movimenti"):
        raise Http404
    _form, found = _filtered(request)
    ids = Statement.objects.filter(pk__in=found.values("pk"))
    if what == "rendiconti":
        columns, rows, title = exports.statement_columns(), exports.statement_rows(ids), _("Rendiconti")
    else:
        columns, rows, title = exports.movement_columns(), exports.movement_rows(ids), _("Movimenti")
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        return attachment(exports.write_xlsx([(title, columns, rows, None)]), XLSX, f"{what}-{stamp}.xlsx")
    return attachment(exports.write_csv(columns, rows), "text/csv; charset=utf-8", f"{what}-{stamp}.csv")


def reconciliation_report(request):
    if not access.manages_statements(request.user):
        raise PermissionDenied
    return TemplateResponse(
        request, "settlement/reconciliation.html", {"report": reconciliation.reconcile(), "today": timezone.now()}
    )


# --- Payment data -----------------------------------------------------------------------------------------------


def payment_details(request):
    """Operators: their providers' payment data and a form for a change (pending until the City checks it).

    City staff: the changes waiting for a check, to verify or reject with a note.
    """
    _require_any(request.user)
    city = access.manages_statements(request.user)
    providers = access.provider_ids(request.user)
    if request.method == "POST" and request.POST.get("action") in ("verify", "reject"):
        if not city:
            raise PermissionDenied
        details = get_object_or_404(PaymentDetails, pk=parse_id(request.POST.get("details")))
        act(
            request,
            lambda: check_payment_details(
                details, actor=request.user, ok=request.POST["action"] == "verify", note=request.POST.get("note", "")
            ),
            _("Verifica registrata."),
        )
        return redirect("settlement_payment_details")
    form = None
    provider = None
    if providers:
        chosen = parse_id(request.GET.get("ente"))
        provider = provider_model().objects.filter(pk=chosen if chosen in providers else providers[0]).first()
        form = PaymentDetailsForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            submit_payment_details(provider, form, actor=request.user)
            messages.success(
                request, _("Dati di pagamento inviati: il Comune li verificherà prima del prossimo rendiconto.")
            )
            return redirect("settlement_payment_details")
    return TemplateResponse(
        request,
        "settlement/payment_details.html",
        {
            "city": city,
            "provider": provider,
            "form": form,
            "mine": PaymentDetails.objects.filter(provider_id__in=providers).select_related("provider")[:20],
            "pending": PaymentDetails.objects.filter(status=PaymentDetails.Status.PENDING)
            .select_related("provider")
            .order_by("submitted_at")[:PER_PAGE]
            if city
            else [],
        },
    )


def submit_payment_details(provider, form: PaymentDetailsForm, *, actor) -> PaymentDetails:
    """A new pending version of the provider's payment data, logged; statements keep using the verified one."""
    with transaction.atomic():
        details = form.save(commit=False)
        details.provider = provider
        details.submitted_by = actor
        details.save()
        log_action(
            actor, "settlement.payment_details.submitted", details, {"provider": provider.pk}, to_state="pending"
        )
    return details


def check_payment_details(details: PaymentDetails, *, actor, ok: bool, note: str = "") -> None:
    """The City verifies or rejects a pending version (a rejection needs a note); logged. Raises DomainError."""
    if not ok and not note.strip():
        raise DomainError(_("Scrivi il motivo per cui i dati non sono corretti."), code="settlement.note_required")
    status = PaymentDetails.Status.VERIFIED if ok else PaymentDetails.Status.REJECTED
    with transaction.atomic():
        changed = PaymentDetails.objects.filter(pk=details.pk, status=PaymentDetails.Status.PENDING).update(
            status=status, checked_by=actor, checked_at=timezone.now(), check_note=note.strip()[:2000]
        )
        if not changed:
            raise DomainError(_("Questi dati sono già stati verificati."), code="settlement.already_checked")
        log_action(
            actor,
            f"settlement.payment_details.{status}",
            details,
            {"provider": details.provider_id},
            from_state="pending",
            to_state=status,
            reason=note.strip(),
        )


def city_requests(request):
    """The City: every provider's requests, counters per state, filters (provider search, category, state)."""
    if not access.manages_statements(request.user):
        raise PermissionDenied
    form = CityRequestFilterForm(request.GET or None)
    found, counters = dashboard.city_requests(form.cleaned_data if form.is_valid() else {})
    query = request.GET.copy()
    query.pop("p", None)
    labels = dict(ServiceRequest.State.choices)
    return TemplateResponse(
        request,
        "settlement/city_requests.html",
        {
            "form": form,
            "requests": Paginator(found, PER_PAGE).get_page(request.GET.get("p")),
            "counters": [(labels[state], counters[state]) for state in ServiceRequest.State.values],
            "total": counters["total"],
            "query": query.urlencode(),
        },
    )
