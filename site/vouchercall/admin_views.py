"""The «Ufficio voucher» in the Wagtail admin: applications (filters, counts, exclude, reopen, ISEE check, history),
appeals (decide with a reason, read the documents), rankings (compute, verify, grant, re-rank).

ISEE data appear only to the office's members, and each page that shows them logs the read.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import CreateView, EditView, IndexView

from config.private_files import private_file_response
from core.admin_views import render_history
from core.audit import log_action
from core.errors import DomainError
from vouchercall import access, isee, services
from vouchercall.forms import DecisionForm, ReasonForm
from vouchercall.models import Appeal, Application, Call, Ranking


def _office(request) -> None:
    if not access.in_office(request.user):
        raise PermissionDenied


class CallForm(WagtailAdminModelForm):
    """The bracket table is data, editable until the window opens; afterwards the families' values depend on it."""

    def clean(self):
        data = super().clean()
        if self.instance.pk and self.instance.has_opened():
            formset = self.formsets.get("brackets")
            if formset is not None and formset.has_changed():
                self.add_error(None, _("Le domande sono aperte: le fasce ISEE non si possono più cambiare."))
            if self.has_changed() and {"isee_ceiling", "opens_at"} & set(self.changed_data):
                self.add_error(None, _("Le domande sono aperte: requisiti e apertura non si possono più cambiare."))
        return data


class CallCreateView(CreateView):
    def save_instance(self):
        instance = super().save_instance()
        log_action(self.request.user, "vouchercall.call.created", instance, {"money_call": instance.money_call_id})
        return instance


class CallEditView(EditView):
    """Every change of a call's rules is in the audit trail, with the fields and whether the brackets changed."""

    def save_instance(self):
        changed = list(self.form.changed_data)
        brackets = self.form.formsets.get("brackets")
        if brackets is not None and brackets.has_changed():
            changed.append("brackets")
        instance = super().save_instance()
        log_action(self.request.user, "vouchercall.call.updated", instance, {"fields": changed})
        return instance


class ApplicationIndexView(IndexView):
    """The listing with a count per state for the filtered call (one extra query)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(self.get_base_queryset().values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
        context["state_counts"] = [(label, counts.get(value, 0)) for value, label in Application.State.choices]
        return context


class ApplicationForm(WagtailAdminModelForm):
    class Meta:
        model = Application
        fields = ["isee_type", "isee_value", "dsu_protocol", "isee_date", "minors_in_household"]


class ApplicationEditView(EditView):
    """The office corrects declared data (e.g. after an appeal); members only, the read and the change logged."""

    def dispatch(self, request, *args, **kwargs):
        _office(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.method == "GET":
            access.read_isee(self.request.user, self.object, via="vouchercall_application:edit")
        return context

    def save_instance(self):
        changed = list(self.form.changed_data)
        instance = self.form.save()
        log_action(self.request.user, "vouchercall.application.corrected", instance, {"fields": changed})
        return instance


def application_detail(request, pk: int):
    """An application: facts, children, ISEE (office only, logged), appeals, history, and the office's actions."""
    if not request.user.has_perm("vouchercall.view_application"):
        raise PermissionDenied
    application = get_object_or_404(Application.objects.select_related("call__money_call", "guardian"), pk=pk)
    context = {
        "application": application,
        "children": [link.child for link in application.children.filter(active=True).select_related("child")],
        "isee": access.read_isee(request.user, application, via="vouchercall_application_detail"),
        "appeals": application.appeals.all(),
        "history": render_history(application),
        "reason_form": ReasonForm(),
        "can_act": access.in_office(request.user),
    }
    return TemplateResponse(request, "vouchercall/admin/application_detail.html", context)


@require_POST
def application_action(request, pk: int, action: str):
    _office(request)
    application = get_object_or_404(Application, pk=pk)
    form = ReasonForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        if action == "exclude":
            services.exclude(application, reason, actor=request.user)
        elif action == "reopen":
            if not reason.strip():
                raise services.VoucherCallError(_("Scrivi il motivo della riapertura."))
            services.reopen(application, reason, actor=request.user)
        elif action == "check-isee":
            ok = services.check_isee(application, actor=request.user)
            messages.info(request, _("ISEE confermato dall'INPS.") if ok else _("ISEE non corrispondente."))
        else:
            raise PermissionDenied
    except DomainError as error:
        messages.error(request, str(error.message))
    except isee.IseeSourceError:
        messages.error(request, _("Il servizio ISEE non risponde: riprova più tardi."))
    return redirect("vouchercall_application_detail", pk=pk)


def appeal_detail(request, pk: int):
    _office(request)
    appeal = get_object_or_404(Appeal.objects.select_related("application__call", "ranking"), pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_appeal(
                appeal, form.cleaned_data["decision"] == "accept", form.cleaned_data["reason"], actor=request.user
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Decisione registrata."))
            return redirect("vouchercall_appeal_detail", pk=pk)
    context = {"appeal": appeal, "form": form, "history": render_history(appeal)}
    return TemplateResponse(request, "vouchercall/admin/appeal_detail.html", context)


def appeal_document(request, pk: int):
    _office(request)
    appeal = get_object_or_404(Appeal, pk=pk)
    log_action(request.user, "sensitive.read", appeal, {"fields": ["document"], "via": "vouchercall_appeal_document"})
    return private_file_response(appeal.document, f"riesame-{appeal.application.protocol}")


def call_ranking(request, pk: int):
    """The call's rankings and the office's steps: provisional, final, grant, re-rank; verification shown."""
    _office(request)
    call = get_object_or_404(Call.objects.select_related("money_call"), pk=pk)
    rankings = list(call.rankings.all())
    context = {
        "call": call,
        "rankings": [(r, services.verify(r)) for r in rankings],
        "counts": dict(call.applications.values_list("state").annotate(n=Count("pk")).values_list("state", "n")),
        "pending_appeals": Appeal.objects.filter(application__call=call, state=Appeal.State.PENDING).count(),
        "committed": services.committed(call),
        "steps": call.rerank_steps.all(),
    }
    return TemplateResponse(request, "vouchercall/admin/call_ranking.html", context)


@require_POST
def call_ranking_action(request, pk: int, action: str):
    _office(request)
    call = get_object_or_404(Call, pk=pk)
    try:
        if action in ("provisional", "final"):
            result = services.compute_ranking(call, action, actor=request.user)
            messages.success(
                request,
                _("Graduatoria calcolata: %(n)d finanziate su %(total)d domande.")
                % {"n": result.funded_count, "total": result.entries.count()},
            )
        elif action == "grant":
            final = get_object_or_404(Ranking, call=call, kind=Ranking.Kind.FINAL)
            created = services.grant_final(final, actor=request.user)
            messages.success(request, _("Voucher assegnati: %(n)d.") % {"n": created})
        elif action == "rerank":
            step = services.rerank(call, actor=request.user)
            messages.success(
                request,
                _("Scorrimento %(n)d: %(revoked)d voucher revocati, %(funded)d domande finanziate.")
                % {"n": step.number, "revoked": len(step.revoked_wallets), "funded": len(step.funded_protocols)},
            )
        else:
            raise PermissionDenied
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("vouchercall_call_ranking", pk=pk)
