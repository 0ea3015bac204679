"""The family's pages for the voucher call (`/famiglia/bando-voucher/…`) and the public ranking
(`/graduatorie-voucher/…`). Family pages look everything up through the signed-in guardian: another family's
application answers 404. The public ranking names nobody: position, protocol code, funded or not."""

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from booking.family_views import _guardian_or_404, family_view
from booking.models import Wallet
from core.errors import DomainError, act
from core.http import attachment
from vouchercall import services
from vouchercall.forms import AppealForm, ApplicationForm
from vouchercall.models import Application, Call, Ranking
from vouchercall.receipt import receipt_pdf

PUBLIC_PER_PAGE = 100


def _application(guardian, call) -> Application | None:
    return Application.objects.filter(call=call, guardian=guardian).select_related("call__money_call").first()


def _own_application(request, pk: int) -> Application:
    """The signed-in family's application to call `pk`; Http404 when there is none (or no such call)."""
    application = _application(_guardian_or_404(request), get_object_or_404(Call, pk=pk))
    if application is None:
        raise Http404
    return application


@family_view
def call_list(request):
    guardian = _guardian_or_404(request)
    calls = Call.objects.select_related("money_call").prefetch_related("brackets")
    mine = {a.call_id: a for a in Application.objects.filter(guardian=guardian)}
    rows = [{"call": call, "application": mine.get(call.pk), "open": call.is_open()} for call in calls]
    return render(request, "vouchercall/call_list.html", {"rows": rows})


@family_view
def call_detail(request, pk: int):
    guardian = _guardian_or_404(request)
    call = get_object_or_404(Call.objects.select_related("money_call"), pk=pk)
    application = _application(guardian, call)
    context = {
        "call": call,
        "brackets": call.brackets.all(),
        "application": application,
        "is_open": call.is_open(),
        "provisional": call.rankings.filter(kind=Ranking.Kind.PROVISIONAL).first(),
    }
    if application:
        context["children"] = [link.child for link in application.children.filter(active=True).select_related("child")]
        context["standing"] = services.standing(application)
        context["appeals"] = application.appeals.all()
        context["wallets"] = (
            Wallet.objects.with_balance().filter(holder=guardian, call=call.money_call).select_related("child")
        )
        provisional = context["provisional"]
        context["can_appeal"] = (
            provisional is not None
            and not call.rankings.filter(kind=Ranking.Kind.FINAL).exists()
            and timezone.localdate() <= provisional.appeal_deadline
            and not application.appeals.filter(ranking=provisional).exists()
        )
    return render(request, "vouchercall/call_detail.html", context)


@family_view
def apply(request, pk: int):
    guardian = _guardian_or_404(request)
    call = get_object_or_404(Call.objects.select_related("money_call"), pk=pk)
    application = _application(guardian, call)
    if not call.is_open():
        messages.error(request, _("Il bando non accetta domande in questo momento."))
        return redirect("vouchercall:call", pk=call.pk)
    form = ApplicationForm(request.POST or None, instance=application or Application(call=call), guardian=guardian)
    if request.method == "POST" and form.is_valid():
        children = list(form.cleaned_data["children"])
        try:
            if application is None:
                application = services.submit(call, guardian, children, form.declaration(), actor=request.user)
                messages.success(
                    request,
                    _(
                        "Domanda inviata: il tuo codice di protocollo è %(code)s. "
                        "Puoi scaricare la ricevuta qui sotto; te l'abbiamo segnalata anche per email."
                    )
                    % {"code": application.protocol},
                )
            else:
                services.update(application, children, form.declaration(), actor=request.user)
                messages.success(request, _("Domanda aggiornata."))
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("vouchercall:call", pk=call.pk)
    return render(
        request,
        "vouchercall/apply.html",
        {"form": form, "call": call, "application": application, "guardian": guardian},
    )


@require_POST
@family_view
def withdraw(request, pk: int):
    application = _own_application(request, pk)
    act(request, lambda: services.withdraw(application, actor=request.user), _("Domanda ritirata."))
    return redirect("vouchercall:call", pk=pk)


@family_view
def receipt(request, pk: int):
    application = _own_application(request, pk)
    return attachment(receipt_pdf(application), "application/pdf", f"ricevuta-{application.protocol}.pdf")


@family_view
def appeal(request, pk: int):
    application = _own_application(request, pk)
    call = application.call
    form = AppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal(application, form.cleaned_data["reason"], form.cleaned_data["document"], actor=request.user)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Richiesta di riesame inviata."))
            return redirect("vouchercall:call", pk=pk)
    return render(request, "vouchercall/appeal.html", {"form": form, "call": call, "application": application})


@require_POST
@family_view
def renounce(request, wallet_pk: int):
    guardian = _guardian_or_404(request)
    wallet = get_object_or_404(Wallet.objects.filter(holder=guardian, call__programme__isnull=False), pk=wallet_pk)
    act(
        request,
        lambda: services.renounce(wallet, actor=request.user),
        _("Hai rinunciato al voucher: l'importo torna al bando per le famiglie in attesa."),
    )
    return redirect("vouchercall:call", pk=wallet.call.programme.pk)


def public_ranking(request, pk: int):
    """The published ranking, identifying nobody (D.Lgs. 33/2013 art. 26 c.4): position, protocol code, funded."""
    published = get_object_or_404(Ranking.objects.select_related("call__money_call"), pk=pk)
    entries = published.entries.order_by("position").values("position", "protocol", "funded", "funded_by_step__number")
    query = re.sub(r"[^A-Z0-9-]", "", request.GET.get("protocollo", "").upper())[:20]  # a protocol code, nothing else
    if query:
        entries = entries.filter(protocol=query)
    page = Paginator(entries, PUBLIC_PER_PAGE).get_page(request.GET.get("pagina"))
    rerank_funded = published.entries.filter(~Q(funded_by_step=None)).count()
    return render(
        request,
        "vouchercall/public_ranking.html",
        {
            "ranking": published,
            "entries": page,
            "query": query,
            "query_string": urlencode({"protocollo": query}) if query else "",
            "rerank_funded": rerank_funded,
        },
    )
